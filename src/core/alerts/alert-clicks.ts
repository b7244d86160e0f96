/** The alerts' buttons: Renew opens the normal approval flow for the clicker; Snooze silences one alert for a while. */
import type { ApprovalService } from "../approvals/approval-service.ts";
import type { RequestOrigin } from "../approvals/approval-store.ts";
import type { AuditLog } from "../audit.ts";
import type { Button, Click, Decision } from "../button.ts";
import { commandTextOf } from "../changes/registry.ts";
import type { AlertStateStore, ChatPort, Clock } from "../ports.ts";
import { ACTIONS, type Reply } from "../reply.ts";
import { SNOOZE_CHOICES } from "./problem-messages.ts";
import { renewRequestForAlert } from "./renew-from-alert.ts";
import { snoozeAlert } from "./snooze-alert.ts";

/** What the alert buttons need. */
export interface AlertClickDeps {
  store: AlertStateStore;
  chat: ChatPort<Reply>;
  approvals: Pick<ApprovalService, "requestChange">;
  audit: AuditLog;
  clock: Clock;
  timezone?: string;
}

/** Where a Renew button's change comes from, shown on its approval request. */
export const RENEW_ORIGIN: RequestOrigin = { button: "Renew", source: "the certificate digest" };

/** Renew on the certificate digest, and the Snooze choices on problem alerts: both for operators only. */
export function alertButtons(deps: AlertClickDeps): Button[] {
  const renewButton: Button = {
    actionId: ACTIONS.alertRenew,
    label: "Renew",
    source: RENEW_ORIGIN.source,
    access: { audience: "operators", deed: "request changes, Renew buttons included" },
    commandTextOf: (value) => renewRequestForAlert(deps.store, value).then(commandTextOf, () => undefined),
    click: (click) => renew(deps, click),
  };
  // Silencing an outage alert is a decision for the people who may change things, not for every reader.
  const snoozeButtons = SNOOZE_CHOICES.map((choice): Button => ({
    actionId: choice.actionId,
    label: choice.label,
    access: { audience: "operators", deed: "snooze alerts" },
    async click({ userId, value }) {
      const now = deps.clock.now();
      const reply = await snoozeAlert(deps, { ref: value, ms: choice.ms, reason: "", userId, now });
      await deps.audit.append({ at: now, actor: userId, action: "snooze", requestId: undefined, summary: `snoozed alert ${value} (${choice.actionId})`, azureRequestIds: [] });
      return { reply, execution: undefined };
    },
  }));
  return [renewButton, ...snoozeButtons];
}

async function renew(deps: AlertClickDeps, { userId, channelId, value }: Click): Promise<Decision> {
  const request = await renewRequestForAlert(deps.store, value);
  // The command a user could type for the same change, so that "run it again" advice works as written.
  const reply = await deps.approvals.requestChange({ userId, channelId, commandText: commandTextOf(request), origin: RENEW_ORIGIN }, request);
  return { reply, execution: undefined };
}
