/** Runs an approved change: re-checks the plan, runs its steps, reports each in the thread and in place. */
import { NothingToDo } from "../../errors.ts";
import type { Logger } from "../../log.ts";
import { BOT_ACTOR, type AuditRecord } from "../audit.ts";
import { REPLAN, executeChange } from "../changes/execute-change.ts";
import { RUN_AGAIN } from "../changes/runner.ts";
import type { ChangeDeps, ChangeOutcome } from "../changes/types.ts";
import type { Clock } from "../ports.ts";
import { describeFailure, failureClause } from "../failure.ts";
import { STEP_MARK } from "../format.ts";
import { afterFailure } from "./approval-message.ts";
import type { ApprovalRecord, ApprovalStore } from "./approval-store.ts";

/** What running a change needs (built by the approval service). */
export interface RunDeps {
  store: ApprovalStore;
  change: ChangeDeps;
  clock: Clock;
  logger: Logger;
  /** This bot instance: it owns the changes it runs. */
  owner: string;
  /** How long the change stays ours without a renewal; renewed every quarter of it while the steps run. */
  leaseMs: number;
  audit(record: Omit<AuditRecord, "at" | "azureRequestIds"> & { azureRequestIds?: string[] }): Promise<void>;
  updateMessage(record: ApprovalRecord): Promise<void>;
  refresh(id: string): Promise<ApprovalRecord>;
  /** Posts in the request's thread; never throws. */
  thread(record: ApprovalRecord, text: string): Promise<void>;
}

/** Thrown out of the step listener when the change is no longer ours: nothing more may run or be recorded. */
class NotOurs extends Error {}

/**
 * Executes the approved request at most once: the approved → running transition is the store's compare-and-set,
 * and it holds a lease that it renews while the steps run, so that other replicas leave it alone. Whatever goes
 * wrong after the start, the change ends done or failed (or, when another replica took it over, is left to them).
 */
export async function runApproved(deps: RunDeps, approved: ApprovalRecord): Promise<void> {
  const id = approved.id;
  const leaseUntil = () => new Date(deps.clock.now().getTime() + deps.leaseMs);
  if (!(await deps.store.start(id, deps.owner, leaseUntil()))) return;

  let isOurs = true;
  const heartbeat = setInterval(() => {
    deps.store.renewLease(id, deps.owner, leaseUntil()).then(
      (renewed) => void (isOurs &&= renewed),
      (error: unknown) => deps.logger.warn("could not renew the lease of a running change", { requestId: id, error: (error as Error).message }),
    );
  }, deps.leaseMs / 4);
  heartbeat.unref();

  let failure: string | undefined;
  // Planned again at approval, the change had nothing left to do: someone did it meanwhile. It ends, it does not fail.
  let alreadyDone: string | undefined;
  try {
    await deps.audit({ actor: approved.decidedBy ?? BOT_ACTOR, action: "execute", requestId: id, summary: approved.plan.title });
    await deps.updateMessage(await deps.refresh(id));
    const outcome: ChangeOutcome = await executeChange(deps.change, approved.request, {
      expectedFingerprint: approved.plan.fingerprint,
      onStep: async (index, total, result) => {
        if (!isOurs || !(await deps.store.recordStep(id, deps.owner, result))) throw new NotOurs();
        await deps.audit({ actor: BOT_ACTOR, action: "step", requestId: id, summary: `step ${index + 1} of ${total} ${result.status}: ${result.description}`, azureRequestIds: result.azureRequestIds });
        await deps.thread(approved, `${STEP_MARK[result.status]} Step ${index + 1} of ${total} ${result.status}: ${result.description}${result.detail ? ` (${result.detail})` : ""}`);
        await deps.updateMessage(await deps.refresh(id));
        // Renewed between steps too, so that the next step never starts for a change that is no longer ours.
        if (!(await deps.store.renewLease(id, deps.owner, leaseUntil()))) throw new NotOurs();
      },
    });
    if (!outcome.ok) failure = describe(outcome.error);
  } catch (error) {
    if (error instanceof NotOurs) isOurs = false;
    else if (error instanceof NothingToDo) alreadyDone = error.message;
    else failure = describe(error);
  } finally {
    clearInterval(heartbeat);
  }

  // A change that had nothing to do keeps why, where a failed one keeps its failure.
  if (!isOurs || !(await deps.store.finish(id, deps.owner, failure === undefined ? "done" : "failed", failure ?? alreadyDone, deps.clock.now()))) {
    return stopAsNotOurs();
  }
  // The change is in its final state now: what follows only reports it.
  await deps.audit({ actor: BOT_ACTOR, action: failure === undefined ? "done" : "fail", requestId: id, summary: failure ?? (alreadyDone ? `nothing to do: ${alreadyDone}` : approved.plan.title) });
  const ended = await deps.refresh(id);
  await deps.updateMessage(ended);
  await deps.thread(
    approved,
    failure !== undefined
      ? `:x: <@${approved.requestedBy}> ${approved.plan.title} stopped: ${failure} ${afterFailure(ended)}`.trimEnd()
      : alreadyDone
        ? `:white_check_mark: <@${approved.requestedBy}> ${approved.plan.title}: already in place when it was approved (${alreadyDone}). Nothing was changed.`
        : `:tada: <@${approved.requestedBy}> done: ${approved.plan.title}.`,
  );

  async function stopAsNotOurs(): Promise<void> {
    const now = (await deps.store.get(id))?.status ?? "gone";
    deps.logger.warn("a running change is no longer ours: stopped without finishing it", { requestId: id, status: now });
    await deps.audit({ actor: BOT_ACTOR, action: "interrupt", requestId: id, summary: `${approved.plan.title}: this bot instance stopped running it, because it is ${now} now (its lease ran out)` });
  }

  function describe(error: unknown): string {
    // How to finish is said once, by afterFailure; any other advice (e.g. after a drift refusal) is kept.
    const isResumeAdvice = (hint: string) => hint === RUN_AGAIN || hint === REPLAN || hint === approved.plan.resumeHint;
    const failure = describeFailure(error, deps.logger, "a change", { requestId: id });
    return failureClause({ ...failure, hint: failure.hint && !isResumeAdvice(failure.hint) ? failure.hint : undefined });
  }
}
