/** Preview a change: what it will do, to whom, with what outage; Azure is read, never written. */
import { prepareChange } from "./registry.ts";
import { toChangePlan } from "./runner.ts";
import type { ChangeDeps, ChangePlan, ChangeRequest } from "./types.ts";

/** Validates the request against Azure (throws BotError with the fix) and returns its plan with a fingerprint. */
export async function previewChange(deps: ChangeDeps, request: ChangeRequest): Promise<ChangePlan> {
  return toChangePlan(request, await prepareChange(deps, request));
}
