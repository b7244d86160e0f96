/** What every change kind shares: executable steps, the fingerprint of the state read, and the step runner. */
import { createHash } from "node:crypto";
import { BotError, isBotError } from "../../errors.ts";
import type { Touch } from "./lock-check.ts";
import type { ChangeOutcome, ChangePlan, ChangeRequest, PlanSection, StepListener, StepResult } from "./types.ts";

/** What one step did when it ran. */
export interface StepRun {
  status: "done" | "skipped";
  detail?: string;
  requestIds?: string[];
}

/** A step that checks Azure's state first, so that running it again is safe. */
export interface ExecutableStep {
  id: string;
  description: string;
  /** How to finish when this step fails, where it differs from the plan's (a step after the change proper). */
  resumeHint?: string;
  /** Its resumeHint is all there is to do when it fails: the plan's advice on finishing is not added. */
  resumeReplaced?: true;
  run(): Promise<StepRun>;
}

/** A change read and validated against Azure, ready to be shown or run. */
export interface PreparedChange {
  title: string;
  targetKey: string;
  affectedApps: string[];
  restartingApps: string[];
  outage: string | undefined;
  warnings: string[];
  /** What the change means beyond its steps (see ChangePlan.sections). */
  sections?: PlanSection[];
  /** The Azure state the plan depends on; its digest is the fingerprint. */
  state: unknown;
  steps: ExecutableStep[];
  /** How to finish after a failure, when running the same change again is not the way. */
  resumeHint?: string;
  /** What it writes and deletes, held against management locks before approval and before it runs (lock-check.ts). */
  touches: Touch[];
}

/** Lower-case "<planId>|<vnetName>": one change at a time per integration. */
export function targetKeyOf(planId: string, vnetName: string): string {
  return `${planId}|${vnetName}`.toLowerCase();
}

/** A short digest of the state, stable across key order. */
export function fingerprintOf(state: unknown): string {
  return createHash("sha256").update(stableJson(state)).digest("hex").slice(0, 16);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** The plan shown before anything runs: the prepared change without its executable parts. */
export function toChangePlan(request: ChangeRequest, prepared: PreparedChange): ChangePlan {
  return {
    request,
    title: prepared.title,
    targetKey: prepared.targetKey,
    steps: prepared.steps.map((step) => ({ id: step.id, description: step.description, ...(step.resumeReplaced ? { resumeReplaced: true as const } : {}) })),
    affectedApps: prepared.affectedApps,
    restartingApps: prepared.restartingApps,
    outage: prepared.outage,
    warnings: prepared.warnings,
    ...(prepared.sections && prepared.sections.length > 0 ? { sections: prepared.sections } : {}),
    fingerprint: fingerprintOf(prepared.state),
    ...(prepared.resumeHint ? { resumeHint: prepared.resumeHint } : {}),
  };
}

/** Runs the steps in order, stopping at the first failure with an error that says what ran and how to finish. */
export async function runSteps(prepared: PreparedChange, onStep?: StepListener): Promise<ChangeOutcome> {
  const results: StepResult[] = [];
  const total = prepared.steps.length;
  for (const [index, step] of prepared.steps.entries()) {
    let result: StepResult;
    let failure: BotError | undefined;
    try {
      const run = await step.run();
      result = { stepId: step.id, description: step.description, status: run.status, detail: run.detail, azureRequestIds: run.requestIds ?? [] };
    } catch (error) {
      failure = describeFailure(prepared, results, index, step, error);
      result = { stepId: step.id, description: step.description, status: "failed", detail: isBotError(error) ? error.message : "unexpected error", azureRequestIds: failure.azureRequestId ? [failure.azureRequestId] : [] };
    }
    results.push(result);
    await onStep?.(index, total, result);
    if (failure) return { ok: false, results, error: failure };
  }
  return { ok: true, results, error: undefined };
}

/** The hint of a change that stopped half-way and is finished by running it again. */
export const RUN_AGAIN = "Run the same change again to finish it: steps already done are skipped.";

function describeFailure(prepared: PreparedChange, earlier: StepResult[], index: number, step: ExecutableStep, error: unknown): BotError {
  // What the cause says to do stays with it (a busy Azure only says to wait, as the hint does); how to finish the
  // change is the hint.
  const causeHint = isBotError(error) && error.hint && error.hint !== RUN_AGAIN && error.kind !== "throttled" ? ` ${error.hint}` : "";
  const reason = isBotError(error) ? `${error.message}${causeHint}` : "an unexpected error (see the bot's log)";
  const ran = earlier.length === 0 ? "No step had run, so nothing changed." : `Step${earlier.length > 1 ? `s 1-${earlier.length}` : " 1"} finished before it.`;
  const message = `Step ${index + 1} of ${prepared.steps.length} (${step.description}) failed: ${reason} ${ran}`;
  const hint = step.resumeHint ?? prepared.resumeHint ?? RUN_AGAIN;
  const kind = isBotError(error) ? error.kind : "unavailable";
  return new BotError(kind, message, { hint, cause: error, ...(isBotError(error) && error.azureRequestId ? { azureRequestId: error.azureRequestId } : {}) });
}
