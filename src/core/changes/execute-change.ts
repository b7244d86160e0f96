/** Execute a change: re-read Azure, refuse if it drifted from the preview, then run the idempotent steps. */
import { BotError } from "../../errors.ts";
import { assertNotLocked, findLocks } from "./lock-check.ts";
import { prepareChange } from "./registry.ts";
import { fingerprintOf, runSteps } from "./runner.ts";
import type { ChangeDeps, ChangeOutcome, ChangeRequest, StepListener } from "./types.ts";

export interface ExecuteOptions {
  onStep?: StepListener;
  /** The preview's fingerprint: when Azure's state now differs, nothing runs. */
  expectedFingerprint?: string;
}

/** The advice when Azure changed under an approved plan. */
export const REPLAN = "Preview the change again and ask for approval of the new plan.";

/** Runs the change; throws BotError when it cannot start (ineligible, conflict), else reports every step. */
export async function executeChange(deps: ChangeDeps, request: ChangeRequest, options: ExecuteOptions = {}): Promise<ChangeOutcome> {
  const prepared = await prepareChange(deps, request);
  if (options.expectedFingerprint !== undefined && fingerprintOf(prepared.state) !== options.expectedFingerprint) {
    throw new BotError("conflict", `Azure changed since this was requested: ${prepared.title.charAt(0).toLowerCase()}${prepared.title.slice(1)} was planned on a state that no longer holds. Nothing was changed.`, {
      hint: REPLAN,
    });
  }
  // A lock would stop a later step after the first ones ran: refuse while nothing has changed.
  assertNotLocked(await findLocks(deps.reader, prepared.touches));
  return runSteps(prepared, options.onStep);
}
