/** Checks cron expressions and the timezone before anything is scheduled: node-cron accepts a bad timezone silently. */
import { validateDetailed } from "node-cron";

/** A job as configured: its name (for messages) and cron expression. */
export interface JobExpression {
  name: string;
  expression: string;
}

/** True when the timezone is an IANA name this Node knows (node-cron would fail later, at stop). */
export function isKnownTimezone(timezone: string): boolean {
  return timezone === "UTC" || Intl.supportedValuesOf("timeZone").includes(timezone);
}

/** Every problem of the schedule, each with what to write instead; empty when all is well. */
export function scheduleProblems(timezone: string, jobs: readonly JobExpression[]): string[] {
  const problems: string[] = [];
  if (!isKnownTimezone(timezone)) {
    problems.push(`schedule.timezone: "${timezone}" is not a timezone I know. Hint: use an IANA name such as Europe/Riga or UTC.`);
  }
  const seen = new Set<string>();
  for (const job of jobs) {
    if (seen.has(job.name)) problems.push(`schedule.${job.name}: two jobs have this name. Hint: give each job its own name.`);
    seen.add(job.name);
    const result = validateDetailed(job.expression);
    if (!result.valid) {
      const why = result.errors.map((e) => e.message).join("; ") || "not a cron expression";
      problems.push(
        `schedule.${job.name}: "${job.expression}" is not a valid cron expression (${why}). Hint: five fields (minute hour day month weekday) or six with seconds first, e.g. "0 9 * * 1-5" or "*/30 * * * * *".`,
      );
    }
  }
  return problems;
}

/** The schedule cannot start; the message lists every problem. */
export class ScheduleError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`The schedule cannot start:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ScheduleError";
    this.problems = problems;
  }
}
