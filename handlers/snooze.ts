/** /vnet snooze ALERT DURATION REASON: silences one open alert for a while; the reason is shown on the alert. */
import { BotError } from "../src/errors.ts";
import { parseSnoozeDuration, snoozeAlert } from "../src/core/alerts/snooze-alert.ts";
import { defineCommand } from "../src/core/command.ts";
import { escapeMrkdwn } from "../src/core/reply.ts";

export const snooze = defineCommand({
  name: "snooze",
  summary: "Silence one open alert (its id or gateway name) for DURATION (30m, 4h, 2d; up to a week), saying why",
  changesAzure: false,
  // Silencing an outage alert is a decision for the people who may change things, not for every reader.
  access: { audience: "operators", deed: "snooze alerts" },
  params: [
    { name: "ALERT", kind: "alert" },
    { name: "DURATION", kind: "duration" },
    { name: "REASON", kind: "text", rest: true },
  ],
  async run(ctx, args) {
    if (!ctx.alerts) {
      throw new BotError("unavailable", "Alerts are off, so there is nothing to snooze.", { hint: "Set slack.alertChannel in the configuration to turn them on." });
    }
    const reason = (args.optional("REASON") ?? "").trim();
    const reply = await snoozeAlert(ctx.alerts, {
      ref: args.text("ALERT"),
      ms: parseSnoozeDuration(args.text("DURATION")),
      reason,
      userId: ctx.userId,
      now: ctx.clock.now(),
    });
    await ctx.audit.append({ at: ctx.clock.now(), actor: ctx.userId, action: "snooze", requestId: undefined, summary: `/vnet ${escapeMrkdwn(ctx.commandText)}`, azureRequestIds: [] });
    return reply;
  },
});
