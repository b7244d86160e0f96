/** What the store keeps about an open problem alert, and the decision each scan takes about it. */
import type { AlertState, PostedMessage } from "../ports.ts";
import type { ProblemFinding } from "./problem-finding.ts";

/** A snooze: who silenced the alert, why, until when. */
export interface StoredSnooze {
  until: string;
  by: string;
  reason: string;
}

/** An open alert (AlertState.lastResult): enough to render its message even when the subject is gone. */
export interface StoredProblem {
  kind: ProblemFinding["kind"];
  subject: string;
  names: string[];
  reasons: string[];
  apps: string[];
  fix: string | undefined;
  since: string;
  lastNotifiedAt: string;
  message: PostedMessage;
  snooze: StoredSnooze | undefined;
  /** The retirement countdown as of the last scan that posted or updated the alert (absent in alerts stored before it). */
  countdown?: string;
}

/** What to do about one alert on this scan. */
export type ProblemAction =
  | { kind: "open" }
  | { kind: "remind" }
  | { kind: "snooze-ended" }
  | { kind: "resolve"; gone: boolean }
  | { kind: "none" };

/** Parses an open alert; undefined when there is none. */
export function readStoredProblem(state: AlertState | undefined): StoredProblem | undefined {
  if (!state?.lastResult) return undefined;
  try {
    const parsed = JSON.parse(state.lastResult) as Partial<StoredProblem>;
    return parsed.message && typeof parsed.since === "string" ? (parsed as StoredProblem) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Alertmanager's lifecycle: alert on the transition to down, remind every reminderMs while it lasts (not while
 * snoozed), say when a snooze ends, resolve when it is up again — also when snoozed, since a silenced alert that
 * resolves silently is a known complaint. Busy and unknown hold the alert as it is. A subject the scan no longer
 * sees is resolved only when the scan was complete.
 */
export function decideProblem(
  finding: ProblemFinding | undefined,
  state: AlertState | undefined,
  options: { now: Date; reminderMs: number; scanComplete: boolean },
): ProblemAction {
  const open = readStoredProblem(state);
  if (!open) return finding?.condition === "down" ? { kind: "open" } : { kind: "none" };
  if (!finding) return options.scanComplete ? { kind: "resolve", gone: true } : { kind: "none" };
  if (finding.condition === "up") return { kind: "resolve", gone: false };
  if (finding.condition !== "down") return { kind: "none" };
  const now = options.now.getTime();
  const snoozedUntil = state?.snoozedUntil?.getTime();
  if (snoozedUntil !== undefined) return snoozedUntil > now ? { kind: "none" } : { kind: "snooze-ended" };
  return now - new Date(open.lastNotifiedAt).getTime() >= options.reminderMs ? { kind: "remind" } : { kind: "none" };
}
