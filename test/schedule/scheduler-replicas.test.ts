// Two schedulers (two replicas) on one store: each cron tick of a job runs on one of them. SQLite stands for the
// shared store here, so that node-cron's timers can be faked; the PostgreSQL path runs in test/replicas.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { silentLogger } from "../../src/log.ts";
import { startScheduler, type Scheduler } from "../../src/schedule/scheduler.ts";
import { openSqliteStore, type Stores } from "../../src/store/sqlite-store.ts";

const START = new Date("2026-03-01T09:00:00Z");
let dir: string;
let stores: Stores[] = [];
let schedulers: Scheduler[] = [];
beforeEach(() => {
  vi.useFakeTimers({ now: START });
  dir = mkdtempSync(join(tmpdir(), "vnetbot-scheduler-"));
});
afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((s) => s.stop()));
  stores.splice(0).forEach((s) => s.close());
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

/** A replica: its own connection to the shared database, and a scheduler running one job every second. */
function replica(instance: string, runs: Array<{ instance: string; at: string }>, ttlMs = 3_000) {
  const opened = openSqliteStore(join(dir, "vnetbot.sqlite"));
  stores.push(opened);
  const job = { name: "gateways", expression: "* * * * * *", run: async (now: Date) => void runs.push({ instance, at: now.toISOString() }) };
  const scheduler = startScheduler({ schedule: { timezone: "UTC" }, jobs: [job], logger: silentLogger, claims: { leases: opened.leases, instance, ttlMs } });
  schedulers.push(scheduler);
  return opened;
}

it("runs each tick once between two replicas", async () => {
  const runs: Array<{ instance: string; at: string }> = [];
  replica("replica-a", runs);
  replica("replica-b", runs);

  await vi.advanceTimersByTimeAsync(5_000);

  expect(runs.map((r) => r.at)).toEqual(["09:00:01", "09:00:02", "09:00:03", "09:00:04", "09:00:05"].map((t) => `2026-03-01T${t}.000Z`));
});

it("leaves ticks to a replica that holds the job, and runs them once its claim has run out", async () => {
  const runs: Array<{ instance: string; at: string }> = [];
  const shared = replica("replica-b", runs);
  // A replica that claimed the job (with a 3-second lease) and died before renewing it.
  expect(await shared.leases.claim("job:gateways", "replica-a/dead", START, new Date(START.getTime() + 3_000), START.getTime())).toBe(true);

  await vi.advanceTimersByTimeAsync(5_000);

  expect(runs).toEqual([
    { instance: "replica-b", at: "2026-03-01T09:00:03.000Z" },
    { instance: "replica-b", at: "2026-03-01T09:00:04.000Z" },
    { instance: "replica-b", at: "2026-03-01T09:00:05.000Z" },
  ]);
});

it("lets a restarted replica release its predecessor's claim at once", async () => {
  const runs: Array<{ instance: string; at: string }> = [];
  const shared = replica("replica-a", runs);
  expect(await shared.leases.claim("job:gateways", "replica-a/before-the-restart", START, new Date(START.getTime() + 60_000), START.getTime())).toBe(true);

  expect(await shared.leases.releaseInstance("replica-a")).toEqual(["job:gateways"]);
  await vi.advanceTimersByTimeAsync(2_000);

  expect(runs.map((r) => r.at)).toEqual(["2026-03-01T09:00:01.000Z", "2026-03-01T09:00:02.000Z"]);
});
