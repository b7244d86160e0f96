/** /vnet show APP: one app's VNet, gateway, routes, DNS and certificate. */
import { isBotError } from "../src/errors.ts";
import { CLASSIC_GATEWAY_UNREADABLE } from "../src/core/classic-vnet.ts";
import { isClassicVnetId, sameId, subnetLabel } from "../src/core/resource-id.ts";
import { defineCommand } from "../src/core/command.ts";
import { findVpnGateway } from "../src/core/eligibility.ts";
import { isCertOnGateway, type Integration } from "../src/core/inventory.ts";
import { readGateways } from "../src/core/changes/common.ts";
import { findKeptApp } from "../src/core/kept-inventory.ts";
import { appsOf } from "../src/core/approvals/approval-service.ts";
import { movingText, strandedHint, strandedText, unverifiedText, type MigrationRecord } from "../src/core/migration/migration-records.ts";
import type { AppInfo, GatewayInfo, VnetConnectionInfo } from "../src/core/model.ts";
import type { AzureReader } from "../src/core/ports.ts";
import { resolveApp } from "../src/core/resolve.ts";
import type { Reply, ReplyPart } from "../src/core/reply.ts";
import { rootCertificatesLine } from "../src/core/changes/root-certificates.ts";
import { FRESH, withKeptNote } from "./kept-reads.ts";
import { certificateLine, connectionFlags, routeLines } from "./read-format.ts";

/** The VPN gateway behind a VNet, or why it cannot be shown: gone is "not found", any other failure says so. */
async function vpnGatewayOf(reader: AzureReader, vnetId: string): Promise<GatewayInfo | string> {
  if (isClassicVnetId(vnetId)) return CLASSIC_GATEWAY_UNREADABLE;
  try {
    const vnet = await reader.getVnet(vnetId);
    const gateways = await readGateways(reader, vnet);
    // A gateway the VNet still names that ARM no longer finds is gone, not absent.
    return findVpnGateway(gateways) ?? (gateways.length < vnet.gatewayIds.length ? "not found" : "none");
  } catch (error) {
    if (isBotError(error) && error.kind === "not-found") return "not found";
    if (isBotError(error)) return `could not be read: ${error.message}`;
    throw error;
  }
}

/** The same answer from what the scan found: the VNet or gateway is gone, unread, absent, or there. */
function keptGatewayOf(integration: Integration): GatewayInfo | string {
  if (integration.gateway) return integration.gateway;
  if (integration.classic) return CLASSIC_GATEWAY_UNREADABLE;
  if (integration.missing) return "not found";
  const { vnet } = integration;
  return vnet === undefined || integration.gateways.length < vnet.gatewayIds.length ? "could not be read when the inventory was taken" : "none";
}

function connectionParts(c: VnetConnectionInfo, gateway: GatewayInfo | string, now: Date, planSubscriptionId: string): ReplyPart[] {
  const parts: ReplyPart[] = [
    {
      kind: "fields",
      fields: [
        { label: "VNet", value: c.name },
        { label: "Gateway", value: typeof gateway === "string" ? gateway : `${gateway.name} (${gateway.skuName}, ${gateway.provisioningState}; ${rootCertificatesLine(gateway)})` },
        { label: "P2S pool (firewalls must allow all of it)", value: (typeof gateway === "string" ? "" : gateway.addressPool.join(", ")) || "unknown" },
        { label: "Certificate", value: [c.certThumbprint ? `\`${c.certThumbprint}\`` : undefined, certificateLine(c, now)].filter(Boolean).join("\n") },
        { label: "Routes", value: routeLines(c).join("\n") },
        // An empty list is Azure-provided DNS, or Azure not reporting the servers (see the diagnosis' DNS check).
        { label: "DNS", value: c.dnsServers.join(", ") || "Azure-provided, or not reported" },
      ],
    },
  ];
  const flags = connectionFlags(c, { certOnGateway: typeof gateway !== "string" && c.certBlob ? isCertOnGateway(c.certBlob, gateway) : undefined, planSubscriptionId, dnsShown: true });
  if (flags) parts.push({ kind: "context", lines: [flags] });
  return parts;
}

