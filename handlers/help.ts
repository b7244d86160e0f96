/** /vnet help [command]: the command table, showing each user what they may do. */
import { BotError } from "../src/errors.ts";
import { closestWord } from "../src/core/closest-word.ts";
import { defineCommand, SHARE_FLAG, isShareable, type Command } from "../src/core/command.ts";
import type { Reply } from "../src/core/reply.ts";

export const help = defineCommand({
  name: "help",
  summary: "Every command, or one command in detail",
  changesAzure: false,
  instant: true,
  personal: true,
  params: [{ name: "COMMAND", kind: "command", optional: true, rest: true }],
  valueNames: { COMMAND: "command" },
  async run(ctx, args): Promise<Reply> {
    const [mayChange, mayApprove] = await Promise.all([knownNow(ctx.access.canRequestChanges(ctx.userId)), knownNow(ctx.access.canApprove(ctx.userId))]);
    const wanted = args.optional("COMMAND")?.toLowerCase().replace(/\s+/g, " ");
    if (wanted) {
      // "help route", "help migrate": the command and those that start with it, each with its usage and summary.
      const family = ctx.commands.filter((c) => c.name === wanted || c.name.startsWith(`${wanted} `));
      const command = family.length === 1 ? family.find((c) => c.name === wanted) : undefined;
      if (command) return { title: `/vnet ${command.name}`, text: `${command.usage}: ${command.summary}`, parts: [{ kind: "text", text: `\`${command.usage}\`\n${command.summary}.` }, { kind: "context", lines: [accessNote(command, mayChange)] }] };
      if (family.length > 0) {
        return {
          title: `/vnet ${wanted} …`,
          text: `${family.length} commands: ${family.map((c) => c.name).join(", ")}`,
          parts: [{ kind: "text", text: family.map((c) => `\`${c.usage}\`\n${c.summary}.`).join("\n\n") }, { kind: "context", lines: [...new Set(family.map((c) => accessNote(c, mayChange)))] }],
        };
      }
      const meant = closestWord(wanted, ctx.commands.map((c) => c.name));
      throw new BotError("usage", `There is no \`/vnet ${wanted}\` command.${meant ? ` Did you mean \`/vnet help ${meant}\`?` : ""}`, { hint: "Type `/vnet help` for the list." });
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
        { kind: "context", lines: ["APP, PLAN and VNET take a name, resource-group/name, or a full resource id; APP also takes APP/SLOT for a deployment slot.", SHARE_NOTE] },
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

/** Under the read commands: how to show an answer to the whole channel. */
const SHARE_NOTE = `Add \`${SHARE_FLAG}\` to a read command to post its answer in the channel for everyone, e.g. \`/vnet list ${SHARE_FLAG}\`.`;

function accessNote(command: Command, mayChange: boolean | undefined): string {
  if (command.changesAzure) return changeNote(mayChange);
  if (command.access.audience !== "anyone") return `Only ${command.access.audience} may run it.`;
  return `Reads only: anyone may run it${isShareable(command) ? `; \`${SHARE_FLAG}\` posts the answer in the channel` : ""}.`;
}

function changeNote(mayChange: boolean | undefined): string {
  if (mayChange === undefined) return "Whether you may request changes depends on an operators user group I am still looking up: ask `/vnet help` again in a moment.";
  return mayChange ? "You may request changes; an approver other than you decides them." : "You may not request changes (only operators may); reading commands are open to you.";
}

function approveNote(mayApprove: boolean | undefined): string {
  if (mayApprove === undefined) return "Whether you may approve depends on an approvers user group I am still looking up: ask `/vnet help` again in a moment.";
  return mayApprove ? "You may approve or reject other people's change requests." : "You may not approve change requests.";
}
