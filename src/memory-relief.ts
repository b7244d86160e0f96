/**
 * Gives memory back to the system once a burst of work is over. The bot's JavaScript heap does not grow with use
 * (test/bench/soak.ts: the heap in use is the same after every pass); what stayed was V8's. During a burst the young
 * generation grows to its maximum and the old space grows with the work in flight; afterwards V8 shrinks both, but
 * keeps the freed pages mapped for reuse, so RSS went from 181 MB idle to 399 MB after 10,000 commands and never came
 * down. A "last resort" collection, the one V8 runs under memory pressure, unmaps them. It stops the bot for a moment
 * (tens of milliseconds on this heap), so it runs only after the bot has been quiet for a while, never during work.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Logger } from "./log.ts";

/** Marks work; relief follows once the bot has been quiet for quietMs after it. */
export interface MemoryRelief {
  /** A command, a click or a scheduled run just happened. */
  noteActivity(): void;
  stop(): void;
}

/** What the relief is built from. */
export interface MemoryReliefOptions {
  logger: Logger;
  /** How long the bot must be quiet after work before the collection runs (default 10 s). */
  quietMs?: number;
  /** The collection (default: V8's last-resort garbage collection). */
  collect?: () => void;
}

/** Starts watching for quiet after work; nothing runs while the bot is idle from the start. */
export function startMemoryRelief(options: MemoryReliefOptions): MemoryRelief {
  const collect = options.collect ?? lastResortCollection(options.logger);
  let timer: NodeJS.Timeout | undefined;
  const relieve = () => {
    const before = process.memoryUsage.rss();
    const started = performance.now();
    collect();
    options.logger.debug("memory given back after a burst of work", {
      ms: Math.round(performance.now() - started),
      rssBeforeMb: Math.round(before / 1_048_576),
      rssAfterMb: Math.round(process.memoryUsage.rss() / 1_048_576),
    });
  };
  return {
    noteActivity() {
      if (timer) return void timer.refresh();
      timer = setTimeout(relieve, options.quietMs ?? 10_000);
      timer.unref();
    },
    stop() {
      clearTimeout(timer);
    },
  };
}

type Collect = (options: { type: "major"; execution: "sync"; flavor: "last-resort" }) => void;

// V8's collection is reachable only as the gc() that --expose-gc installs. Set at run time, the flag applies to
// contexts created afterwards: one is made to fetch gc() from, and the bot's own global stays as it was.
function lastResortCollection(logger: Logger): () => void {
  let gc: Collect | undefined = (globalThis as { gc?: Collect }).gc;
  if (!gc) {
    try {
      setFlagsFromString("--expose-gc");
      gc = runInNewContext("gc") as Collect;
    } catch (error) {
      logger.warn("memory cannot be given back after bursts: this Node does not allow exposing gc()", { reason: (error as Error).message });
    }
  }
  return () => gc?.({ type: "major", execution: "sync", flavor: "last-resort" });
}
