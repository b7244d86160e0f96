/** A diagnosis' Fix button: the normal approval flow, for whoever clicked, for the change the diagnosis offered. */
import { BotError } from "../../errors.ts";
import type { ApprovalService } from "../approvals/approval-service.ts";
import type { RequestOrigin } from "../approvals/approval-store.ts";
import type { Button } from "../button.ts";
import { commandTextOf } from "../changes/registry.ts";
import { ACTIONS } from "../reply.ts";
import type { AzureReader, Clock } from "../ports.ts";
import type { FixOffers } from "./fix-offers.ts";
import { assertStillNeeded } from "./fix-recheck.ts";

/** What a Fix click needs. */
export interface FixClickDeps {
  offers: FixOffers;
  approvals: Pick<ApprovalService, "requestChange">;
  /** To read again what the Fix was offered for before filing it. */
  reader: AzureReader;
  clock: Clock;
}

/** Where a Fix button's change comes from, shown on its approval request. */
export const FIX_ORIGIN: RequestOrigin = { button: "Fix", source: "/vnet diagnose" };

/** The Fix button; its value is an offer id, and an expired offer is refused with what to do. */
export function fixButton(deps: FixClickDeps): Button {
  return {
    actionId: ACTIONS.diagnoseFix,
    label: "Fix",
    access: { audience: "operators", deed: "request changes, Fix buttons included" },
    source: FIX_ORIGIN.source,
    commandTextOf: async (value) => {
      const offer = await deps.offers.find(value);
      return offer ? commandTextOf(offer.request) : undefined;
    },
    async click({ userId, channelId, value }) {
      const offer = await deps.offers.find(value);
      if (!offer) {
        throw new BotError("expired", "This Fix button has expired: its diagnosis is more than 30 minutes old.", {
          hint: "Run `/vnet diagnose` again for a fresh diagnosis.",
        });
      }
      if (offer.recheck) await assertStillNeeded(deps.reader, deps.clock, offer.recheck, offer.request);
      // The command a user could type for the same change, so that "run it again" advice works as written.
      const commandText = commandTextOf(offer.request);
      const reply = await deps.approvals.requestChange({ userId, channelId: offer.channelId || channelId, commandText, origin: FIX_ORIGIN }, offer.request);
      return { reply, execution: undefined };
    },
  };
}
