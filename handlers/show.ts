/** /vnet show APP: one app's VNet, gateway, routes, DNS and certificate. */
import { isBotError } from "../src/errors.ts";
import { defineCommand } from "../src/core/command.ts";
import { findVpnGateway } from "../src/core/eligibility.ts";
import type { GatewayInfo } from "../src/core/model.ts";
import type { AzureReader } from "../src/core/ports.ts";
import { resolveApp } from "../src/core/resolve.ts";
import type { ReplyPart } from "../src/core/reply.ts";
import { rootCertificatesLine } from "../src/core/changes/root-certificates.ts";
import { certificateLine, connectionFlags, routeLines } from "./read-format.ts";

/** The VPN gateway behind a VNet, or why it cannot be shown: gone is "not found", any other failure says so. */
async function vpnGatewayOf(reader: AzureReader, vnetId: string): Promise<GatewayInfo | string> {
  try {
    const vnet = await reader.getVnet(vnetId);
    const gateways = await Promise.all(vnet.gatewayIds.map((id) => reader.getGateway(id)));
    return findVpnGateway(gateways) ?? "none";
  } catch (error) {
    if (isBotError(error) && error.kind === "not-found") return "not found";
    if (isBotError(error)) return `could not be read: ${error.message}`;
    throw error;
  }
}

export const show = defineCommand({
  name: "show",
  summary: "One app: VNet, gateway, P2S pool, routes, DNS, certificate thumbprint and expiry",
  changesAzure: false,
  params: [{ name: "APP", kind: "app" }],
  async run(ctx, args) {
    const app = await resolveApp(ctx, args.ref("APP"));
    const connections = (await ctx.reader.listAppVnetConnections(app.id)).filter((c) => !c.isRegional);
    const parts: ReplyPart[] = [{ kind: "context", lines: [`${app.resourceGroup} · ${app.location} · ${app.state}${app.regionalSubnetId ? " · also uses regional integration" : ""}`] }];
    if (connections.length === 0) parts.push({ kind: "text", text: `${app.name} has no gateway-required VNet integration.` });
    for (const c of connections) {
      const gateway = await vpnGatewayOf(ctx.reader, c.vnetId);
      parts.push({
        kind: "fields",
        fields: [
          { label: "VNet", value: c.name },
          { label: "Gateway", value: typeof gateway === "string" ? gateway : `${gateway.name} (${gateway.skuName}, ${gateway.provisioningState}; ${rootCertificatesLine(gateway)})` },
          { label: "P2S pool (firewalls must allow all of it)", value: (typeof gateway === "string" ? "" : gateway.addressPool.join(", ")) || "unknown" },
          { label: "Certificate", value: [c.certThumbprint ? `\`${c.certThumbprint}\`` : undefined, certificateLine(c, ctx.clock.now())].filter(Boolean).join("\n") },
          { label: "Routes", value: routeLines(c).join("\n") },
          { label: "DNS", value: c.dnsServers.join(", ") || "Azure-provided" },
        ],
      });
      const flags = connectionFlags(c);
      if (flags) parts.push({ kind: "context", lines: [flags] });
    }
    return { title: app.name, text: connections.map((c) => c.name).join(", ") || "no gateway-required integration", parts };
  },
});
