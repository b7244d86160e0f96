// A PostgreSQL server that goes away and comes back (a restart, a failover): the store says it cannot reach the
// database while it is away, and works again once it is back, whatever connections it held before.
import { createServer, type AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BotError } from "../../src/errors.ts";
import { DATABASE_UNREACHABLE, isConnectionFailure } from "../../src/store/postgres-unreachable.ts";
import { openPostgresStore } from "../../src/store/postgres-store.ts";
import type { Stores } from "../../src/store/sqlite-store.ts";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.ts";
import { approval } from "./approval-fixture.ts";
import { createTestSchema, type TestSchema } from "./postgres-test-schema.ts";
import { POSTGRES_BACKEND } from "./store-backends.ts";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("which failures mean the database cannot be reached", () => {
  it.each([
    ["a refused connection", withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"), true],
    ["a connection reset", withCode("read ECONNRESET", "ECONNRESET"), true],
    ["an unknown host", withCode("getaddrinfo ENOTFOUND db.example.com", "ENOTFOUND"), true],
    ["a connection that ended under a query", new Error("Connection terminated unexpectedly"), true],
    ["the server shutting down (57P01)", withCode("terminating connection due to administrator command", "57P01"), true],
    ["the server starting up (57P03)", withCode("the database system is starting up", "57P03"), true],
    ["a connection exception (08006)", withCode("connection failure", "08006"), true],
    ["a unique violation (23505)", withCode("duplicate key value violates unique constraint", "23505"), false],
    ["a syntax error (42601)", withCode('syntax error at or near "SELEC"', "42601"), false],
    ["a plain error", new Error("request id r1 is already taken"), false],
  ])("%s: %s", (_, error, expected) => {
    expect(isConnectionFailure(error)).toBe(expected);
  });
});

describe("a PostgreSQL store whose server goes away and comes back", () => {
  let schema: TestSchema | undefined;
  let proxy: TcpProxy | undefined;
  let stores: Stores | undefined;
  beforeEach(async (context) => {
    if (POSTGRES_BACKEND.unavailable) context.skip(POSTGRES_BACKEND.unavailable);
    schema = await createTestSchema();
    const direct = new URL(schema.url);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const throughProxy = new URL(schema.url);
    throughProxy.port = String(proxy.port);
    stores = await openPostgresStore(throughProxy.toString());
  });
  afterEach(async () => {
    await Promise.resolve(stores?.close()).catch(() => undefined);
    await proxy?.close();
    await schema?.drop();
    [stores, proxy, schema] = [undefined, undefined, undefined];
  });

  it("says it cannot reach the database while the server is away, as an error users may read", async () => {
    await stores!.approvals.create(approval("r1"));
    await proxy!.cut();

    const error = await stores!.approvals.get("r1").catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BotError);
    expect(error).toMatchObject({ kind: "unavailable", message: expect.stringContaining(DATABASE_UNREACHABLE), hint: expect.stringMatching(/try again in a minute/) });
  });

  it("says so for a request's creation too, which runs on a connection of its own, without the process crashing", async () => {
    await stores!.approvals.create(approval("r1"));
    await proxy!.cut();

    const error = await stores!.approvals.create({ ...approval("r2", "plan-2|vnet-hub"), appKeys: ["/subscriptions/s/sites/a"] }).catch((e: unknown) => e);
    await proxy!.restore();
    const after = await stores!.approvals.create({ ...approval("r3", "plan-3|vnet-hub"), appKeys: ["/subscriptions/s/sites/a"] });

    expect(error).toBeInstanceOf(BotError);
    expect(error).toMatchObject({ kind: "unavailable", message: expect.stringContaining(DATABASE_UNREACHABLE) });
    expect(after).toEqual({ created: true });
  });

  it("works again once the server is back, with what it wrote before, and writes after", async () => {
    await stores!.approvals.create(approval("r1"));
    // Several connections in the pool when the server goes: every one of them breaks.
    await Promise.all([stores!.approvals.get("r1"), stores!.audit.latest(1), stores!.alerts.list("x"), stores!.leases.holding("l", new Date())]);
    await proxy!.cut();
    await stores!.approvals.get("r1").catch(() => undefined);
    await stores!.audit.latest(1).catch(() => undefined);

    await proxy!.restore();
    const before = await stores!.approvals.get("r1");
    await stores!.approvals.create(approval("r2", "plan-2|vnet-hub"));

    expect(before).toMatchObject({ id: "r1", status: "pending" });
    expect((await stores!.approvals.list(["pending"])).map((r) => r.id)).toEqual(["r1", "r2"]);
  });
});

describe("an instance registration whose database restarts", () => {
  let schema: TestSchema | undefined;
  let proxy: TcpProxy | undefined;
  const opened: Stores[] = [];
  beforeEach(async (context) => {
    if (POSTGRES_BACKEND.unavailable) context.skip(POSTGRES_BACKEND.unavailable);
    schema = await createTestSchema();
    const direct = new URL(schema.url);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((stores) => Promise.resolve(stores.close()).catch(() => undefined)));
    await proxy?.close();
    await schema?.drop();
    [proxy, schema] = [undefined, undefined];
  });

  it("takes its name again once the database is back, so a second process of that name is still turned away", async () => {
    const throughProxy = new URL(schema!.url);
    throughProxy.port = String(proxy!.port);
    let retaken!: () => void;
    const back = new Promise<void>((resolve) => (retaken = resolve));
    const replica = await openPostgresStore(throughProxy.toString(), { instanceEvents: { retryMs: 20, onRetaken: () => retaken() } });
    const twin = await openPostgresStore(schema!.url);
    opened.push(replica, twin);
    expect(await replica.instances.register("vnetbot-0")).toBe(true);

    await proxy!.cut();
    await proxy!.restore();
    await back;

    expect(await twin.instances.register("vnetbot-0")).toBe(false);
    expect(await twin.instances.register("vnetbot-1")).toBe(true);
  });

  it("says so when another process took the name while the database was away", async () => {
    const throughProxy = new URL(schema!.url);
    throughProxy.port = String(proxy!.port);
    let heard!: (instance: string) => void;
    const takenByOther = new Promise<string>((resolve) => (heard = resolve));
    const replica = await openPostgresStore(throughProxy.toString(), { instanceEvents: { retryMs: 20, onTakenByOther: (instance) => heard(instance) } });
    const twin = await openPostgresStore(schema!.url);
    opened.push(replica, twin);
    expect(await replica.instances.register("vnetbot-0")).toBe(true);

    await proxy!.cut();
    // The server noticed the dropped connection: the name is free for the twin until the replica can take it again.
    await expect.poll(() => twin.instances.register("vnetbot-0"), { interval: 20 }).toBe(true);
    await proxy!.restore();

    expect(await takenByOther).toBe("vnetbot-0");
  });
});

describe("a PostgreSQL server that accepts connections and never answers", () => {
  it("fails the store's first use after the connection timeout instead of hanging", async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const opened = openPostgresStore(`postgres://vnetbot:secret@127.0.0.1:${port}/vnetbot`, { connectTimeoutMs: 200 });

      await expect(opened).rejects.toThrow(/timeout/i);
    } finally {
      silent.close();
    }
  });
});
