/** /vnet expiring [MONTHS]: the certificates expiring soon, answered at once for whoever asks. */
import { certificateDigest } from "../src/core/alerts/certificate-digest.ts";
import { certificateFindings, evaluateCertificates } from "../src/core/alerts/certificate-alerts.ts";
import { defineCommand } from "../src/core/command.ts";
import { inSubscriptions, migrationProgress } from "../src/core/migration/countdown.ts";
import { FRESH, withKeptNote } from "./kept-reads.ts";

const DEFAULT_MONTHS = 6;
const MAX_MONTHS = 24;

export const expiring = defineCommand({
  name: "expiring",
  summary: "Integration certificates that expire within MONTHS (default 6), most urgent first",
  changesAzure: false,
  params: [{ name: "MONTHS", kind: "count", optional: true, max: MAX_MONTHS }],
  flags: [FRESH],
  async run(ctx, args) {
    const months = Number(args.optional("MONTHS") ?? DEFAULT_MONTHS);
    const now = ctx.clock.now();
    const { inventory, keptNote } = await ctx.inventory.read(ctx, ctx.subscriptions, { fresh: args.has("--fresh") });
    // Nothing stored: every certificate in the window is listed, as if announced for the first time.
    const evaluation = evaluateCertificates(certificateFindings(inventory.integrations), new Map(), { now, warningMonths: months, scanComplete: false });
    const reply = certificateDigest({
      entries: evaluation.announcements,
      renewals: [],
      alreadyAnnounced: 0,
      progress: migrationProgress(await ctx.migrations.list(), inventory, inSubscriptions(ctx.subscriptions)),
      warningMonths: months,
      now,
      failures: inventory.failures.map((f) => f.message),
      withButtons: false,
    });
    if (evaluation.announcements.length > 0) reply.parts.splice(-1, 0, { kind: "context", lines: ["Renew one with `/vnet renew APP`: it goes to approval like any change."] });
    return withKeptNote({ ...reply, visibility: "ephemeral" }, keptNote);
  },
});