function reply(app: AppInfo, connections: ReadonlyArray<{ connection: VnetConnectionInfo; gateway: GatewayInfo | string }>, now: Date, stranded?: MigrationRecord & { running?: boolean }): Reply {
  const regional = app.regionalSubnetId ? subnetLabel(app.regionalSubnetId) : undefined;
  const parts: ReplyPart[] = [{ kind: "context", lines: [`${app.resourceGroup} · ${app.location} · ${app.state}`] }];
  if (regional) {
    parts.push({ kind: "text", text: `${app.name} uses regional VNet integration: subnet ${regional}.${connections.length > 0 ? " It should not have a gateway-required integration as well: an app has one VNet integration at a time." : ""}` });
    // Only for the subnet the migration moved it to: an app moved elsewhere by hand is not this migration's.
    if (stranded && sameId(stranded.subnetId, app.regionalSubnetId!)) {
      parts.push({ kind: "text", text: stranded.running ? `:hourglass: ${movingText(app.name, stranded)}` : `:warning: ${unverifiedText(app.name, stranded)} ${strandedHint(app.name)}` });
    }
  } else if (connections.length === 0 && stranded) {
    parts.push({ kind: "text", text: stranded.running ? `:hourglass: ${movingText(app.name, stranded)} Until it joins the subnet it has no VNet integration.` : `:warning: ${strandedText(app.name, stranded)} ${strandedHint(app.name)}` });
  } else if (connections.length === 0) {
    parts.push({ kind: "text", text: `${app.name} has no gateway-required VNet integration.` });
  }
  for (const { connection, gateway } of connections) parts.push(...connectionParts(connection, gateway, now, app.subscriptionId));
  const summary = stranded && !regional && connections.length === 0 ? "no VNet integration: a migration stopped half-way" : regional ? `regional integration (${regional})` : "no gateway-required integration";
  return { title: app.name, text: connections.map((c) => c.connection.name).join(", ") || summary, parts };
}

export const show = defineCommand({
  name: "show",
  summary: "One app: VNet, gateway, P2S pool, routes, DNS, certificate thumbprint and expiry",
  changesAzure: false,
  params: [{ name: "APP", kind: "app" }],
  flags: [FRESH],
  async run(ctx, args) {
    const ref = args.ref("APP");
    const now = ctx.clock.now();
    // An integrated app the kept inventory knows answers at once; any other app is read from Azure.
    const kept = args.has("--fresh") ? undefined : await ctx.inventory.kept(ctx.subscriptions);
    const found = kept && findKeptApp(kept.inventory, ref);
    if (kept && found) return withKeptNote(reply(found.app, [{ connection: found.integration.connection, gateway: keptGatewayOf(found.integration) }], now), kept.keptNote);

    const app = await resolveApp(ctx, ref);
    const connections = (await ctx.reader.listAppVnetConnections(app.id)).filter((c) => !c.isRegional);
    const withGateways = [];
    for (const connection of connections) withGateways.push({ connection, gateway: await vpnGatewayOf(ctx.reader, connection.vnetId) });
    // An app a stopped migration left between its gateway and its subnet has no VNet at all: said as the outage it is;
    // one on its subnet, not yet verified there, is said to be mid-way too (the countdown sends people here).
    const record = connections.length === 0 ? await ctx.migrations.get(app.id) : undefined;
    if (record?.status !== "moving") return reply(app, withGateways, now);
    // A change of the app may be running now, between its steps: that is not a migration stopped half-way.
    const running = (await ctx.approvals.list(["approved", "running"])).some((r) => appsOf(r.request).includes(app.id.toLowerCase()));
    return reply(app, withGateways, now, { ...record, running });
  },
});
