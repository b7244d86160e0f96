// The targets an app is known to reach, which the migrate preview checks against NSGs and the move tests again.
import { describe, expect, it } from "vitest";
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

  it("forgets a target, whatever the case of its name, and leaves the others", async () => {
    const records = memoryMigrations({ now: () => new Date("2026-03-01T09:00:00Z") });
    await records.noteTarget(APP, "sql-orders.contoso.internal", 1433);
    await records.noteTarget(APP, "redis.contoso.internal", 6380);

    await records.forgetTarget(APP, "SQL-orders.contoso.internal", 1433);
    await records.forgetTarget(APP, "nowhere.contoso.internal", 443);

    expect((await records.targets(APP)).map((t) => `${t.host}:${t.port}`)).toEqual(["redis.contoso.internal:6380"]);
  });
});
