// Leases, held against SQLite and PostgreSQL alike: two stores on one database stand for two replicas.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLeaseLocks } from "../../src/core/lease-locks.ts";
import { withLease, type LeaseStore } from "../../src/core/leases.ts";
import type { Locks } from "../../src/core/ports.ts";
import type { Stores } from "../../src/store/sqlite-store.ts";
import { minutes, T0 } from "./approval-fixture.ts";
import { STORE_BACKENDS, type TestDatabase } from "./store-backends.ts";

/** A gate a test opens by hand, so that work holds a lease exactly as long as the test wants. */
function gate() {
  const { promise, resolve } = Promise.withResolvers<void>();
  return { opened: promise, open: () => resolve() };
}

describe.each(STORE_BACKENDS)("$name leases", (backend) => {
  let database: TestDatabase | undefined;
  let one: Stores;
  let other: Stores;
  beforeEach(async (context) => {
    if (backend.unavailable) context.skip(backend.unavailable);
    database = await backend.createDatabase();
    [one, other] = [await database.open(), await database.open()];
  });
  afterEach(async () => {
    await database?.dispose();
    database = undefined;
  });

  it("lets exactly one of twenty simultaneous claims win, and the next claim once it is released", async () => {
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? one : other).leases.claim("job:gateways", `bot-${i}/x`, T0, minutes(1))));
    const winner = `bot-${claims.indexOf(true)}/x`;

    const whileHeld = await one.leases.claim("job:gateways", "late/x", T0, minutes(1));
    await other.leases.release("job:gateways", winner);
    const afterRelease = await one.leases.claim("job:gateways", "late/x", T0, minutes(1));

    expect(claims.filter(Boolean)).toHaveLength(1);
    expect([whileHeld, afterRelease]).toEqual([false, true]);
    expect(await other.leases.holding("job:gateways", T0)).toEqual({ holder: "late/x", until: minutes(1), tick: undefined });
  });

  it("hands a lease whose holder stopped renewing to the next claim, and refuses the old holder's renewal", async () => {
    await one.leases.claim("gateway:gw-hub", "a/1", T0, minutes(1));

    const renewedInTime = await one.leases.renew("gateway:gw-hub", "a/1", minutes(2));
    const beforeItRunsOut = await other.leases.claim("gateway:gw-hub", "b/1", minutes(1), minutes(3));
    const afterItRanOut = await other.leases.claim("gateway:gw-hub", "b/1", minutes(2), minutes(3));
    const lateRenewal = await one.leases.renew("gateway:gw-hub", "a/1", minutes(4));

    expect([renewedInTime, beforeItRunsOut, afterItRanOut, lateRenewal]).toEqual([true, false, true, false]);
    expect((await one.leases.holding("gateway:gw-hub", minutes(2)))?.holder).toBe("b/1");
  });

  it("claims each tick once across replicas, and never a tick older than one already claimed", async () => {
    const tick = (n: number) => T0.getTime() + n * 1000;

    const first = await Promise.all([one.leases.claim("job:certificates", "a/1", T0, minutes(1), tick(1)), other.leases.claim("job:certificates", "b/1", T0, minutes(1), tick(1))]);
    await one.leases.release("job:certificates", first[0] ? "a/1" : "b/1");
    const sameTickAgain = await other.leases.claim("job:certificates", "b/2", T0, minutes(1), tick(1));
    const nextTick = await other.leases.claim("job:certificates", "b/2", T0, minutes(1), tick(3));
    await other.leases.release("job:certificates", "b/2");
    const olderTick = await one.leases.claim("job:certificates", "a/2", T0, minutes(1), tick(2));

    expect(first.filter(Boolean)).toHaveLength(1);
    expect([sameTickAgain, nextTick, olderTick]).toEqual([false, true, false]);
  });

  it("releases what an instance's predecessor held, and nothing of other instances", async () => {
    await one.leases.claim("job:gateways", "replica-a/1", T0, minutes(5), 1);
    await one.leases.claim("gateway:gw-hub", "replica-a/2", T0, minutes(5));
    await other.leases.claim("gateway:gw-data", "replica-ab/1", T0, minutes(5));

    const released = await other.leases.releaseInstance("replica-a");

    expect(released).toEqual(["gateway:gw-hub", "job:gateways"]);
    expect(await one.leases.holding("job:gateways", T0)).toBeUndefined();
    expect((await one.leases.holding("gateway:gw-data", T0))?.holder).toBe("replica-ab/1");
    expect(await one.leases.claim("job:gateways", "replica-b/1", T0, minutes(5), 1)).toBe(false);
  });

  /**
   * a takes gw-hub's lock and holds it until b has asked for it and done its work on gw-data; the order everything
   * ran in. `at`: the time a's lease is looked for in (a's clock).
   */
  async function takeTurns(a: Locks, b: Locks, at?: Date): Promise<string[]> {
    const held = gate();
    const order: string[] = [];
    const first = a.withLock("gateway:gw-hub", async () => {
      order.push("a adds its root");
      await held.opened;
      order.push("a done");
    });
    await waitUntilHeld(one.leases, "lock:gateway:gw-hub", at);
    const second = b.withLock("gateway:gw-hub", async () => void order.push("b adds its root"));
    const elsewhere = b.withLock("gateway:gw-data", async () => void order.push("b on another gateway"));
    await elsewhere;
    held.open();
    await Promise.all([first, second]);
    return order;
  }

  it("gives the bot's locks (a gateway's root certificates) to one replica at a time, the other waiting its turn", async () => {
    const order = await takeTurns(createLeaseLocks(one.leases, { instance: "replica-a" }), createLeaseLocks(other.leases, { instance: "replica-b", retryMs: 5 }));

    expect(order).toEqual(["a adds its root", "b on another gateway", "a done", "b adds its root"]);
    expect(await one.leases.holding("lock:gateway:gw-hub", new Date())).toBeUndefined();
  });

  it("judges the locks' leases by the clock they are given (the database's time), not the host's", async () => {
    // Replica b's host clock runs far ahead of T0: by it, a's lease ran out long ago; by the database's time it is held.
    const a = createLeaseLocks(one.leases, { instance: "replica-a", clock: { now: () => T0 } });
    const b = createLeaseLocks(other.leases, { instance: "replica-b", retryMs: 5, clock: { now: () => minutes(0.25) } });

    expect(await takeTurns(a, b, T0)).toEqual(["a adds its root", "b on another gateway", "a done", "b adds its root"]);
  });

  it("tells the work when its lock was lost, with a refusal that says to run the change again", async () => {
    const locks = createLeaseLocks(one.leases, { instance: "replica-a", clock: { now: () => T0 }, ttlMs: 60 });
    const work = locks.withLock("gateway:gw-hub", async (held) => {
      // Another replica, an hour later by its clock, finds the lease run out and takes it: as after a stall here.
      expect(await other.leases.claim("lock:gateway:gw-hub", "replica-b/1", minutes(60), minutes(61))).toBe(true);
      await new Promise((resolve) => held.addEventListener("abort", resolve, { once: true }));
      held.throwIfAborted();
    });

    await expect(work).rejects.toMatchObject({ kind: "unavailable", message: expect.stringContaining("lost its lock"), hint: expect.stringContaining("Run the same change again") });
  });

  describe("withLease", () => {
    /** The store, noting each claim's outcome, so that a test can await "the waiter has tried and been refused". */
    function noting(leases: LeaseStore) {
      const refused: Array<() => void> = [];
      const store: LeaseStore = {
        ...leases,
        async claim(...args) {
          const won = await leases.claim(...args);
          if (!won) refused.splice(0).forEach((tell) => tell());
          return won;
        },
      };
      return { store, nextRefusal: () => new Promise<void>((resolve) => refused.push(resolve)) };
    }

    it("runs work on one resource one holder at a time across replicas, waiting for the lease, and releases it after", async () => {
      const held = gate();
      const order: string[] = [];
      const waiter = noting(other.leases);
      const first = withLease(one.leases, "gateway:gw-hub", async () => {
        order.push("first starts");
        await held.opened;
        order.push("first ends");
        return 1;
      }, { instance: "replica-a" });
      await waitUntilHeld(one.leases, "gateway:gw-hub");

      const refused = waiter.nextRefusal();
      const second = withLease(waiter.store, "gateway:gw-hub", async () => {
        order.push("second runs");
        return 2;
      }, { instance: "replica-b", retryMs: 5 });
      await refused;
      held.open();

      expect(await Promise.all([first, second])).toEqual([1, 2]);
      expect(order).toEqual(["first starts", "first ends", "second runs"]);
      expect(await one.leases.holding("gateway:gw-hub", new Date())).toBeUndefined();
    });

    it("releases the lease when the work throws, and rethrows", async () => {
      const failing = withLease(one.leases, "gateway:gw-hub", async () => {
        throw new Error("ARM said no");
      }, { instance: "replica-a" });

      await expect(failing).rejects.toThrow("ARM said no");
      expect(await other.leases.holding("gateway:gw-hub", new Date())).toBeUndefined();
    });

    it("tells the work through its signal when a renewal finds the lease taken", async () => {
      let seen: AbortSignal | undefined;
      const stolen = gate();
      const work = withLease(one.leases, "gateway:gw-hub", async (signal) => {
        seen = signal;
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
        await stolen.opened;
        return signal.aborted;
      }, { instance: "replica-a", ttlMs: 60 });
      await waitUntilHeld(one.leases, "gateway:gw-hub");

      // Another replica, an hour later by its clock, finds the lease run out and takes it over: as after a stall here.
      const later = Date.now() + 3_600_000;
      expect(await other.leases.claim("gateway:gw-hub", "replica-b/1", new Date(later), new Date(later + 60_000))).toBe(true);
      stolen.open();

      expect(await work).toBe(true);
      expect(seen?.reason).toEqual(new Error("the lease gateway:gw-hub was lost: it ran out and was claimed by another holder"));
      expect((await other.leases.holding("gateway:gw-hub", new Date(later)))?.holder).toBe("replica-b/1");
    });

    it("stops waiting when its signal is aborted, without running the work", async () => {
      await one.leases.claim("gateway:gw-hub", "replica-a/1", new Date(), new Date(Date.now() + 60_000));
      const waiter = noting(other.leases);
      const stop = new AbortController();
      let ran = false;

      const refused = waiter.nextRefusal();
      const waiting = withLease(waiter.store, "gateway:gw-hub", async () => void (ran = true), { instance: "replica-b", retryMs: 60_000, signal: stop.signal });
      await refused;
      stop.abort(new Error("the command's deadline passed"));

      await expect(waiting).rejects.toThrow("the command's deadline passed");
      expect(ran).toBe(false);
    });
  });
});

// Polls the store until the lease is held (the work has started): a claim is a database round trip away.
async function waitUntilHeld(leases: LeaseStore, name: string, at?: Date) {
  for (;;) {
    const holding = await leases.holding(name, at ?? new Date());
    if (holding) return holding;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
