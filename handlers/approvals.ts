/** /vnet approvals: the change requests waiting for a decision. */
import { formatTime } from "../src/core/format.ts";
import { defineCommand } from "../src/core/command.ts";
import { askedIn } from "../src/core/approvals/approval-message.ts";
import type { ReplyPart } from "../src/core/reply.ts";

export const approvals = defineCommand({
  name: "approvals",
  summary: "Change requests waiting for a decision",
  changesAzure: false,
  instant: true,
  params: [],
  async run(ctx) {
    const pending = (await ctx.approvals.list(["pending"])).filter((r) => r.expiresAt > ctx.clock.now());
    if (pending.length === 0) return { text: "No change requests are waiting for a decision.", parts: [{ kind: "text", text: "No change requests are waiting for a decision." }] };
    const parts: ReplyPart[] = pending.map((r) => ({
      kind: "text",
      text: `\`${r.id}\` *${r.plan.title}*\nasked by <@${r.requestedBy}>${askedIn(r)} at ${formatTime(r.createdAt)}, expires ${formatTime(r.expiresAt)}`,
    }));
    return { title: `${pending.length} change request${pending.length === 1 ? "" : "s"} waiting`, text: `${pending.length} waiting`, parts };
  },
});
