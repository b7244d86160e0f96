/** How dates, durations, counts, step outcomes and the retirement countdown read in every message the bot writes. */

const DAY_MS = 86_400_000;

/** A calendar date, e.g. "2026-06-01". */
export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

// Building a DateTimeFormat costs about a millisecond (it loads the zone's rules), formatting with one microseconds.
const formats = new Map<string, Intl.DateTimeFormat>();

/** "2026-03-01 10:00 Europe/Riga": unambiguous for readers in any time zone (UTC unless a zone is given). */
export function formatTime(date: Date, timeZone = "UTC"): string {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    formats.set(timeZone, format);
  }
  const parts = format.formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")} ${timeZone}`;
}

/** A duration in words, e.g. "3h 20m", "2d 4h", "5m". */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return rest > 0 ? `${hours}h ${rest}m` : `${hours}h`;
  return `${rest}m`;
}

/** "1 integration", "3 integrations". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** How a change's step shows its outcome; "skipped" found its work already done, which is success too. */
export const STEP_MARK = { done: ":white_check_mark:", skipped: ":white_check_mark:", failed: ":x:" } as const;

/**
 * The day Microsoft retires gateway-required integration: "being retired on March 31, 2027" (azure-docs
 * articles/app-service/configure-gateway-required-vnet-integration.md, 01/30/2026).
 */
export const RETIREMENT_DATE = new Date("2027-03-31T00:00:00Z");
/**
 * When vnetbot takes gateway-required integration as gone: once 31 March 2027 has ended (UTC). Microsoft names the
 * day, not the hour; until the day is over a change is still tried, and Azure's answer stands.
 */
export const RETIRED_AFTER = new Date("2027-04-01T00:00:00Z");

/** Whether the retirement day has passed. */
export function isRetired(now: Date): boolean {
  return now.getTime() >= RETIRED_AFTER.getTime();
}

/** Whole days from now until the retirement; zero or less once it has passed. */
export function daysUntilRetirement(now: Date): number {
  return Math.ceil((RETIREMENT_DATE.getTime() - now.getTime()) / DAY_MS);
}

/** The countdown shown with every change. */
export function retirementWarning(now: Date): string {
  const days = daysUntilRetirement(now);
  const when = days > 0 ? `in ${plural(days, "day")}` : isRetired(now) ? "already" : "today";
  // On the day itself Azure may refuse or cut a connection at any hour: a change that reconnects may not get it back.
  if (when === "today") return "Gateway-required integration is retired today, 31 March 2027, at an hour Microsoft has not said: a change that disconnects and reconnects may leave the app without its VNet. Migrate to regional VNet integration instead.";
  return `Gateway-required integration is retired on 31 March 2027 (${when}): plan the move to regional VNet integration.`;
}

/** "apps: a, b" of an integration, with the plan's apps whose connections could not be read named as such. */
export function appsLine(apps: readonly string[], unread: readonly string[] | undefined): string {
  const known = apps.join(", ");
  if (!unread || unread.length === 0) return `apps: ${known || "none"}`;
  return `apps: ${known ? `${known}, and maybe` : "maybe"} ${unread.join(", ")} (could not be read)`;
}
