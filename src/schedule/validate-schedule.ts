/** Checks cron expressions and the timezone before anything is scheduled: node-cron accepts a bad timezone silently. */
import { validateDetailed } from "node-cron";

/** A job as configured: its name (for messages) and cron expression. */
export interface JobExpression {
  name: string;
  expression: string;
}

/**
 * True when this runtime can keep time in the timezone: the one check for the configuration and the scheduler.
 * Intl.supportedValuesOf("timeZone") lists primary identifiers only (ECMA-402, sec-intl.supportedvaluesof), so it
 * misses IANA links people write every day (Asia/Kolkata, Europe/Kyiv, America/Argentina/Buenos_Aires). What
 * node-cron and our messages need is that Intl.DateTimeFormat takes the name; it throws a RangeError for one it
 * does not know (test262: intl402/DateTimeFormat/timezone-invalid.js).
 */
export function isKnownTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** Every problem of the schedule, each with what to write instead; empty when all is well. */
export function scheduleProblems(timezone: string, jobs: readonly JobExpression[]): string[] {
  const problems: string[] = [];
  if (!isKnownTimezone(timezone)) {
    problems.push(`schedule.timezone: "${timezone}" is not a timezone I know. Hint: use an IANA name such as Europe/Riga or UTC.`);
  }
  return [...problems, ...cronProblems(jobs)];
}

/** The problems of the jobs' cron expressions alone (the configuration checks the timezone with its schema). */
export function cronProblems(jobs: readonly JobExpression[]): string[] {
  const problems: string[] = [];
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
