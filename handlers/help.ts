/** /vnet help [command]: the command table, showing each user what they may do. */
import { BotError } from "../src/errors.ts";
import { defineCommand, type Command } from "../src/core/command.ts";
import type { Reply } from "../src/core/reply.ts";

export const help = defineCommand({
  name: "help",
  summary: "Every command, or one command in detail",
  changesAzure: false,
  instant: true,
  params: [{ name: "COMMAND", kind: "command", optional: true, rest: true }],
  valueNames: { COMMAND: "command" },
  async run(ctx, args): Promise<Reply> {
    const [mayChange, mayApprove] = await Promise.all([knownNow(ctx.access.canRequestChanges(ctx.userId)), knownNow(ctx.access.canApprove(ctx.userId))]);
    const wanted = args.optional("COMMAND")?.toLowerCase();
    if (wanted) {
      const command = ctx.commands.find((c) => c.name === wanted);
      if (!command) throw new BotError("usage", `There is no \`/vnet ${wanted}\` command.`, { hint: "Type `/vnet help` for the list." });
      return { title: `/vnet ${command.name}`, text: `${command.usage}: ${command.summary}`, parts: [{ kind: "text", text: `\`${command.usage}\`\n${command.summary}.` }, { kind: "context", lines: [command.changesAzure ? changeNote(mayChange) : command.access.audience === "anyone" ? "Reads only: anyone may run it." : `Only ${command.access.audience} may run it.`] }] };
    }
    const line = (c: Command) => `\`${c.usage}\`  ${c.summary}${!c.changesAzure && c.access.audience !== "anyone" ? ` _(${c.access.audience} only)_` : ""}`;
    const reads = ctx.commands.filter((c) => !c.changesAzure);
    const changes = ctx.commands.filter((c) => c.changesAzure);
    return {
      title: "vnetbot: gateway-required VNet integration",
      text: "vnetbot commands",
      parts: [
        { kind: "text", text: `*Read* (anyone, unless marked)\n${reads.map(line).join("\n")}` },
        { kind: "text", text: `*Change* (shown as a plan first, runs after another person approves)\n${changes.map(line).join("\n")}` },
        { kind: "context", lines: [changeNote(mayChange), approveNote(mayApprove)] },
        { kind: "context", lines: ["APP, PLAN and VNET take a name, resource-group/name, or a full resource id; APP also takes APP/SLOT for a deployment slot."] },
      ],
    };
  },
});

/**
 * What an access check answers without waiting on Slack: help is the acknowledgement itself (3 seconds), and a
 * user-group lookup (usergroups.users.list, Tier 2, retried, paused on a 429) may take longer or fail. A user listed
 * by id, or a group already cached, answers at once; otherwise undefined, and the lookup goes on to warm the cache.
 */
function knownNow(check: Promise<boolean>): Promise<boolean | undefined> {
  const settled = check.catch(() => undefined);
  // setImmediate runs after every pending promise job, and before any answer from the network can arrive.
  const later = new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined)));
  return Promise.race([settled, later]);
}

function changeNote(mayChange: boolean | undefined): string {
  if (mayChange === undefined) return "Whether you may request changes depends on an operators user group I am still looking up: ask `/vnet help` again in a moment.";
  return mayChange ? "You may request changes; an approver other than you decides them." : "You may not request changes (only operators may); reading commands are open to you.";
}

function approveNote(mayApprove: boolean | undefined): string {
  if (mayApprove === undefined) return "Whether you may approve depends on an approvers user group I am still looking up: ask `/vnet help` again in a moment.";
  return mayApprove ? "You may approve or reject other people's change requests." : "You may not approve change requests.";
}
