/**
 * Locks that hold across replicas: each name is a lease in the shared store (see leases.ts), so a gateway's root
 * certificates or the scheduled inventory refresh are worked on by one replica at a time. Within this process the
 * same name queues in memory first, so that waiting here costs no database round trips.
 */
import { BotError } from "../errors.ts";
import { withLease, type LeaseStore } from "./leases.ts";
import { createLocalLocks } from "./local-locks.ts";
import type { Clock, Locks } from "./ports.ts";

/** What the locks are built from. */
export interface LeaseLocksOptions {
  /** This replica's id, so that its restart releases what it held. */
  instance: string;
  /** How long to wait between two claims of a taken lease (default 1 s). */
  retryMs?: number;
  /** How long a lease lasts unless renewed (default leases.ts' 30 s; renewed every third of it). */
  ttlMs?: number;
  /**
   * The time leases are measured in: the database's (database-time.ts) where replicas share PostgreSQL, since a
   * replica whose host clock runs ahead would otherwise take a lease another still holds (default: the system clock).
   */
  clock?: Clock;
}

/** Locks over the store's leases, with a local queue in front. */
export function createLeaseLocks(leases: LeaseStore, options: LeaseLocksOptions): Locks {
  const local = createLocalLocks();
  return {
    withLock: (name, work) =>
      local.withLock(name, () => withLease(leases, `lock:${name}`, (lease) => work(lockSignal(lease)), { instance: options.instance, ...(options.retryMs === undefined ? {} : { retryMs: options.retryMs }), ...(options.clock ? { clock: options.clock } : {}), ...(options.ttlMs ? { ttlMs: options.ttlMs } : {}) })),
  };
}

/** The lease's signal, its reason a refusal people can act on. */
function lockSignal(lease: AbortSignal): AbortSignal {
  const held = new AbortController();
  const lost = () =>
    held.abort(new BotError("unavailable", "This bot replica lost its lock on what the step writes (it stalled for longer than the lock lasts, and another replica took it), so the step stopped before writing.", {
      hint: "Run the same change again: each step reads Azure before it writes.",
    }));
  if (lease.aborted) lost();
  else lease.addEventListener("abort", lost, { once: true });
  return held.signal;
}
