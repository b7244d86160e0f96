/** Clicks on the alerts' buttons: Renew opens the normal approval flow for the clicker; Snooze silences one alert. */
import type { AccessPolicy } from "../approvals/access-policy.ts";
import type { ApprovalService, Decision } from "../approvals/approval-service.ts";
import type { RequestOrigin } from "../approvals/approval-store.ts";
import type { AuditLog } from "../audit.ts";
import type { AlertStateStore, ChatPort, Clock } from "../ports.ts";
import { ACTIONS, type Reply } from "../reply.ts";
import { commandFor } from "../diagnose/diagnosis-reply.ts";
import { SNOOZE_CHOICES } from "./problem-messages.ts";
import { renewRequestForAlert } from "./renew-from-alert.ts";
import { snoozeAlert } from "./snooze-alert.ts";

/** What the click handlers need. */
export interface AlertClickDeps {
  store: AlertStateStore;
  chat: ChatPort<Reply>;
  access: AccessPolicy;
  approvals: Pick<ApprovalService, "requestChange">;
  audit: AuditLog;
  clock: Clock;
  timezone?: string;
}

/** A click on one of our buttons, whose value is our own alert id. */
export type AlertClickHandler = (click: { userId: string; channelId: string; value: string }) => Promise<Decision>;

/** The handlers by action id, for the Slack app's `actions`. */
export function createAlertClickHandlers(deps: AlertClickDeps): Record<string, AlertClickHandler> {
  const handlers: Record<string, AlertClickHandler> = { [ACTIONS.alertRenew]: (click) => renew(deps, click) };
  for (const choice of SNOOZE_CHOICES) {
    handlers[choice.actionId] = async ({ userId, value }) => {
      const now = deps.clock.now();
      const reply = await snoozeAlert(deps, { ref: value, ms: choice.ms, reason: "", userId, now });
      await deps.audit.append({ at: now, actor: userId, action: "snooze", requestId: undefined, summary: `snoozed alert ${value} (${choice.actionId})`, azureRequestIds: [] });
      return { reply, execution: undefined };
    };
  }
  return handlers;
}

/** Where a Renew button's change comes from, shown on its approval request. */
export const RENEW_ORIGIN: RequestOrigin = { button: "Renew", source: "the certificate digest" };

// requestChange checks and audits the clicker, as for a typed /vnet renew.
async function renew(deps: AlertClickDeps, { userId, channelId, value }: { userId: string; channelId: string; value: string }): Promise<Decision> {
  const request = await renewRequestForAlert(deps.store, value);
  // The command a user could type for the same change, so that "run it again" advice works as written.
  const commandText = commandFor(request).replace(/^\/vnet /, "");
  const reply = await deps.approvals.requestChange({ userId, channelId, commandText, origin: RENEW_ORIGIN }, request);
  return { reply, execution: undefined };
}
