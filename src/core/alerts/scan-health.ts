/**
 * A scan's own health, so that silence never means "all is well" by accident: a failed scan, failed reads, or a
 * scan that suddenly sees none of the integrations it saw before are told once, and so is their end.
 */
import { failureClause, type Failure } from "../failure.ts";
import type { AlertState, AlertStateStore, ChatPort } from "../ports.ts";
import type { Reply } from "../reply.ts";
import { plural } from "../format.ts";
import { scanKey } from "./alert-keys.ts";
import { announce, viewOf } from "./announcement.ts";

/**
 * What a scan produced; a failed scan carries what people may be told about it. `failedScopes` names what each failure
 * is of (a subscription, say) where the scan knows it: a scope that fails anew while others still fail is told then,
 * whatever the wording of the reason (which varies from run to run: forbidden, then throttled).
 */
export type ScanOutcome = { ok: true; seen: number; failures: readonly string[]; failedScopes?: readonly string[] } | { ok: false; error: unknown; failure: Failure };

/** What is wrong with the scan, if anything. */
export type ScanProblem = "failed" | "partial" | "vanished";

interface StoredScan {
  /** Integrations the last trustworthy scan saw. */
  seen: number;
  problem: ScanProblem | undefined;
  /** What the failed reads told while the problem is "partial" were of: one that fails later is told too. */
  scopes?: string[];
}

/** The decision: what to post (if anything), what to store, and whether absent alerts may be resolved. */
export interface ScanHealth {
  notice: Reply | undefined;
  state: AlertState;
  /** True when the scan saw everything: only then may alerts of resources it did not see be closed. */
  complete: boolean;
}

/** Compares this scan with the last one; `what` names the job, e.g. "certificate scan". */
export function evaluateScanHealth(what: string, outcome: ScanOutcome, previous: AlertState | undefined, now: Date): ScanHealth {
  const stored = readStored(previous);
  const vanished = outcome.ok && outcome.seen === 0 && stored.seen > 0;
  const problem: ScanProblem | undefined = !outcome.ok ? "failed" : outcome.failures.length > 0 ? "partial" : vanished ? "vanished" : undefined;
  // Only a complete scan may change what "all the integrations" means.
  const seen = outcome.ok && problem === undefined ? outcome.seen : stored.seen;
  const scopes = problem === "partial" && outcome.ok && outcome.failedScopes ? outcome.failedScopes.map((scope) => scope.toLowerCase()) : undefined;
  const state: AlertState = {
    announced: problem ? [problem] : [],
    snoozedUntil: undefined,
    lastResult: JSON.stringify({ seen, problem, ...(scopes ? { scopes } : {}) } satisfies StoredScan),
    updatedAt: now,
  };
  // While part of the scan keeps failing, a scope that fails anew (a second subscription, say) is news of its own.
  // (Without scopes on either side, nothing is compared: a state stored before them is not told twice.)
  const freshAt = problem === "partial" && stored.problem === "partial" && stored.scopes && outcome.ok && outcome.failedScopes
    ? outcome.failedScopes.flatMap((scope, i) => (stored.scopes!.includes(scope.toLowerCase()) ? [] : [i]))
    : [];
  let notice: Reply | undefined;
  if (problem && problem !== stored.problem) notice = problemNotice(what, problem, outcome, stored.seen);
  else if (freshAt.length > 0 && outcome.ok) notice = problemNotice(what, "partial", { ok: true, seen: outcome.seen, failures: freshAt.map((i) => outcome.failures[i]!) }, stored.seen, true);
  else if (!problem && stored.problem) notice = recoveredNotice(what, stored.problem, outcome.ok ? outcome.seen : 0);
  return { notice, state, complete: problem === undefined };
}

/**
 * Evaluates a job's scan and tells the channel what changed, once across replicas: the notice is claimed before it is
 * posted, and a notice that cannot be posted is released (and rethrown) so that the next run tells it again.
 */
export async function reportScanHealth(
  deps: { store: AlertStateStore; chat: ChatPort<Reply>; channel: string },
  scan: { what: string; job: string; outcome: ScanOutcome; now: Date },
): Promise<ScanHealth> {
  const key = scanKey(scan.job);
  const stored = await deps.store.get(key);
  const view = viewOf(stored, scan.now);
  // While another run is telling the channel about this scan, it owns the notice; this run only needs the verdict.
  if (view.busy) return evaluateScanHealth(scan.what, scan.outcome, stored, scan.now);
  const health = evaluateScanHealth(scan.what, scan.outcome, view.state, scan.now);
  const notice = health.notice;
  if (notice) await announce(deps.store, { key, stored, next: health.state, now: scan.now }, () => deps.chat.post(deps.channel, notice));
  // A lost race only means another run stored its own verdict of the same scan.
  else await deps.store.swap(key, stored, health.state);
  return health;
}

function readStored(state: AlertState | undefined): StoredScan {
  try {
    const parsed = JSON.parse(state?.lastResult ?? "{}") as Partial<StoredScan>;
    return { seen: typeof parsed.seen === "number" ? parsed.seen : 0, problem: parsed.problem, ...(Array.isArray(parsed.scopes) ? { scopes: parsed.scopes } : {}) };
  } catch {
    return { seen: 0, problem: undefined };
  }
}

function problemNotice(what: string, problem: ScanProblem, outcome: ScanOutcome, seenBefore: number, more = false): Reply {
  const text =
    problem === "failed" ? `:x: The ${what} failed: ${outcome.ok ? "" : failureClause(outcome.failure)} Until it works again, no news is *not* good news.`
    : problem === "vanished" ? `:warning: The ${what} found no gateway-required integrations, but the last one found ${seenBefore}. Check that the bot can still read the subscriptions (Reader role), or confirm they were all moved.`
    : `:warning: ${more ? `More of the ${what} fails now` : `Part of the ${what} failed`}, so some integrations were not checked: ${(outcome.ok ? outcome.failures : []).join("; ")}`;
  return { text, parts: [{ kind: "text", text }], visibility: "in_channel" };
}

function recoveredNotice(what: string, was: ScanProblem, seen: number): Reply {
  const text =
    was === "vanished" ? `:white_check_mark: The ${what} sees ${plural(seen, "integration")} again.`
    : `:white_check_mark: The ${what} works again: ${plural(seen, "integration")} checked.`;
  return { text, parts: [{ kind: "text", text }], visibility: "in_channel" };
}
