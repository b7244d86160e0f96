/** Dates, durations and counts as the alert messages show them. */
import { RETIREMENT_DATE } from "../changes/common.ts";

const DAY_MS = 86_400_000;

/** A calendar date, e.g. "2026-06-01". */
export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** A time in the schedule's timezone, e.g. "2026-03-01 10:00 Europe/Riga". */
export function formatTime(date: Date, timeZone = "UTC"): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(date);
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

/** The retirement countdown every digest ends with. */
export function retirementLine(now: Date, remaining: number): string {
  const days = Math.ceil((RETIREMENT_DATE.getTime() - now.getTime()) / DAY_MS);
  const left = days > 0 ? `${plural(days, "day")} left` : "the retirement date has passed";
  return `:hourglass: Gateway-required integration is retired on 31 March 2027: ${plural(remaining, "integration")} still to move to regional VNet integration, ${left}.`;
}
