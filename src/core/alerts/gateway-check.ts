/** The scheduled gateway check: which gateways are down, which integrations need a resync, and their lifecycle. */
import { describeFailure } from "../failure.ts";
import { createGatewayReadingsStore, withGatewayReadings, type GatewayReading } from "../gateway-readings.ts";
import { buildInventory, type Inventory } from "../inventory.ts";
import type { HealthState } from "../model.ts";
import type { AlertState } from "../ports.ts";
import { loadStates, type AlertDeps } from "./alert-deps.ts";
import { ALERT_PREFIX, alertIdOf } from "./alert-keys.ts";
import { announce, runClock, viewOf } from "./announcement.ts";
import { gatewayFindings } from "./gateway-findings.ts";
import { readLiveGateways } from "./live-gateways.ts";
import type { ProblemFinding } from "./problem-finding.ts";
import { openMessage, reminderReply, resolvedMessage, resolvedReply, snoozeEndedReply } from "./problem-messages.ts";
import { decideProblem, readStoredProblem, type StoredProblem } from "./problem-state.ts";
import { reportScanHealth, type ScanOutcome } from "./scan-health.ts";
import { countdownLine, inSubscriptions, migrationProgress } from "../migration/countdown.ts";
import { createMigrationRecords } from "../migration/migration-records.ts";

/** What one run did, by action, for the log and the tests. */
export interface GatewayCheckResult {
  opened: string[];
  reminded: string[];
  snoozeEnded: string[];
  resolved: string[];
}

const WHAT = "gateway check";

/**
 * Runs the gateway check at `now`. Every alert, reminder, snooze end and recovery is claimed before it is posted, so
 * that two runs reading the same state never both post it; one that cannot be posted is released and made by the
 * next run. A scan that fails is told to the channel once, then rethrown for the log.
 */
