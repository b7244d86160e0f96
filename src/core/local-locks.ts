/** Locks for one process: each name's work runs after the previous work of that name has settled. */
import type { Locks } from "./ports.ts";

/** In-process locks (SQLite, one replica); PostgreSQL replicas use the database's. */
export function createLocalLocks(): Locks {
  const tails = new Map<string, Promise<unknown>>();
  return {
    async withLock(name, work) {
      const previous = tails.get(name) ?? Promise.resolve();
      // Nothing else can take an in-process lock: it is never lost.
      const held = () => work(new AbortController().signal);
      const run = previous.then(held, held);
      const tail = run.catch(() => undefined);
      tails.set(name, tail);
      try {
        return await run;
      } finally {
        if (tails.get(name) === tail) tails.delete(name);
      }
    },
  };
}
