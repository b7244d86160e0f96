/** Silencing one open alert for a while, with a reason; shown on the alert and announced in its thread. */
import { BotError } from "../../errors.ts";
import type { AlertState, AlertStateStore, ChatPort, StoredAlertState } from "../ports.ts";
import { escapeMrkdwn, textReply, type Reply } from "../reply.ts";
import { formatTime } from "../format.ts";
import { ALERT_PREFIX, alertIdOf } from "./alert-keys.ts";
import { announce, viewOf } from "./announcement.ts";
import { openMessage, snoozedReply } from "./problem-messages.ts";
import { readStoredProblem, type StoredProblem } from "./problem-state.ts";

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
/** The longest snooze: a week, so that nothing is silenced and forgotten. */
export const MAX_SNOOZE_MS = 7 * 86_400_000;

/** Parses "30m", "4h", "1d"; throws a usage error otherwise. */
export function parseSnoozeDuration(text: string): number {
  const match = /^(\d{1,4})([mhd])$/i.exec(text.trim());
  const ms = match ? Number(match[1]) * UNITS[match[2]!.toLowerCase()]! : NaN;
  if (!(ms > 0) || ms > MAX_SNOOZE_MS) {
    throw new BotError("usage", `"${escapeMrkdwn(text)}" is not a snooze duration I accept.`, { hint: "Use minutes, hours or days up to a week, e.g. 30m, 4h or 2d." });
  }
  return ms;
}

/** What snoozing needs. */
export interface SnoozeDeps {
  store: AlertStateStore;
  chat: ChatPort<Reply>;
  timezone?: string;
}

/** An open alert as found: its key, its state as stored (for the conditional write) and as it stands at `now`. */
export interface FoundAlert {
  key: string;
  stored: StoredAlertState;
  /** Undefined while another run or click is announcing something about it. */
  state: AlertState | undefined;
  problem: StoredProblem;
}

/** The open alert a user means at `now`: its id, or the gateway or VNet name it is about. */
export async function findOpenAlert(store: AlertStateStore, ref: string, now: Date): Promise<FoundAlert> {
  const wanted = ref.trim().toLowerCase();
  const open = [...(await store.list(ALERT_PREFIX.gateway)), ...(await store.list(ALERT_PREFIX.resync))].flatMap(({ key, state: stored }) => {
    const view = viewOf(stored, now);
    // While an announcement is in flight, the alert is what it will be once confirmed.
    const problem = readStoredProblem(view.busy ? stored : view.state);
    return problem ? [{ key, stored, state: view.busy ? undefined : view.state, problem }] : [];
  });
  const byId = open.filter((a) => alertIdOf(a.key) === wanted);
  const matches = byId.length > 0 ? byId : open.filter((a) => a.problem.names.some((n) => n.toLowerCase() === wanted));
  const [first, second] = matches;
  if (!first) {
    throw new BotError("not-found", `No open alert is called \`${escapeMrkdwn(ref)}\`.`, { hint: "The alert id is under each alert message; `/vnet gateways` shows what is down now." });
  }
  if (second) throw new BotError("ambiguous", `\`${escapeMrkdwn(ref)}\` names ${matches.length} open alerts.`, { hint: "Use the alert id shown under the alert message." });
  return first;
}

// A snooze that meets a scan announcing the same alert waits for it: an announcement takes one Slack round trip.
const ATTEMPTS = 6;
const waitBeforeAttempt = (attempt: number) => new Promise((resolve) => setTimeout(resolve, 250 * attempt));

/**
 * Snoozes an open alert until now + ms; returns the confirmation for the person who asked. The snooze is claimed
 * like an announcement (one conditional write), so that it neither overwrites nor is overwritten by a scan's reminder
 * or recovery; when the alert message cannot be updated, the snooze is put back and the error shown.
 */
export async function snoozeAlert(deps: SnoozeDeps, request: { ref: string; ms: number; reason: string; userId: string; now: Date }): Promise<Reply> {
  const timeZone = deps.timezone ?? "UTC";
  const until = new Date(request.now.getTime() + request.ms);
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const { key, stored, state, problem } = await findOpenAlert(deps.store, request.ref, request.now);
    if (state) {
      const snoozed: StoredProblem = { ...problem, snooze: { until: until.toISOString(), by: request.userId, reason: request.reason.trim() } };
      const next: AlertState = { ...state, snoozedUntil: until, lastResult: JSON.stringify(snoozed), updatedAt: request.now };
      const done = await announce(deps.store, { key, stored, next, now: request.now }, async () => {
        await deps.chat.update(snoozed.message, openMessage(snoozed, alertIdOf(key), timeZone));
        await deps.chat.replyInThread(snoozed.message, snoozedReply(snoozed, timeZone));
      });
      if (done) return textReply(`:zzz: ${problem.subject} is snoozed until ${formatTime(until, timeZone)}. Reminders stop until then; a recovery is still announced.`);
    }
    if (attempt < ATTEMPTS) await waitBeforeAttempt(attempt);
  }
  throw new BotError("conflict", "This alert is being updated right now, so the snooze was not set.", { hint: "Try again in a moment." });
}
