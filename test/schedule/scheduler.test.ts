import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../../src/log.ts";
import { ScheduleError } from "../../src/schedule/validate-schedule.ts";
import { startScheduler, type Scheduler } from "../../src/schedule/scheduler.ts";

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logger: createLogger({ level: "debug", sink: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }) };
}

/** A job whose runs wait until released, announcing each start. */
function blockingJob(name: string, expression: string) {
  let release: () => void = () => {};
  let started: () => void = () => {};
  const startedOnce = new Promise<void>((resolve) => (started = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  const runs: Date[] = [];
  return {
    job: {
      name,
      expression,
      async run(now: Date) {
        runs.push(now);
        started();
        await gate;
      },
    },
    runs,
    startedOnce,
    release: () => release(),
  };
}

describe("startScheduler", () => {
  let scheduler: Scheduler | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await scheduler?.stop();
    scheduler = undefined;
  });

  it("refuses a bad cron expression, naming the job, the field and a correct example", () => {
    const { logger } = capturingLogger();

    const start = () => startScheduler({ schedule: { timezone: "Europe/Riga" }, jobs: [{ name: "gateways", expression: "61 * * * *", run: async () => {} }], logger });

    expect(start).toThrow(ScheduleError);
    expect(start).toThrow(/schedule\.gateways: "61 \* \* \* \*" is not a valid cron expression \(61 is a invalid expression for minute\)\. Hint: five fields/);
  });

  it("refuses an unknown timezone that node-cron itself would accept silently, and lists every problem at once", () => {
    const { logger } = capturingLogger();

    let error: ScheduleError | undefined;
    try {
      startScheduler({ schedule: { timezone: "Europe/Atlantis" }, jobs: [{ name: "certificates", expression: "* * *", run: async () => {} }], logger });
    } catch (e) {
      error = e as ScheduleError;
    }

    expect(error?.problems).toEqual([
      'schedule.timezone: "Europe/Atlantis" is not a timezone I know. Hint: use an IANA name such as Europe/Riga or UTC.',
      expect.stringMatching(/^schedule\.certificates: "\* \* \*" is not a valid cron expression \(expected 5 or 6 fields but got 3\)/),
    ]);
  });

  it.each(["Asia/Kolkata", "Europe/Kyiv", "America/Argentina/Buenos_Aires"])("schedules in %s, an IANA alias Intl.supportedValuesOf leaves out", (timezone) => {
    const { logger, lines } = capturingLogger();

    scheduler = startScheduler({ schedule: { timezone }, jobs: [{ name: "gateways", expression: "0 9 * * *", run: async () => {} }], logger });

    expect(lines).toContainEqual(expect.objectContaining({ msg: "scheduled job started", job: "gateways", timezone }));
  });

  it("accepts a six-field expression with seconds in a named timezone", () => {
    const { logger } = capturingLogger();

    scheduler = startScheduler({ schedule: { timezone: "Europe/Riga" }, jobs: [{ name: "gateways", expression: "*/5 * * * * *", run: async () => {} }], logger });

    expect(scheduler).toBeDefined();
  });

  it("skips a trigger while the job's previous run is still going, then runs again once it ends", async () => {
    const { logger, lines } = capturingLogger();
    const blocking = blockingJob("gateways", "0 0 1 1 *");
    scheduler = startScheduler({ schedule: {}, jobs: [blocking.job], logger, clock: { now: () => new Date("2026-03-01T09:00:00Z") } });

    const first = scheduler.runNow("gateways");
    await blocking.startedOnce;
    const second = await scheduler.runNow("gateways");
    blocking.release();
    const firstOutcome = await first;
    const third = await scheduler.runNow("gateways");

    expect([firstOutcome, second, third]).toEqual(["done", "skipped", "done"]);
    expect(blocking.runs).toEqual([new Date("2026-03-01T09:00:00Z"), new Date("2026-03-01T09:00:00Z")]);
    expect(lines.some((l) => l["msg"] === "scheduled job skipped: the previous run is still going" && l["job"] === "gateways")).toBe(true);
  });

  it("does not start a second cron-triggered run while the first is still going", async () => {
    vi.useFakeTimers({ now: new Date("2026-03-01T09:00:00Z") });
    const { logger } = capturingLogger();
    const blocking = blockingJob("gateways", "* * * * * *");
    scheduler = startScheduler({ schedule: { timezone: "UTC" }, jobs: [blocking.job], logger });

    await vi.advanceTimersByTimeAsync(5_000);

    expect(blocking.runs).toHaveLength(1);
    blocking.release();
  });

  it("logs a failed run, reports it, and still runs the next time", async () => {
    const { logger, lines } = capturingLogger();
    const reported: string[] = [];
    let calls = 0;
    scheduler = startScheduler({
      schedule: {},
      jobs: [
        {
          name: "certificates",
          expression: "0 9 * * 1-5",
          run: async () => {
            calls += 1;
            if (calls === 1) throw new Error("ARM said no");
          },
        },
      ],
      logger,
      onFailure: (job, error) => void reported.push(`${job}: ${(error as Error).message}`),
    });

    const outcomes = [await scheduler.runNow("certificates"), await scheduler.runNow("certificates")];

    expect(outcomes).toEqual(["failed", "done"]);
    expect(reported).toEqual(["certificates: ARM said no"]);
    expect(lines.find((l) => l["msg"] === "scheduled job failed")).toMatchObject({ level: "error", job: "certificates", error: "Error: ARM said no" });
  });
});
