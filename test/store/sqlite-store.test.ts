import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NewApproval } from "../../src/core/approvals/approval-store.ts";
import { SCHEMA_VERSION } from "../../src/store/sqlite-database.ts";
import { openSqliteStore, type Stores } from "../../src/store/sqlite-store.ts";

const T0 = new Date("2026-03-01T09:00:00Z");
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

function approval(id: string, targetKey = "plan-1|vnet-hub"): NewApproval {
  return {
    id,
    request: { kind: "sync", planId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/serverfarms/plan-1", vnetName: "vnet-hub" },
    plan: { request: { kind: "sync", planId: "p", vnetName: "vnet-hub" }, title: "Sync plan-1 with vnet-hub", targetKey, steps: [{ id: "a", description: "A" }], affectedApps: [], restartingApps: [], outage: undefined, warnings: [], fingerprint: "f" },
    commandText: "sync plan-1 vnet-hub",
    requestedBy: "U0REQ",
    requestedIn: "C0ASK",
    createdAt: T0,
    expiresAt: minutes(30),
  };
}

let dir: string;
let path: string;
let stores: Stores;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "vnetbot-store-"));
  path = join(dir, "nested", "vnetbot.sqlite");
  stores = openSqliteStore(path);
});
afterEach(() => {
  stores.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("SQLite approval store", () => {
  it("creates the database folder and records the schema version", () => {
    const db = new DatabaseSync(path);

    const row = db.prepare("SELECT MAX(version) AS v FROM schema_version").get() as { v: number };

    expect(row.v).toBe(SCHEMA_VERSION);
    db.close();
  });

  it("lets exactly one of many simultaneous decisions win", async () => {
    await stores.approvals.create(approval("r1"));

    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => stores.approvals.decide("r1", "approved", `U${i}`, minutes(1))));

    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await stores.approvals.get("r1"))?.status).toBe("approved");
  });

  it("refuses a decision after the expiry time even before the sweep ran", async () => {
    await stores.approvals.create(approval("r1"));

    const won = await stores.approvals.decide("r1", "approved", "U1", minutes(30));

    expect(won).toBe(false);
    expect((await stores.approvals.expireDue(minutes(30))).map((r) => r.id)).toEqual(["r1"]);
  });

  it("refuses a second active request for the same target and returns the first", async () => {
    await stores.approvals.create(approval("r1"));

    const second = await stores.approvals.create(approval("r2"));

    expect(second).toMatchObject({ created: false, existing: { id: "r1", requestedBy: "U0REQ" } });
    expect(await stores.approvals.get("r2")).toBeUndefined();
  });

  it("accepts a new request for a target once the previous one is decided", async () => {
    await stores.approvals.create(approval("r1"));
    await stores.approvals.decide("r1", "rejected", "U1", minutes(1));

    expect(await stores.approvals.create(approval("r2"))).toEqual({ created: true });
  });

  it("starts an approved change once, keeps its steps, and survives reopening the file", async () => {
    await stores.approvals.create(approval("r1"));
    await stores.approvals.decide("r1", "approved", "U1", minutes(1));
    const starts = await Promise.all([stores.approvals.start("r1"), stores.approvals.start("r1")]);
    await stores.approvals.recordStep("r1", { stepId: "a", description: "A", status: "done", detail: undefined, azureRequestIds: ["x-1"] });
    stores.close();

    stores = openSqliteStore(path);
    const interrupted = await stores.approvals.interruptUnfinished(minutes(2));

    expect(starts.filter(Boolean)).toHaveLength(1);
    expect(interrupted.map((r) => [r.id, r.status, r.steps.map((s) => s.stepId)])).toEqual([["r1", "interrupted", ["a"]]]);
  });
});

describe("SQLite audit log and alert state", () => {
  it("returns the newest audit records first with their Azure request ids", async () => {
    await stores.audit.append({ at: T0, actor: "U1", action: "request", requestId: "r1", summary: "first", azureRequestIds: [] });
    await stores.audit.append({ at: minutes(1), actor: "vnetbot", action: "step", requestId: "r1", summary: "second", azureRequestIds: ["req-1", "req-2"] });

    const latest = await stores.audit.latest(1);

    expect(latest).toEqual([{ at: minutes(1), actor: "vnetbot", action: "step", requestId: "r1", summary: "second", azureRequestIds: ["req-1", "req-2"] }]);
  });

  it("keeps alert state per key, replaces it on put and lists by prefix", async () => {
    await stores.alerts.put("cert:app1", { announced: ["6 months"], snoozedUntil: undefined, lastResult: undefined, updatedAt: T0 });
    await stores.alerts.put("cert:app1", { announced: ["6 months", "30 days"], snoozedUntil: minutes(60), lastResult: '{"days":29}', updatedAt: minutes(1) });
    await stores.alerts.put("gateway:gw1", { announced: [], snoozedUntil: undefined, lastResult: "{}", updatedAt: T0 });

    const certs = await stores.alerts.list("cert:");

    expect(certs).toEqual([{ key: "cert:app1", state: { announced: ["6 months", "30 days"], snoozedUntil: minutes(60), lastResult: '{"days":29}', updatedAt: minutes(1) } }]);
    await stores.alerts.delete("cert:app1");
    expect(await stores.alerts.get("cert:app1")).toBeUndefined();
  });
});
