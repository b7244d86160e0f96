/** /vnet show APP: one app's VNet, gateway, routes, DNS and certificate. */
import { defineCommand } from "../src/core/command.ts";
import { resolveApp } from "../src/core/resolve.ts";
import type { ReplyPart } from "../src/core/reply.ts";
import { resolveDeps } from "./change-targets.ts";
import { certificateLine, connectionFlags, routeLines } from "./read-format.ts";

/** The show command. */
export const show = defineCommand({
  name: "show",
  summary: "One app: VNet, routes, DNS, certificate",
  changesAzure: false,
  params: [{ name: "APP", kind: "app" }],
  async run(ctx, args) {
    const app = await resolveApp(resolveDeps(ctx), args["APP"]!);
    const connections = (await ctx.reader.listAppVnetConnections(app.id)).filter((c) => !c.isRegional);
    const parts: ReplyPart[] = [{ kind: "context", lines: [`${app.resourceGroup} · ${app.location} · ${app.state}${app.regionalSubnetId ? " · also uses regional integration" : ""}`] }];
    if (connections.length === 0) parts.push({ kind: "text", text: `${app.name} has no gateway-required VNet integration.` });
    for (const c of connections) {
      parts.push({
        kind: "fields",
        fields: [
          { label: "VNet", value: c.name },
          { label: "Certificate", value: certificateLine(c, ctx.clock.now()) },
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
