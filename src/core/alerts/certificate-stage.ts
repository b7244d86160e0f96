/** How urgent a certificate's expiry is: the announcement thresholds and the digest's urgency groups. */

const DAY_MS = 86_400_000;

/** Day thresholds below the warning window, most distant first; each is announced once. */
export const DAY_THRESHOLDS: readonly number[] = [90, 60, 30, 14, 7, 1];

/** The stage a certificate has reached: "6 months" (the warning window), "30 days", …, "expired". */
export type CertificateStage = string;

/** The digest's groups, most urgent first. */
export type UrgencyGroup = "expired" | "under-30-days" | "within-window";

/**
 * Whole days from now until notAfter, negative once it has passed: whole days either way, so a certificate that
 * expired 20½ days ago is 20 days past (-20), not 21 (Math.floor of a negative rounds away from zero).
 */
export function daysLeft(notAfter: Date, now: Date): number {
  return Math.trunc((notAfter.getTime() - now.getTime()) / DAY_MS);
}

/** The same instant N calendar months later (UTC), clamped to the month's last day. */
export function addMonths(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

/** The label of the warning window itself, e.g. "6 months". */
export function windowStage(warningMonths: number): CertificateStage {
  return `${warningMonths} month${warningMonths === 1 ? "" : "s"}`;
}

/**
 * Every stage in order of urgency for a given window: the window first, then the day thresholds that fall inside
 * it, then "expired".
 */
export function stagesFor(warningMonths: number): CertificateStage[] {
  const windowDays = warningMonths * 30;
  return [windowStage(warningMonths), ...DAY_THRESHOLDS.filter((d) => d < windowDays).map(dayStage), "expired"];
}

function dayStage(days: number): CertificateStage {
  return `${days} day${days === 1 ? "" : "s"}`;
}

/** The most urgent stage the certificate has reached, or undefined while it is outside the warning window. */
export function certificateStage(notAfter: Date, now: Date, warningMonths: number): CertificateStage | undefined {
  if (notAfter.getTime() <= now.getTime()) return "expired";
  const left = (notAfter.getTime() - now.getTime()) / DAY_MS;
  const windowDays = warningMonths * 30;
  const crossed = DAY_THRESHOLDS.filter((d) => d < windowDays && left <= d);
  const last = crossed[crossed.length - 1];
  if (last !== undefined) return dayStage(last);
  return notAfter.getTime() <= addMonths(now, warningMonths).getTime() ? windowStage(warningMonths) : undefined;
}

/** Stages up to and including this one: what counts as announced once this stage has been said. */
export function stagesThrough(stage: CertificateStage, warningMonths: number): CertificateStage[] {
  const all = stagesFor(warningMonths);
  const index = all.indexOf(stage);
  return index < 0 ? [stage] : all.slice(0, index + 1);
}

/** The digest group of a certificate that has reached a stage. */
export function urgencyOf(notAfter: Date, now: Date): UrgencyGroup {
  if (notAfter.getTime() <= now.getTime()) return "expired";
  return (notAfter.getTime() - now.getTime()) / DAY_MS <= 30 ? "under-30-days" : "within-window";
}
