// Several replicas of the bot on one PostgreSQL database: however clicks and start-ups interleave across them,
// each transition happens once.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { databaseClock } from "../../src/store/database-time.ts";
import { openPostgresStore } from "../../src/store/postgres-store.ts";
import type { Stores } from "../../src/store/sqlite-store.ts";
import { approval, minutes } from "./approval-fixture.ts";
import { createTestSchema, type TestSchema } from "./postgres-test-schema.ts";
import { POSTGRES_BACKEND, type TestDatabase } from "./store-backends.ts";

describe("two replicas on one PostgreSQL database", () => {
  let database: TestDatabase | undefined;
  let replicas: [Stores, Stores];
  beforeEach(async (context) => {
    if (POSTGRES_BACKEND.unavailable) context.skip(POSTGRES_BACKEND.unavailable);
    database = await POSTGRES_BACKEND.createDatabase();
    replicas = [await database.open(), await database.open()];
  });
  afterEach(async () => {
    await database?.dispose();
    database = undefined;
  });
  const onEither = <T>(count: number, act: (stores: Stores, i: number) => Promise<T>) => Promise.all(Array.from({ length: count }, (_, i) => act(replicas[i % 2]!, i)));

  it("lets exactly one of twenty simultaneous approvals win, and both replicas see the winner", async () => {
    await replicas[0].approvals.create(approval("r1"));

    const results = await onEither(20, (stores, i) => stores.approvals.decide("r1", i % 3 === 0 ? "rejected" : "approved", `U${i}`, minutes(1)));

    const winner = results.indexOf(true);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await replicas[1].approvals.get("r1")).toEqual(await replicas[0].approvals.get("r1"));
    expect(await replicas[1].approvals.get("r1")).toMatchObject({ status: winner % 3 === 0 ? "rejected" : "approved", decidedBy: `U${winner}` });
  });

  it("starts an approved change once when twenty starts race across the replicas", async () => {
    await replicas[0].approvals.create(approval("r1"));
    await replicas[1].approvals.decide("r1", "approved", "U1", minutes(1));

    const starts = await onEither(20, (stores) => stores.approvals.start("r1", "bot-a", minutes(3)));

    expect(starts.filter(Boolean)).toHaveLength(1);
    expect((await replicas[0].approvals.get("r1"))?.status).toBe("running");
  });

  it("creates one request when both replicas are asked to change the same target at once, and shows it to the others", async () => {
    const outcomes = await onEither(10, (stores, i) => stores.approvals.create({ ...approval(`r${i}`), requestedBy: `U${i}` }));

    const created = outcomes.flatMap((outcome, i) => (outcome.created ? [`r${i}`] : []));
    expect(created).toHaveLength(1);
    expect(outcomes.filter((o) => !o.created).map((o) => (o.created ? undefined : o.existing.id))).toEqual(Array(9).fill(created[0]));
    expect((await replicas[1].approvals.list(["pending"])).map((r) => r.id)).toEqual(created);
  });

  it("creates one request when both replicas are asked at once to change the same app, each under another target", async () => {
    const app = "/subscriptions/s/resourcegroups/rg/providers/microsoft.web/sites/orders-web";
    // Connects of one app to ten VNets, and one migration of it with its slot, on both replicas at once.
    const outcomes = await onEither(12, (stores, i) =>
      stores.approvals.create({ ...approval(`r${i}`, `plan-1|vnet-${i}`), appKeys: i === 11 ? [`${app}/slots/staging`, app] : [app] }),
    );

    const created = outcomes.flatMap((outcome, i) => (outcome.created ? [`r${i}`] : []));
    expect(created).toHaveLength(1);
    expect(outcomes.filter((o) => !o.created).map((o) => (o.created ? undefined : [o.holds, o.existing.id]))).toEqual(Array(11).fill(["app", created[0]]));
  });

  it("expires a due request once, however many replicas sweep", async () => {
    await replicas[0].approvals.create(approval("r1"));

    const swept = await onEither(10, (stores) => stores.approvals.expireDue(minutes(30)));

    expect(swept.flat().map((r) => r.id)).toEqual(["r1"]);
  });

  it("lets a replica start up while the other runs a change: the change keeps running and its runner finishes it", async () => {
    await replicas[0].approvals.create(approval("r1"));
    await replicas[0].approvals.decide("r1", "approved", "U1", minutes(1));
    await replicas[0].approvals.start("r1", "bot-a", minutes(3));

    const interruptedAtStart = await replicas[1].approvals.interruptUnfinished(minutes(2), minutes(0));
    const finished = await replicas[0].approvals.finish("r1", "bot-a", "done", undefined, minutes(2));

    expect(interruptedAtStart).toEqual([]);
    expect(finished).toBe(true);
    expect(await replicas[1].approvals.get("r1")).toMatchObject({ status: "done", owner: "bot-a" });
    expect(await replicas[1].approvals.create(approval("r2"))).toEqual({ created: true });
  });

  it("shares alert state and the audit trail", async () => {
    await replicas[0].alerts.put("cert:app1", { announced: ["30 days"], snoozedUntil: undefined, lastResult: undefined, updatedAt: minutes(0) });
    await replicas[0].audit.append({ at: minutes(0), actor: "U1", action: "snooze", requestId: undefined, summary: "snoozed", azureRequestIds: [] });

    expect((await replicas[1].alerts.get("cert:app1"))?.announced).toEqual(["30 days"]);
    expect((await replicas[1].audit.latest(1)).map((r) => r.summary)).toEqual(["snoozed"]);
  });
});

