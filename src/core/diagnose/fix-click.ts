/** A click on a diagnosis' Fix button: the normal approval flow (which checks the clicker) for the offered change. */
import { BotError } from "../../errors.ts";
import type { ApprovalService, Decision } from "../approvals/approval-service.ts";
import type { RequestOrigin } from "../approvals/approval-store.ts";
import { commandFor } from "./diagnosis-reply.ts";
import type { FixOffers } from "./fix-offers.ts";

/** What a Fix click needs. */
export interface FixClickDeps {
  offers: FixOffers;
  /** requestChange checks and audits whether the clicker may request changes. */
  approvals: Pick<ApprovalService, "requestChange">;
}

/** Where a Fix button's change comes from, shown on its approval request. */
export const FIX_ORIGIN: RequestOrigin = { button: "Fix", source: "/vnet diagnose" };

/** Handles a Fix click whose value is an offer id; throws BotError for an expired offer or a non-operator. */
export function createFixClickHandler(deps: FixClickDeps): (click: { userId: string; channelId: string; value: string }) => Promise<Decision> {
  return async ({ userId, channelId, value }) => {
    const offer = await deps.offers.find(value);
    if (!offer) {
      throw new BotError("expired", "This Fix button has expired: its diagnosis is more than 30 minutes old.", {
        hint: "Run `/vnet diagnose` again for a fresh diagnosis.",
      });
    }
    // The command a user could type for the same change, so that "run it again" advice works as written.
    const commandText = commandFor(offer.request).replace(/^\/vnet /, "");
    const reply = await deps.approvals.requestChange({ userId, channelId: offer.channelId || channelId, commandText, origin: FIX_ORIGIN }, offer.request);
    return { reply, execution: undefined };
  };
}
