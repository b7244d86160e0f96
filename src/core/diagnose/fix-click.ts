/** A click on a diagnosis' Fix button: re-checked for the clicker, then the normal approval flow for the offered change. */
import { BotError } from "../../errors.ts";
import type { AccessPolicy } from "../approvals/access-policy.ts";
import type { ApprovalService, Decision } from "../approvals/approval-service.ts";
import type { AuditLog } from "../audit.ts";
import type { Clock } from "../ports.ts";
import { commandFor } from "./diagnosis-reply.ts";
import type { FixOffers } from "./fix-offers.ts";

/** What a Fix click needs. */
export interface FixClickDeps {
  offers: FixOffers;
  access: AccessPolicy;
  approvals: Pick<ApprovalService, "requestChange">;
  audit: AuditLog;
  clock: Clock;
}

/** Handles a Fix click whose value is an offer id; throws BotError for an expired offer or a non-operator. */
export function createFixClickHandler(deps: FixClickDeps): (click: { userId: string; channelId: string; value: string }) => Promise<Decision> {
  return async ({ userId, channelId, value }) => {
    const offer = deps.offers.find(value);
    if (!offer) {
      throw new BotError("expired", "This Fix button has expired: its diagnosis is more than 30 minutes old, or vnetbot restarted since.", {
        hint: "Run `/vnet diagnose` again for a fresh diagnosis.",
      });
    }
    const commandText = `${commandFor(offer.request).replace(/^\/vnet /, "")} (Fix from /vnet diagnose)`;
    if (!(await deps.access.canRequestChanges(userId))) {
      await deps.audit.append({ at: deps.clock.now(), actor: userId, action: "refuse", requestId: undefined, summary: `not an operator: /vnet ${commandText}`, azureRequestIds: [] });
      throw new BotError("forbidden", "Only operators can request changes, Fix buttons included.", { hint: `Ask an operator to click it, or to type \`${commandFor(offer.request)}\`.` });
    }
    const reply = await deps.approvals.requestChange({ userId, channelId: offer.channelId || channelId, commandText }, offer.request);
    return { reply, execution: undefined };
  };
}
