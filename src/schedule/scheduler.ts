/**
 * The cron wrapper, the only node-cron importer: validates every expression and the timezone first, never runs a
 * job while its previous run is still going, logs failures, and lets the next run happen regardless. With claims,
 * replicas sharing a store run each tick of a job once between them.
 */
import { createTask, type ScheduledTask, type TaskContext } from "node-cron";
import type { Logger } from "../log.ts";
import { holdLease, newLeaseHolder, type HeldLease, type LeaseStore } from "../core/leases.ts";
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
  /** Replicas sharing a store: each tick of a job is claimed there, and runs on the replica that claimed it. */
  claims?: JobClaims;
}

/** How the replicas share the ticks. */
export interface JobClaims {
  leases: LeaseStore;
  /** This replica (config.instanceId): a restart releases the claims its predecessor held. */
  instance: string;
  /**
   * How long a claimed run stays this replica's without renewal (default 30 s; renewed every third of it while the
   * job runs): a replica that dies mid-run loses its claim after at most this, and later ticks run elsewhere.
   */
  ttlMs?: number;
  /** The time leases are measured in (default: the system clock, whatever `clock` hands the jobs). */
  clock?: Clock;
}

/** How a triggered run went: "elsewhere" when another replica claimed the tick (or still runs the job). */
export type RunOutcome = "done" | "failed" | "skipped" | "elsewhere";

/** The running scheduler. */
export interface Scheduler {
  /** Runs a job now through the same guards as a scheduled run, as a tick of its own (the current time). */
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
  const claims = options.claims;

  // The tick is the time the cron expression matched, not the time this replica woke up: cron matches are whole
  // seconds computed from the expression alone, so every replica names a tick the same way whatever its clock's
  // skew and however late its timer fires, and the key needs no truncation to the job's period. The lease carries
  // the tick, which must grow from claim to claim: a replica that fires a tick late, after another replica claimed a
  // later one, does not run it. The lease also keeps a run from overlapping another replica's run of the same job.
  async function claimTick(job: ScheduledJob, tick: number): Promise<HeldLease | undefined> {
    if (!claims) return undefined;
    const leaseClock = claims.clock ?? { now: () => new Date() };
    const ttlMs = claims.ttlMs ?? 30_000;
    const holder = newLeaseHolder(claims.instance);
    const now = leaseClock.now();
    if (!(await claims.leases.claim(`job:${job.name}`, holder, now, new Date(now.getTime() + ttlMs), tick))) return undefined;
    return holdLease(claims.leases, `job:${job.name}`, holder, { ttlMs, clock: leaseClock });
  }

  async function execute(job: ScheduledJob, tick: number): Promise<RunOutcome> {
    const started = Date.now();
    let held: HeldLease | undefined;
    try {
      held = await claimTick(job, tick);
      if (claims && !held) {
        logger.debug("scheduled job left to another replica: it claimed this tick", { job: job.name, tick: new Date(tick).toISOString() });
        return "elsewhere";
      }
      held?.signal.addEventListener("abort", () => logger.warn("a scheduled run outlived its claim: another replica may run the job meanwhile", { job: job.name }));
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
    } finally {
      await held?.release();
    }
  }

  function trigger(job: ScheduledJob, tick: number): Promise<RunOutcome> {
    if (running.has(job.name)) {
      logger.warn("scheduled job skipped: the previous run is still going", { job: job.name });
      return Promise.resolve("skipped");
    }
    const run = execute(job, tick).finally(() => running.delete(job.name));
    running.set(job.name, run);
    return run;
  }

  const tasks: ScheduledTask[] = options.jobs.map((job) => {
    const task = createTask(job.expression, (context: TaskContext) => trigger(job, context.date.getTime()), { timezone, name: job.name, logger: cronLogger(logger) });
    void task.start();
    logger.info("scheduled job started", { job: job.name, expression: job.expression, timezone });
    return task;
  });

  return {
    runNow(name) {
      const job = options.jobs.find((j) => j.name === name);
      if (!job) return Promise.reject(new Error(`No scheduled job is named "${name}".`));
      return trigger(job, Date.now());
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
