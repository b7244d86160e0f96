// The memory relief collects once the bot has gone quiet after work: never while work goes on, never when idle.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { silentLogger } from "../../src/log.ts";
import { startMemoryRelief, type MemoryRelief } from "../../src/memory-relief.ts";

let relief: MemoryRelief | undefined;
let collections = 0;
beforeEach(() => {
  vi.useFakeTimers();
  collections = 0;
});
afterEach(() => {
  relief?.stop();
  vi.useRealTimers();
});
const start = () => (relief = startMemoryRelief({ logger: silentLogger, quietMs: 10_000, collect: () => void (collections += 1) }));

it("collects once, ten seconds after the last command of a burst, and not while commands keep coming", async () => {
  const { noteActivity } = start();

  for (let second = 0; second < 30; second++) {
    noteActivity();
    await vi.advanceTimersByTimeAsync(1_000);
  }
  const duringTheBurst = collections;
  await vi.advanceTimersByTimeAsync(9_000);

  expect([duringTheBurst, collections]).toEqual([0, 1]);
});

it("does nothing while the bot stays idle, and collects again after the next burst", async () => {
  const { noteActivity } = start();

  await vi.advanceTimersByTimeAsync(60_000);
  const whileIdle = collections;
  noteActivity();
  await vi.advanceTimersByTimeAsync(10_000);
  await vi.advanceTimersByTimeAsync(60_000);
  noteActivity();
  await vi.advanceTimersByTimeAsync(10_000);

  expect([whileIdle, collections]).toEqual([0, 2]);
});

it("runs V8's last-resort collection without --expose-gc, leaving the bot's global as it was", async () => {
  vi.useRealTimers();
  const globalGcBefore = typeof (globalThis as { gc?: unknown }).gc;
  const relieved = new Promise<Record<string, unknown>>((resolve) => {
    relief = startMemoryRelief({ logger: { ...silentLogger, debug: (_message, fields) => resolve(fields ?? {}) }, quietMs: 1 });
  });

  relief!.noteActivity();
  const logged = await relieved;

  expect(logged).toEqual({ ms: expect.any(Number), rssBeforeMb: expect.any(Number), rssAfterMb: expect.any(Number) });
  expect(typeof (globalThis as { gc?: unknown }).gc).toBe(globalGcBefore);
});
