/**
 * Locks that hold across replicas: each name is a lease in the shared store (see leases.ts), so a gateway's root
 * certificates or the scheduled inventory refresh are worked on by one replica at a time. Within this process the
 * same name queues in memory first, so that waiting here costs no database round trips.
 */
import { withLease, type LeaseStore } from "./leases.ts";
import { createLocalLocks } from "./local-locks.ts";
import type { Locks } from "./ports.ts";

/** What the locks are built from. */
export interface LeaseLocksOptions {
  /** This replica's id, so that its restart releases what it held. */
  instance: string;
  /** How long to wait between two claims of a taken lease (default 1 s). */
  retryMs?: number;
}

/** Locks over the store's leases, with a local queue in front. */
export function createLeaseLocks(leases: LeaseStore, options: LeaseLocksOptions): Locks {
  const local = createLocalLocks();
  return {
    withLock: (name, work) =>
      local.withLock(name, () => withLease(leases, `lock:${name}`, () => work(), { instance: options.instance, ...(options.retryMs === undefined ? {} : { retryMs: options.retryMs }) })),
  };
}
