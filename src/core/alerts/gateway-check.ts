/** The scheduled gateway check: which gateways are down, which integrations need a resync, and their lifecycle. */
import { describeFailure } from "../failure.ts";
import { buildInventory, type Inventory } from "../inventory.ts";
import type { AlertState } from "../ports.ts";
import { loadStates, type AlertDeps } from "./alert-deps.ts";
import { ALERT_PREFIX, alertIdOf, scanKey } from "./alert-keys.ts";
import { gatewayFindings } from "./gateway-findings.ts";
import type { ProblemFinding } from "./problem-finding.ts";
import { openMessage, reminderReply, resolvedMessage, resolvedReply, snoozeEndedReply } from "./problem-messages.ts";
import { decideProblem, readStoredProblem, type StoredProblem } from "./problem-state.ts";
import { evaluateScanHealth, type ScanOutcome } from "./scan-health.ts";

/** What one run did, by action, for the log and the tests. */
export interface GatewayCheckResult {
  opened: string[];
  reminded: string[];
  snoozeEnded: string[];
  resolved: string[];
}

const WHAT = "gateway check";

/** Runs the gateway check at `now`; a scan that fails is told to the channel once, then rethrown for the log. */
export async function runGatewayCheck(deps: AlertDeps, now: Date): Promise<GatewayCheckResult> {
  const timeZone = deps.timezone ?? "UTC";
  const reminderMs = (deps.reminderHours ?? 4) * 3_600_000;
  let inventory: Inventory | undefined;
  let findings: ProblemFinding[] = [];
  let outcome: ScanOutcome;
  try {
    inventory = await buildInventory(deps.reader, deps.subscriptions, { concurrency: deps.concurrency ?? 4 });
    const failures = inventory.failures.map((f) => f.message);
    findings = await gatewayFindings(deps.reader, inventory.integrations, { concurrency: deps.concurrency ?? 4, failures });
    outcome = { ok: true, seen: inventory.integrations.length, failures };
  } catch (error) {
    outcome = { ok: false, error, failure: describeFailure(error, deps.logger, WHAT) };
  }
  const health = evaluateScanHealth(WHAT, outcome, await deps.store.get(scanKey("gateways")), now);
  if (health.notice) await deps.chat.post(deps.channel, health.notice);
  await deps.store.put(scanKey("gateways"), health.state);
  if (!outcome.ok) throw outcome.error;

  const result: GatewayCheckResult = { opened: [], reminded: [], snoozeEnded: [], resolved: [] };
  const states = new Map([...(await loadStates(deps.store, ALERT_PREFIX.gateway)), ...(await loadStates(deps.store, ALERT_PREFIX.resync))]);
  const byKey = new Map(findings.map((f) => [f.key, f]));
  const keys = new Set([...byKey.keys(), ...states.keys()]);
  // One alert that cannot be delivered must not hold back the others; it is retried on the next run.
  const undelivered: string[] = [];
  for (const key of keys) {
    try {
      await applyProblem(key);
    } catch (error) {
      undelivered.push(`${alertIdOf(key)} (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  if (undelivered.length > 0) throw new Error(`The gateway check could not deliver ${undelivered.length} alert update(s); the next run retries them: ${undelivered.join("; ")}`);
  return result;

  async function applyProblem(key: string): Promise<void> {
    const finding = byKey.get(key);
    const state = states.get(key);
    const action = decideProblem(finding, state, { now, reminderMs, scanComplete: health.complete });
    const open = readStoredProblem(state);
    const alertId = alertIdOf(key);
    if (action.kind === "open" && finding) {
      const problem: StoredProblem = { ...describe(finding), since: now.toISOString(), lastNotifiedAt: now.toISOString(), message: { channel: deps.channel, ts: "" }, snooze: undefined };
      problem.message = await deps.chat.post(deps.channel, openMessage(problem, alertId, timeZone));
      await deps.store.put(key, stateOf(problem, undefined, now));
      result.opened.push(problem.subject);
    } else if (action.kind === "resolve" && open) {
      await deps.chat.update(open.message, resolvedMessage(open, now, timeZone, action.gone));
      await deps.chat.replyInThread(open.message, resolvedReply(open, now, action.gone));
      await deps.store.delete(key);
      result.resolved.push(open.subject);
    } else if ((action.kind === "remind" || action.kind === "snooze-ended") && open && finding) {
      const current: StoredProblem = { ...open, ...describe(finding), lastNotifiedAt: now.toISOString(), snooze: undefined };
      if (action.kind === "snooze-ended") {
        await deps.chat.update(current.message, openMessage(current, alertId, timeZone));
        await deps.chat.replyInThread(current.message, snoozeEndedReply(current, now, timeZone));
        result.snoozeEnded.push(current.subject);
      } else {
        await deps.chat.replyInThread(current.message, reminderReply(current, now, timeZone));
        result.reminded.push(current.subject);
      }
      await putUnlessSnoozedMeanwhile(deps, key, state, current, now);
    }
  }
}

function describe(finding: ProblemFinding): Pick<StoredProblem, "kind" | "subject" | "names" | "reasons" | "apps" | "fix"> {
  return { kind: finding.kind, subject: finding.subject, names: finding.names, reasons: finding.reasons, apps: finding.apps, fix: finding.fix };
}

function stateOf(problem: StoredProblem, snoozedUntil: Date | undefined, now: Date): AlertState {
  return { announced: ["down"], snoozedUntil, lastResult: JSON.stringify(problem), updatedAt: now };
}

// A Snooze click may land while the check runs: keep a snooze set after this run read the state.
async function putUnlessSnoozedMeanwhile(deps: AlertDeps, key: string, before: AlertState | undefined, problem: StoredProblem, now: Date): Promise<void> {
  const fresh = await deps.store.get(key);
  if (fresh && before && fresh.updatedAt.getTime() !== before.updatedAt.getTime()) return;
  await deps.store.put(key, stateOf(problem, undefined, now));
}
