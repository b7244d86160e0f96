/** Bounded concurrency for fan-out reads, so that scans stay inside ARM's read limits. */

/** Runs a task when a slot is free; at most `concurrency` tasks run at once. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/** Creates a limiter with the given number of slots (at least one). */
export function createLimiter(concurrency: number): Limiter {
  const slots = Math.max(1, Math.floor(concurrency));
  let running = 0;
  const waiting: (() => void)[] = [];

  // A finishing task hands its slot straight to the next waiter, so a newcomer cannot take it in between.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };

  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
    else running += 1;
    try {
      return await task();
    } finally {
      release();
    }
  };
}

/** A limiter per key: tasks of one key never wait for another key's. */
export type KeyedLimiter = <T>(key: string, task: () => Promise<T>) => Promise<T>;

/** Creates a limiter of `concurrency` slots for each key (compared case-insensitively). */
export function createKeyedLimiter(concurrency: number): KeyedLimiter {
  const limiters = new Map<string, Limiter>();
  return (key, task) => {
    const name = key.toLowerCase();
    let limit = limiters.get(name);
    if (!limit) limiters.set(name, (limit = createLimiter(concurrency)));
    return limit(task);
  };
}
