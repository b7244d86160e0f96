/**
 * The cron wrapper, the only node-cron importer: validates every expression and the timezone first, never runs a
 * job while its previous run is still going, logs failures, and lets the next run happen regardless.
 */
import { createTask, type ScheduledTask } from "node-cron";
import type { Logger } from "../log.ts";
import type { Clock } from "../core/ports.ts";
import { ScheduleError, scheduleProblems } from "./validate-schedule.ts";

/** A scheduled job: a plain function of the time it runs at. */
export interface ScheduledJob {
  name: string;
  /** node-cron syntax; an optional leading seconds field is allowed. */
  expression: string;
  run(now: Date): Promise<unknown>;
}

/** What the scheduler is built from. */
export interface SchedulerOptions {
  schedule: { timezone?: string | undefined };
  jobs: readonly ScheduledJob[];
  logger: Logger;
  /** The time handed to run (default: the system clock). */
  clock?: Clock;
  /** Called after a failed run has been logged (e.g. to tell a channel). Its own failure is only logged. */
  onFailure?: (job: string, error: unknown) => void | Promise<void>;
}

/** How a triggered run went. */
export type RunOutcome = "done" | "failed" | "skipped";

/** The running scheduler. */
export interface Scheduler {
  /** Runs a job now through the same guard as a scheduled run (skipped while it is running). */
  runNow(name: string): Promise<RunOutcome>;
  /** Stops every task and waits for runs in flight. */
  stop(): Promise<void>;
}

/** Validates the schedule and starts the jobs; throws ScheduleError listing every problem, starting nothing. */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const timezone = options.schedule.timezone ?? "UTC";
  const problems = scheduleProblems(timezone, options.jobs);
  if (problems.length > 0) throw new ScheduleError(problems);
  const { logger } = options;
  const clock = options.clock ?? { now: () => new Date() };
  const running = new Map<string, Promise<RunOutcome>>();

  async function execute(job: ScheduledJob): Promise<RunOutcome> {
    const started = Date.now();
    try {
      await job.run(clock.now());
      logger.info("scheduled job finished", { job: job.name, ms: Date.now() - started });
      return "done";
    } catch (error) {
      logger.error("scheduled job failed", { job: job.name, ms: Date.now() - started, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      try {
        await options.onFailure?.(job.name, error);
      } catch (reportError) {
        logger.error("reporting a failed job failed", { job: job.name, error: (reportError as Error).message });
      }
      return "failed";
    }
  }

  function trigger(job: ScheduledJob): Promise<RunOutcome> {
    if (running.has(job.name)) {
      logger.warn("scheduled job skipped: the previous run is still going", { job: job.name });
      return Promise.resolve("skipped");
    }
    const run = execute(job).finally(() => running.delete(job.name));
    running.set(job.name, run);
    return run;
  }

  const tasks: ScheduledTask[] = options.jobs.map((job) => {
    const task = createTask(job.expression, () => trigger(job), { timezone, name: job.name, logger: cronLogger(logger) });
    void task.start();
    logger.info("scheduled job started", { job: job.name, expression: job.expression, timezone });
    return task;
  });

  return {
    runNow(name) {
      const job = options.jobs.find((j) => j.name === name);
      if (!job) return Promise.reject(new Error(`No scheduled job is named "${name}".`));
      return trigger(job);
    },
    async stop() {
      await Promise.all(tasks.map((task) => task.destroy()));
      await Promise.allSettled([...running.values()]);
    },
  };
}

// node-cron's own warnings (missed executions) go to our logger, which masks secrets.
function cronLogger(logger: Logger) {
  const text = (m: string | Error) => (m instanceof Error ? m.message : m);
  return {
    info: (m: string) => logger.debug(`node-cron: ${m}`),
    warn: (m: string) => logger.warn(`node-cron: ${m}`),
    error: (m: string | Error) => logger.error(`node-cron: ${text(m)}`),
    debug: (m: string | Error) => logger.debug(`node-cron: ${text(m)}`),
  };
}