describe("replicas on a fresh PostgreSQL database", () => {
  let schema: TestSchema | undefined;
  const opened: Stores[] = [];
  beforeEach(async (context) => {
    if (POSTGRES_BACKEND.unavailable) context.skip(POSTGRES_BACKEND.unavailable);
    schema = await createTestSchema();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((stores) => stores.close()));
    await schema?.drop();
    schema = undefined;
  });

  it("all start together, and the migration runs once", async () => {
    const url = schema!.url;

    opened.push(...(await Promise.all([openPostgresStore(url), openPostgresStore(url), openPostgresStore(url)])));

    expect(await schema!.query("SELECT version FROM schema_version ORDER BY version")).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }]);
    expect(await opened[2]!.approvals.create(approval("r1"))).toEqual({ created: true });
  });

  it("keep the database's time when their clocks disagree: a host two minutes ahead does not take a lease still held", async () => {
    const AHEAD_MS = 120_000;
    const skews: number[] = [];
    const here = await openPostgresStore(schema!.url);
    const ahead = await openPostgresStore(schema!.url, { systemNow: () => Date.now() + AHEAD_MS, onClockSkew: (offset) => skews.push(offset) });
    opened.push(here, ahead);
    const hereClock = databaseClock({ now: () => new Date() }, here.databaseTime!);
    const aheadRaw = { now: () => new Date(Date.now() + AHEAD_MS) };
    const aheadClock = databaseClock(aheadRaw, ahead.databaseTime!);

    const now = hereClock.now();
    expect(await here.leases.claim("job:gateways", "replica-a/1", now, new Date(now.getTime() + 30_000))).toBe(true);

    expect(here.databaseTime!.offsetMs()).toBe(0);
    expect(Math.abs(ahead.databaseTime!.offsetMs() + AHEAD_MS)).toBeLessThan(1_000);
    expect(skews).toHaveLength(1);
    // By its own clock the lease has run out; by the database's it is held for another half minute.
    expect(await ahead.leases.holding("job:gateways", aheadRaw.now())).toBeUndefined();
    expect(await ahead.leases.holding("job:gateways", aheadClock.now())).toMatchObject({ holder: "replica-a/1" });
    const later = aheadClock.now();
    expect(await ahead.leases.claim("job:gateways", "replica-b/1", later, new Date(later.getTime() + 30_000))).toBe(false);
  });
});
