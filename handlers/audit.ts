/** /vnet audit [N]: the latest audit records. */
import { formatTime } from "../src/core/format.ts";
import { defineCommand } from "../src/core/command.ts";

const DEFAULT_COUNT = 20;

export const audit = defineCommand({
  name: "audit",
  summary: `The latest N audit records (default ${DEFAULT_COUNT})`,
  changesAzure: false,
  instant: true,
  params: [{ name: "N", kind: "count", optional: true }],
  async run(ctx, args) {
    const records = await ctx.audit.latest(Number(args.optional("N") ?? DEFAULT_COUNT));
    if (records.length === 0) return { text: "The audit trail is empty.", parts: [{ kind: "text", text: "The audit trail is empty." }] };
    const lines = records.map((r) => {
      const who = r.actor === "vnetbot" ? "vnetbot" : `<@${r.actor}>`;
      const azure = r.azureRequestIds.length > 0 ? ` · Azure ${r.azureRequestIds.map((id) => `\`${id}\``).join(", ")}` : "";
      return `${formatTime(r.at)} · ${who} · *${r.action}*${r.requestId ? ` \`${r.requestId}\`` : ""} · ${r.summary}${azure}`;
    });
    return { title: `Audit: the latest ${records.length}`, text: `${records.length} audit records`, parts: [{ kind: "text", text: lines.join("\n") }] };
  },
});
