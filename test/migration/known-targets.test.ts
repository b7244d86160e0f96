// The targets an app is known to reach, which the migrate preview checks against NSGs and the move tests again.
import { describe, expect, it } from "vitest";
import { createMigrationRecords, learnFromTcpTest } from "../../src/core/migration/migration-records.ts";
import { openSqliteStore } from "../../src/store/sqlite-store.ts";
import { memoryMigrations } from "../support/memory-migrations.ts";

const APP = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/orders-web";

describe("known targets", () => {
  it("keeps the addresses a name last resolved to when a later test did not look it up, takes new ones when it did, and none when it failed", async () => {
    const records = memoryMigrations({ now: () => new Date("2026-03-01T09:00:00Z") });

    await records.noteTarget(APP, "sql-orders.contoso.internal", 1433, ["10.10.1.4"]);
    await records.noteTarget(APP, "SQL-orders.contoso.internal", 1433);
    const kept = await records.targets(APP);
    await records.noteTarget(APP, "sql-orders.contoso.internal", 1433, ["10.10.1.9"]);
    const moved = await records.targets(APP);
    // A lookup that failed: the name resolves nowhere now.
    await records.noteTarget(APP, "sql-orders.contoso.internal", 1433, []);
    const gone = await records.targets(APP);

    expect(kept).toEqual([expect.objectContaining({ host: "SQL-orders.contoso.internal", port: 1433, addresses: ["10.10.1.4"] })]);
    expect(moved).toEqual([expect.objectContaining({ host: "sql-orders.contoso.internal", addresses: ["10.10.1.9"] })]);
    expect(gone[0]?.addresses).toBeUndefined();
  });

  it("keeps a target the app reached whatever a later test says, and drops one an older vnetbot noted from a failed test", async () => {
    const clock = { now: () => new Date("2026-03-01T09:00:00Z") };
    const store = openSqliteStore(":memory:").alerts;
    const records = createMigrationRecords(store, clock);
    // As an older vnetbot wrote them: every tested target, reached or not, with no word of which.
    const legacy = [{ host: "typo.contoso.internal", port: 443, testedAt: "2026-02-01T09:00:00.000Z" }, { host: "redis.contoso.internal", port: 6380, testedAt: "2026-02-01T09:00:00.000Z" }];
    await store.put(`targets:${APP.toLowerCase()}`, { announced: [], snoozedUntil: undefined, lastResult: JSON.stringify({ format: 1, value: legacy }), updatedAt: clock.now() });
    await learnFromTcpTest(records, APP, { host: "sql-orders.contoso.internal", port: 1433 }, "pass");

    await learnFromTcpTest(records, APP, { host: "SQL-orders.contoso.internal", port: 1433 }, "fail");
    await learnFromTcpTest(records, APP, { host: "typo.contoso.internal", port: 443 }, "fail");
    await learnFromTcpTest(records, APP, { host: "redis.contoso.internal", port: 6380 }, "warn");
    await learnFromTcpTest(records, APP, { host: "never.contoso.internal", port: 80 }, "fail");

    expect((await records.targets(APP)).map((t) => `${t.host}:${t.port}`)).toEqual(["sql-orders.contoso.internal:1433", "redis.contoso.internal:6380"]);
  });
});
