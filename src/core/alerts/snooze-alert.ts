/** Silencing one open alert for a while, with a reason; shown on the alert and announced in its thread. */
import { BotError } from "../../errors.ts";
import type { AlertState, AlertStateStore, ChatPort } from "../ports.ts";
import { escapeMrkdwn, textReply, type Reply } from "../reply.ts";
import { formatTime } from "../format.ts";
import { ALERT_PREFIX, alertIdOf } from "./alert-keys.ts";
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

/** The open alert a user means: its id, or the gateway or VNet name it is about. */
export async function findOpenAlert(store: AlertStateStore, ref: string): Promise<{ key: string; state: AlertState; problem: StoredProblem }> {
  const wanted = ref.trim().toLowerCase();
  const open = [...(await store.list(ALERT_PREFIX.gateway)), ...(await store.list(ALERT_PREFIX.resync))].flatMap(({ key, state }) => {
    const problem = readStoredProblem(state);
    return problem ? [{ key, state, problem }] : [];
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

/** Snoozes an open alert until now + ms; returns the confirmation for the person who asked. */
export async function snoozeAlert(deps: SnoozeDeps, request: { ref: string; ms: number; reason: string; userId: string; now: Date }): Promise<Reply> {
  const timeZone = deps.timezone ?? "UTC";
  const { key, state, problem } = await findOpenAlert(deps.store, request.ref);
  const until = new Date(request.now.getTime() + request.ms);
  const snoozed: StoredProblem = { ...problem, snooze: { until: until.toISOString(), by: request.userId, reason: request.reason.trim() } };
  await deps.store.put(key, { ...state, snoozedUntil: until, lastResult: JSON.stringify(snoozed), updatedAt: request.now });
  await deps.chat.update(snoozed.message, openMessage(snoozed, alertIdOf(key), timeZone));
  await deps.chat.replyInThread(snoozed.message, snoozedReply(snoozed, timeZone));
  return textReply(`:zzz: ${problem.subject} is snoozed until ${formatTime(until, timeZone)}. Reminders stop until then; a recovery is still announced.`);
}