export async function runGatewayCheck(deps: AlertDeps, now: Date): Promise<GatewayCheckResult> {
  const timeZone = deps.timezone ?? "UTC";
  const reminderMs = (deps.reminderHours ?? 4) * 3_600_000;
  const current = runClock(now);
  let inventory: Inventory | undefined;
  let findings: ProblemFinding[] = [];
  let outcome: ScanOutcome;
  try {
    // As scanned: a gateway an earlier check found gone is read again, not taken as gone for good.
    const kept = await deps.inventory?.kept(deps.subscriptions, { asScanned: true });
    inventory = kept?.inventory ?? (await buildInventory(deps.reader, deps.subscriptions, { concurrency: deps.concurrency ?? 4 }));
    const failures = inventory.failures.map((f) => f.message);
    const { gateways, vnets } = kept ? await readLiveGateways(deps.reader, inventory.integrations, { concurrency: deps.concurrency ?? 4, failures }) : { gateways: {}, vnets: {} };
    const integrations = withGatewayReadings(inventory.integrations, gateways, vnets);
    const health: Record<string, HealthState> = {};
    const healthReader = {
      getResourceHealth: async (id: string) => {
        const state = await deps.reader.getResourceHealth(id);
        health[id.toLowerCase()] = state;
        return state;
      },
    };
    findings = await gatewayFindings(healthReader, integrations, { concurrency: deps.concurrency ?? 4, failures });
    // What was read live outlives the check: reads from the kept inventory show these gateways as the alerts do.
    if (kept) {
      const read = Object.fromEntries(Object.entries(gateways).filter((entry): entry is [string, GatewayReading] => entry[1] !== "unread"));
      await createGatewayReadingsStore(deps.store).put({ at: now, gateways: read, vnets, health });
    }
    outcome = { ok: true, seen: inventory.integrations.length, failures };
  } catch (error) {
    outcome = { ok: false, error, failure: describeFailure(error, deps.logger, WHAT) };
  }
  const health = await reportScanHealth(deps, { what: WHAT, job: "gateways", outcome, now: current() });
  if (!outcome.ok) throw outcome.error;

  const result: GatewayCheckResult = { opened: [], reminded: [], snoozeEnded: [], resolved: [] };
  // Every alert the check posts or updates carries the retirement countdown (the migration records share the store).
  const records = await createMigrationRecords(deps.store, { now: () => now }).list();
  const countdown = inventory ? countdownLine(now, migrationProgress(records, inventory, inSubscriptions(deps.subscriptions))) : undefined;
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
    const stored = states.get(key);
    const at = current();
    const view = viewOf(stored, at);
    // Another run (or a Snooze click) is announcing this alert right now: it is theirs.
    if (view.busy) return;
    const state = view.state;
    const action = decideProblem(finding, state, { now, reminderMs, scanComplete: health.complete });
    const open = readStoredProblem(state);
    const alertId = alertIdOf(key);
    const target = (next: AlertState) => ({ key, stored, next, now: at });
    if (action.kind === "open" && finding) {
      const problem: StoredProblem = { ...describe(finding), since: now.toISOString(), lastNotifiedAt: now.toISOString(), message: { channel: deps.channel, ts: "" }, snooze: undefined, ...(countdown ? { countdown } : {}) };
      const opened = await announce(deps.store, target(stateOf(problem, undefined, now)), () => deps.chat.post(deps.channel, openMessage(problem, alertId, timeZone)), (message) =>
        // The message's reference is kept with the alert, for reminders, snoozes and the recovery.
        stateOf({ ...problem, message }, undefined, now),
      );
      if (opened) result.opened.push(problem.subject);
    } else if (action.kind === "resolve" && open && state) {
      // Claimed as "resolved", then deleted once the message and its thread say so.
      const resolved = await announce(deps.store, target({ ...state, announced: ["resolved"], updatedAt: now }), async () => {
        await deps.chat.update(open.message, resolvedMessage(open, now, timeZone, action.gone));
        await deps.chat.replyInThread(open.message, resolvedReply(open, now, action.gone));
      }, () => undefined);
      if (resolved) result.resolved.push(open.subject);
    } else if ((action.kind === "remind" || action.kind === "snooze-ended") && open && finding) {
      // A name the alert was known by stays one: `/vnet snooze GATEWAY` still finds it once the gateway is gone.
      const names = [...new Map([...open.names, ...finding.names].map((name) => [name.toLowerCase(), name])).values()];
      const current: StoredProblem = { ...open, ...describe(finding), names, lastNotifiedAt: now.toISOString(), snooze: undefined, ...(countdown ? { countdown } : {}) };
      const told = await announce(deps.store, target(stateOf(current, undefined, now)), async () => {
        if (action.kind === "snooze-ended") {
          await deps.chat.update(current.message, openMessage(current, alertId, timeZone));
          await deps.chat.replyInThread(current.message, snoozeEndedReply(current, now, timeZone));
        } else {
          // The alert at the top of the thread is what people read first: it shows the reasons, apps, fix and
          // countdown as they are now. A message that cannot be updated (someone deleted it) still gets its reminder.
          await deps.chat.update(current.message, openMessage(current, alertId, timeZone)).catch((error: unknown) => {
            deps.logger.warn("could not bring an open alert's message up to date; its reminder is posted in the thread", { alert: alertId, error: error instanceof Error ? error.message : String(error) });
          });
          await deps.chat.replyInThread(current.message, reminderReply(current, now, timeZone));
        }
      });
      if (told) (action.kind === "snooze-ended" ? result.snoozeEnded : result.reminded).push(current.subject);
    }
  }
}

function describe(finding: ProblemFinding): Pick<StoredProblem, "kind" | "subject" | "names" | "reasons" | "apps" | "fix"> {
  return { kind: finding.kind, subject: finding.subject, names: finding.names, reasons: finding.reasons, apps: finding.apps, fix: finding.fix };
}

function stateOf(problem: StoredProblem, snoozedUntil: Date | undefined, now: Date): AlertState {
  return { announced: ["down"], snoozedUntil, lastResult: JSON.stringify(problem), updatedAt: now };
}
