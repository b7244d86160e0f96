/** /vnet migration [--subscription ID] [--plan PLAN] [--fresh]: how ready each integration is to move to regional integration. */
import { defineCommand } from "../src/core/command.ts";
import { readinessReply } from "../src/core/migration/readiness-reply.ts";
import { assessMigration, failuresWithoutVerdict } from "../src/core/migration/readiness.ts";
import { askedSubscriptions, inventoryFor, progressFor, SCOPE_FLAGS, withKeptNote } from "./kept-reads.ts";

export const migration = defineCommand({
  name: "migration",
  summary: "Each integration's readiness for regional VNet integration: the verdict, why, and what to do or the command to run",
  changesAzure: false,
  params: [],
  flags: SCOPE_FLAGS,
  async run(ctx, args) {
    const subscriptions = askedSubscriptions(ctx, args.optional("--subscription"));
    const plan = args.optionalRef("--plan");
    // Plans and VNets may come from the kept inventory; whether each plan's scale unit takes regional integration is
    // read live, since nothing else reads it.
    const { inventory, keptNote, neighbours, alone } = await inventoryFor(ctx, subscriptions, plan, args.has("--fresh"), { neighbours: true });
    const records = await ctx.migrations.list();
    const [assessments, countdown] = await Promise.all([assessMigration(ctx.reader, inventory, neighbours, records.filter((record) => record.status === "moving")), progressFor(ctx, inventory, subscriptions, plan, records)]);
    const warnings = failuresWithoutVerdict(inventory).map((f) => `${f.scope}: ${f.message}`);
    return withKeptNote(readinessReply(assessments, countdown.line, warnings, { alone, midway: countdown.progress.midway !== undefined }), keptNote);
  },
});
