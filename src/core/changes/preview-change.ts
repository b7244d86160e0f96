/** Preview a change: what it will do, to whom, with what outage; Azure is read, never written. */
import { findLocks, lockWarnings } from "./lock-check.ts";
import { prepareChange } from "./registry.ts";
import { toChangePlan } from "./runner.ts";
import type { ChangeDeps, ChangePlan, ChangeRequest } from "./types.ts";

/**
 * Validates the request against Azure (throws BotError with the fix) and returns its plan with a fingerprint, warning
 * of any management lock that would stop it.
 */
export async function previewChange(deps: ChangeDeps, request: ChangeRequest): Promise<ChangePlan> {
  const prepared = await prepareChange(deps, request);
  const locks = lockWarnings(await findLocks(deps.reader, prepared.touches));
  return toChangePlan(request, { ...prepared, warnings: [...locks, ...prepared.warnings] });
}
