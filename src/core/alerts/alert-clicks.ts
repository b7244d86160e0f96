/** Clicks on the alerts' buttons: Renew opens the normal approval flow for the clicker; Snooze silences one alert. */
import { BotError } from "../../errors.ts";
import type { AccessPolicy } from "../approvals/access-policy.ts";
import type { ApprovalService, Decision } from "../approvals/approval-service.ts";
import type { AuditLog } from "../audit.ts";
import type { AlertStateStore, ChatPort, Clock } from "../ports.ts";
import { ACTIONS, type Reply } from "../reply.ts";
import { ALERT_PREFIX, alertIdOf } from "./alert-keys.ts";
import { readStoredCertificate } from "./certificate-alerts.ts";
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

async function renew(deps: AlertClickDeps, { userId, channelId, value }: { userId: string; channelId: string; value: string }): Promise<Decision> {
  const request = await renewRequestForAlert(deps.store, value);
  const appName = await renewAppName(deps.store, value);
  const commandText = `renew ${appName} (Renew from the certificate digest)`;
  if (!(await deps.access.canRequestChanges(userId))) {
    await deps.audit.append({ at: deps.clock.now(), actor: userId, action: "refuse", requestId: undefined, summary: `not an operator: /vnet ${commandText}`, azureRequestIds: [] });
    throw new BotError("forbidden", "Only operators can request changes, Renew buttons included.", { hint: `Ask an operator to click it, or to type \`/vnet renew ${appName}\`.` });
  }
  const reply = await deps.approvals.requestChange({ userId, channelId, commandText }, request);
  return { reply, execution: undefined };
}

async function renewAppName(store: AlertStateStore, alertId: string): Promise<string> {
  const match = (await store.list(ALERT_PREFIX.certificate)).find(({ key }) => alertIdOf(key) === alertId.trim().toLowerCase());
  return readStoredCertificate(match?.state)?.apps[0] ?? "APP";
}
