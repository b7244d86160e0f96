/** The gateway check's messages: the alert, its reminders, snoozes and recovery. */
import { ACTIONS, escapeMrkdwn, type Reply, type ReplyPart } from "../reply.ts";
import { formatDuration, formatTime } from "../format.ts";
import type { StoredProblem } from "./problem-state.ts";

/** The durations the Snooze buttons offer. */
export const SNOOZE_CHOICES = [
  { actionId: ACTIONS.alertSnooze1h, label: "Snooze 1h", ms: 3_600_000 },
  { actionId: ACTIONS.alertSnooze4h, label: "Snooze 4h", ms: 4 * 3_600_000 },
  { actionId: ACTIONS.alertSnooze24h, label: "Snooze 24h", ms: 24 * 3_600_000 },
] as const;

// The snooze reason is typed by a user and shown in the channel: &, < and > are escaped (Slack's mrkdwn controls),
// so that it can neither mention (<!channel>) nor link (<https://…|label>).
function headline(problem: StoredProblem): string {
  return problem.kind === "gateway" ? `:red_circle: ${problem.subject} is down` : `:large_orange_circle: ${problem.subject} needs a network sync`;
}

function appsLine(problem: StoredProblem): string {
  const label = problem.kind === "gateway" ? "Apps cut off" : "Apps affected";
  return `*${label}:* ${problem.apps.length > 0 ? problem.apps.join(", ") : "_none_"}`;
}

/** The alert message as it stands: down, or snoozed; with Snooze buttons while it is open. */
export function openMessage(problem: StoredProblem, alertId: string, timeZone: string): Reply {
  const lines = [appsLine(problem), `*Since:* ${formatTime(new Date(problem.since), timeZone)}`, `*Why:* ${problem.reasons.join("; ")}`];
  if (problem.fix) lines.push(`*Fix:* ${fixText(problem.fix)}`);
  const parts: ReplyPart[] = [{ kind: "text", text: lines.join("\n") }];
  const context = [`Alert \`${alertId}\`. Snooze with a reason: \`/vnet snooze ${alertId} 4h REASON\``];
  if (problem.countdown) context.push(problem.countdown);
  if (problem.snooze) {
    const until = formatTime(new Date(problem.snooze.until), timeZone);
    context.unshift(`:zzz: Snoozed until ${until} by <@${problem.snooze.by}>${problem.snooze.reason ? `: ${escapeMrkdwn(problem.snooze.reason)}` : ""}`);
  } else {
    parts.push({ kind: "buttons", buttons: SNOOZE_CHOICES.map((c) => ({ actionId: c.actionId, label: c.label, value: alertId })) });
  }
  parts.push({ kind: "context", lines: context });
  return { title: headline(problem).replace(/^:[a-z_]+: /, ""), text: headline(problem), parts, visibility: "in_channel" };
}

/** The original message once the problem is over (no buttons left to click). */
export function resolvedMessage(problem: StoredProblem, now: Date, timeZone: string, gone: boolean): Reply {
  const text = recoveredText(problem, gone);
  // An alert that ends because nothing depends on it any more is no recovery: the gateway may be down still.
  const span = `${formatTime(new Date(problem.since), timeZone)} → ${formatTime(now, timeZone)} (${formatDuration(now.getTime() - new Date(problem.since).getTime())})`;
  const label = gone ? "Alerted" : problem.kind === "gateway" ? "Was down" : "Needed a sync";
  const apps = gone ? `*Apps that depended on it:* ${problem.apps.length > 0 ? problem.apps.join(", ") : "_none_"} (moved or disconnected since)` : appsLine(problem);
  const lines = [apps, `*${label}:* ${span}`];
  if (gone && problem.kind === "gateway") lines.push("This is not a recovery: vnetbot stopped watching it, and it may still be down.");
  return { title: text.replace(/^:[a-z_]+: /, ""), text, parts: [{ kind: "text", text: lines.join("\n") }], visibility: "in_channel" };
}

function recoveredText(problem: StoredProblem, gone: boolean): string {
  // Not a green mark: the gateway may still be down, only no integration needs it.
  if (gone) return `:white_circle: ${problem.subject}: no integration depends on it any more`;
  return problem.kind === "gateway" ? `:large_green_circle: ${problem.subject} recovered` : `:large_green_circle: ${problem.subject} is in sync again`;
}

/** The thread reply when the problem ends. */
export function resolvedReply(problem: StoredProblem, now: Date, gone: boolean): Reply {
  const lasted = formatDuration(now.getTime() - new Date(problem.since).getTime());
  const text = gone ? `${recoveredText(problem, gone)} (alerted for ${lasted}); vnetbot stops watching it.` : `${recoveredText(problem, gone)} after ${lasted}.`;
  return { text, parts: [{ kind: "text", text }] };
}

/** The thread reply every reminderHours while the problem lasts. */
export function reminderReply(problem: StoredProblem, now: Date, timeZone: string): Reply {
  const text = `:repeat: Still ${problem.kind === "gateway" ? "down" : "waiting for a sync"}, for ${formatDuration(now.getTime() - new Date(problem.since).getTime())} now (since ${formatTime(new Date(problem.since), timeZone)}). ${appsLine(problem)}`;
  return { text, parts: [{ kind: "text", text }] };
}

/** The thread reply when someone snoozes the alert. */
export function snoozedReply(problem: StoredProblem, timeZone: string): Reply {
  const snooze = problem.snooze!;
  const text = `:zzz: <@${snooze.by}> snoozed this alert until ${formatTime(new Date(snooze.until), timeZone)}${snooze.reason ? `: ${escapeMrkdwn(snooze.reason)}` : "."}`;
  return { text, parts: [{ kind: "text", text }] };
}

/** The thread reply when a snooze ends and the problem is still there. */
export function snoozeEndedReply(problem: StoredProblem, now: Date, timeZone: string): Reply {
  const text = `:alarm_clock: The snooze ended and ${problem.subject} is still ${problem.kind === "gateway" ? "down" : "waiting for a sync"} (since ${formatTime(new Date(problem.since), timeZone)}, ${formatDuration(now.getTime() - new Date(problem.since).getTime())}).`;
  return { text, parts: [{ kind: "text", text }] };
}

/** A finding's fix as shown: a command to copy in code, advice in words as it is. */
export function fixText(fix: string): string {
  return fix.startsWith("/vnet ") ? `\`${fix}\`` : fix;
}
