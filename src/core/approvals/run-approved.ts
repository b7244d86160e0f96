/** Runs an approved change: re-checks the plan, runs its steps, reports each in the thread and in place. */
import { randomBytes } from "node:crypto";
import { isBotError } from "../../errors.ts";
import type { Logger } from "../../log.ts";
import type { AuditRecord } from "../audit.ts";
import { REPLAN, executeChange } from "../changes/execute-change.ts";
import { RUN_AGAIN } from "../changes/runner.ts";
import type { ChangeDeps, ChangeOutcome, StepResult } from "../changes/types.ts";
import type { ChatPort, Clock } from "../ports.ts";
import { textReply, type Reply } from "../reply.ts";
import { resumeLine } from "./approval-message.ts";
import type { ApprovalRecord, ApprovalStore } from "./approval-store.ts";

/** What running a change needs (built by the approval service). */
export interface RunDeps {
  store: ApprovalStore;
  chat: ChatPort<Reply>;
  change: ChangeDeps;
  clock: Clock;
  logger: Logger;
  audit(record: Omit<AuditRecord, "at" | "azureRequestIds"> & { azureRequestIds?: string[] }): Promise<void>;
  updateMessage(record: ApprovalRecord): Promise<void>;
  refresh(id: string): Promise<ApprovalRecord>;
}

const MARK: Record<StepResult["status"], string> = { done: ":white_check_mark:", skipped: ":white_check_mark:", failed: ":x:" };

/** Executes the approved request at most once: the approved → running transition is the store's compare-and-set. */
export async function runApproved(deps: RunDeps, approved: ApprovalRecord): Promise<void> {
  const id = approved.id;
  if (!(await deps.store.start(id))) return;
  await deps.audit({ actor: approved.decidedBy ?? "vnetbot", action: "execute", requestId: id, summary: approved.plan.title });
  await deps.updateMessage(await deps.refresh(id));
  const thread = async (text: string) => {
    if (!approved.message) return;
    try {
      await deps.chat.replyInThread(approved.message, textReply(text, { visibility: "in_channel" }));
    } catch (error) {
      deps.logger.warn("could not post progress in the thread", { requestId: id, error: (error as Error).message });
    }
  };

  let outcome: ChangeOutcome | undefined;
  let failure: string | undefined;
  try {
    outcome = await executeChange(deps.change, approved.request, {
      expectedFingerprint: approved.plan.fingerprint,
      onStep: async (index, total, result) => {
        await deps.store.recordStep(id, result);
        await deps.audit({ actor: "vnetbot", action: "step", requestId: id, summary: `step ${index + 1} of ${total} ${result.status}: ${result.description}`, azureRequestIds: result.azureRequestIds });
        await thread(`${MARK[result.status]} Step ${index + 1} of ${total} ${result.status}: ${result.description}${result.detail ? ` (${result.detail})` : ""}`);
        await deps.updateMessage(await deps.refresh(id));
      },
    });
    if (!outcome.ok) failure = describe(outcome.error);
  } catch (error) {
    failure = describe(error);
  }

  await deps.store.finish(id, failure === undefined ? "done" : "failed", failure, deps.clock.now());
  const finished = await deps.refresh(id);
  await deps.audit({ actor: "vnetbot", action: failure === undefined ? "done" : "fail", requestId: id, summary: failure ?? approved.plan.title });
  await deps.updateMessage(finished);
  await thread(
    failure === undefined
      ? `:tada: <@${approved.requestedBy}> done: ${approved.plan.title}.`
      : `:x: <@${approved.requestedBy}> ${approved.plan.title} stopped: ${failure} ${resumeLine(approved)}`,
  );

  function describe(error: unknown): string {
    // How to finish is said once, by resumeLine; any other advice (e.g. after a drift refusal) is kept.
    const isResumeAdvice = (hint: string) => hint === RUN_AGAIN || hint === REPLAN || hint === approved.plan.resumeHint;
    if (isBotError(error)) return [error.message, error.hint && !isResumeAdvice(error.hint) ? error.hint : undefined].filter(Boolean).join(" ");
    const ref = randomBytes(2).toString("hex");
    deps.logger.error("change failed with an internal error", { requestId: id, ref, error: error instanceof Error ? error.message : String(error) });
    return `something went wrong (ref ${ref}).`;
  }
}
