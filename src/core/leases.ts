/**
 * Named, time-limited leases in the shared store: the primitive that lets several replicas of the bot act as one.
 * A scheduled job claims each tick through it (one run per tick across replicas), and withLease serialises work on
 * one resource (e.g. a gateway's root certificates) across replicas and within one.
 */
import { randomBytes } from "node:crypto";
import type { Clock } from "./ports.ts";

/** Who holds a lease and until when. */
export interface LeaseHolding {
  holder: string;
  until: Date;
  /** The last tick claimed under this name, for leases claimed per tick. */
  tick: number | undefined;
}

/**
 * Leases by name, shared by every replica on the same database. Implemented by src/store (SQLite and PostgreSQL);
 * every method is one conditional statement, so two replicas can never both win a claim.
 */
export interface LeaseStore {
  /**
   * Takes `name` for `holder` until `until` when it is free at `now`: never taken, released, or its holder's lease
   * ran out. With a tick, only when no earlier claim carried that tick or a later one, and the tick is recorded: a
   * tick is claimed once, and never after a later one. True when `holder` has it now.
   */
  claim(name: string, holder: string, now: Date, until: Date, tick?: number): Promise<boolean>;
  /** Extends the holder's lease; false when it is no longer theirs (it ran out and someone else claimed it). */
  renew(name: string, holder: string, until: Date): Promise<boolean>;
  /** Gives the lease up at once (its tick is kept); nothing happens when the holder no longer has it. */
  release(name: string, holder: string): Promise<void>;
  /** Releases every lease held on behalf of an instance (holders "<instance>/…"): what its predecessor left. */
  releaseInstance(instance: string): Promise<string[]>;
  /** Who holds `name` at `now`; undefined when it is free. */
  holding(name: string, now: Date): Promise<LeaseHolding | undefined>;
}

/**
 * Which instances are alive, as the database sees it, so that a restarted replica knows its previous incarnation is
 * gone and may release what that left running, while a second live process given the same name is never robbed.
 */
export interface InstanceRegistry {
  /**
   * Registers this process as `instance` until the store is closed; false when a live process already is (two
   * replicas given one name, or a predecessor whose end the database has not noticed yet).
   */
  register(instance: string): Promise<boolean>;
}

/** A fresh holder for one claim on behalf of an instance: "<instance>/<random>", so that releaseInstance finds it. */
export function newLeaseHolder(instance: string): string {
  return `${instance}/${randomBytes(6).toString("hex")}`;
}

/** How a lease is held. */
export interface LeaseTerms {
  /** How long a claim or renewal lasts (default 30 s); renewed every third of it while the work runs. */
  ttlMs?: number;
  /**
   * The time leases are measured in (default: the system clock). Replicas' clocks must agree within ttlMs / 3: on
   * PostgreSQL the bot passes the database's time (src/store/database-time.ts).
   */
  clock?: Clock;
}

/** A lease being held: renewed in the background until release(). */
export interface HeldLease {
  /** Aborted when a renewal finds the lease taken: this holder stalled past its ttl and must stop. */
  signal: AbortSignal;
  /** Stops renewing and gives the lease up; never throws (a release that fails leaves the lease to run out). */
  release(): Promise<void>;
}

const DEFAULT_TTL_MS = 30_000;
const systemClock: Clock = { now: () => new Date() };

/** Keeps a lease that `holder` has just claimed: renews it every ttl / 3 until release(). */
export function holdLease(leases: LeaseStore, name: string, holder: string, terms: LeaseTerms = {}): HeldLease {
  const ttlMs = terms.ttlMs ?? DEFAULT_TTL_MS;
  const clock = terms.clock ?? systemClock;
  const lost = new AbortController();
  let renewing: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = leases.renew(name, holder, new Date(clock.now().getTime() + ttlMs)).then(
      (renewed) => {
        if (!renewed) lost.abort(new Error(`the lease ${name} was lost: it ran out and was claimed by another holder`));
      },
      // A renewal that fails (the database is briefly away) is tried again at the next beat; the lease only ends
      // when a beat finds it taken.
      () => undefined,
    );
  }, ttlMs / 3);
  timer.unref();
  return {
    signal: lost.signal,
    async release() {
      clearInterval(timer);
      await renewing;
      await leases.release(name, holder).catch(() => undefined);
    },
  };
}

/** What withLease needs besides the store. */
export interface WithLeaseOptions extends LeaseTerms {
  /** The bot instance the lease is held for (see releaseInstance). */
  instance: string;
  /** How long to wait between two claims while the lease is taken (default 1 s). */
  retryMs?: number;
  /** Stops waiting for the lease: withLease then rejects with the signal's reason and fn never runs. */
  signal?: AbortSignal;
}

/**
 * Runs fn while holding the lease `name`, across every replica sharing the store and within this one:
 * - waits until the lease is free (never taken, released, or run out because its holder stopped renewing), trying
 *   again every retryMs, and claims it;
 * - renews it every ttl / 3 while fn runs; should a renewal find it taken (this process stalled for longer than the
 *   ttl and another holder claimed it), fn's signal is aborted, and fn must stop before its next write;
 * - releases it when fn settles, however it settles, and returns what fn returned (or rethrows).
 * Each call is its own holder, so a nested withLease on the same name waits for itself forever: don't nest.
 */
export async function withLease<T>(leases: LeaseStore, name: string, fn: (signal: AbortSignal) => Promise<T>, options: WithLeaseOptions): Promise<T> {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const clock = options.clock ?? systemClock;
  const holder = newLeaseHolder(options.instance);
  for (;;) {
    options.signal?.throwIfAborted();
    const now = clock.now();
    if (await leases.claim(name, holder, now, new Date(now.getTime() + ttlMs))) break;
    await pause(options.retryMs ?? 1_000, options.signal);
  }
  const held = holdLease(leases, name, holder, { ttlMs, clock });
  try {
    return await fn(held.signal);
  } finally {
    await held.release();
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener("abort", abort, { once: true });
  });
}
