/** /vnet gateways: the gateways the integrations depend on that are down or busy, and integrations needing a resync. */
import { MAX_ROOT_CERTIFICATES, ROOT_CERTIFICATES_WARNING, rootCertificatesLine } from "../src/core/changes/root-certificates.ts";
import { plural } from "../src/core/format.ts";
import { gatewayFindings } from "../src/core/alerts/gateway-findings.ts";
import type { ProblemFinding } from "../src/core/alerts/problem-finding.ts";
import { fixText } from "../src/core/alerts/problem-messages.ts";
import { defineCommand } from "../src/core/command.ts";
import { FRESH, withKeptNote } from "./kept-reads.ts";
import type { ReplyPart } from "../src/core/reply.ts";

const MARK: Record<ProblemFinding["condition"], string> = { down: ":red_circle:", busy: ":large_blue_circle:", unknown: ":grey_question:", up: ":large_green_circle:" };

function line(finding: ProblemFinding): string {
  const state = finding.kind === "resync" ? "needs a network sync" : finding.condition === "busy" ? "is busy (not down)" : finding.condition === "unknown" ? "could not be checked" : "is down";
  const why = finding.reasons.length > 0 ? ` (${finding.reasons.join("; ")})` : "";
  const fix = finding.fix ? ` Fix: ${fixText(finding.fix)}` : "";
  return `${MARK[finding.condition]} *${finding.subject}* ${state}${why}. Apps: ${finding.apps.join(", ") || "_none_"}.${fix}`;
}

export const gateways = defineCommand({
  name: "gateways",
  summary: "Gateways the integrations depend on that are down or busy, and integrations that need a sync",
  changesAzure: false,
  params: [],
  flags: [FRESH],
  async run(ctx, args) {
    const { inventory, keptNote, health } = await ctx.inventory.read(ctx, ctx.subscriptions, { fresh: args.has("--fresh") });
    const failures = inventory.failures.map((f) => f.message);
    // Resource Health as read with the inventory: the answer is as old as the inventory, and as quick.
    const keptHealth = {
      getResourceHealth: async (id: string) => {
        const state = health.get(id.toLowerCase());
        if (state === undefined) throw new Error("Resource Health was not read with the inventory");
        return state;
      },
    };
    const findings = await gatewayFindings(keptHealth, inventory.integrations, { failures });
    const gatewayCount = findings.filter((f) => f.kind === "gateway").length;
    const notable = findings.filter((f) => f.condition !== "up");
    const down = notable.filter((f) => f.condition === "down").length;
    const summary = down > 0 ? `${plural(down, "problem")} of ${plural(gatewayCount, "gateway")} checked.` : `All ${plural(gatewayCount, "gateway")} the integrations use are up.`;
    const parts: ReplyPart[] = [{ kind: "text", text: notable.length > 0 ? notable.map(line).join("\n") : `:large_green_circle: ${summary}` }];
    const roots = [...new Map(inventory.integrations.flatMap((i) => (i.gateway ? [[i.gateway.id.toLowerCase(), i.gateway] as const] : []))).values()];
    if (roots.length > 0) {
      const mark = (n: number) => (n >= MAX_ROOT_CERTIFICATES ? ":x: " : n >= ROOT_CERTIFICATES_WARNING ? ":warning: " : "");
      parts.push({ kind: "text", text: `*Root certificates* (a gateway takes at most ${MAX_ROOT_CERTIFICATES})\n${roots.map((g) => `${mark(g.rootCertificates.length)}${g.name}: ${rootCertificatesLine(g)}`).join("\n")}` });
    }
    const context = [`Down means missing, provisioning Failed, or Resource Health Unavailable; Creating/Updating/Deleting is busy.`];
    if (failures.length > 0) context.unshift(`:warning: ${plural(failures.length, "read")} failed, so this may be incomplete: ${failures.join("; ")}`);
    parts.push({ kind: "context", lines: context });
    return withKeptNote({ title: "Gateways", text: summary, parts }, keptNote);
  },
});
