// The store's behaviours, held against SQLite and PostgreSQL alike: the bot must not notice which one it runs on.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StepResult } from "../../src/core/changes/types.ts";
import { createMigrationRecords, type MigrationRecord } from "../../src/core/migration/migration-records.ts";
import type { Stores } from "../../src/store/sqlite-store.ts";
import { approval, minutes, T0 } from "./approval-fixture.ts";
import { STORE_BACKENDS, type TestDatabase } from "./store-backends.ts";

describe.each(STORE_BACKENDS)("$name store", (backend) => {
  let database: TestDatabase | undefined;
  let stores: Stores;
  beforeEach(async (context) => {
    if (backend.unavailable) context.skip(backend.unavailable);
    database = await backend.createDatabase();
    stores = await database.open();
  });
  afterEach(async () => {
    await database?.dispose();
    database = undefined;
  });

  describe("schema", () => {
    it("records each schema version once", async () => {
      const second = await database!.open();

      await second.close();

      expect(await database!.schemaVersions()).toEqual([1, 2, 3, 4, 5]);
    });

    it("refuses a database migrated by a newer vnetbot and says what to do", async () => {
      await database!.recordSchemaVersion(99);

      await expect(database!.open()).rejects.toThrow(/has schema version 99, newer than this vnetbot \(5\)\. Upgrade vnetbot or point/);
    });
  });

  describe("approvals", () => {
    it("lets exactly one of many simultaneous decisions win", async () => {
      await stores.approvals.create(approval("r1"));

      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => stores.approvals.decide("r1", "approved", `U${i}`, minutes(1))));

      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await stores.approvals.get("r1")).toMatchObject({ status: "approved", decidedBy: `U${results.indexOf(true)}`, decidedAt: minutes(1) });
    });

    it("refuses a decision after the expiry time even before the sweep ran", async () => {
      await stores.approvals.create(approval("r1"));

      const won = await stores.approvals.decide("r1", "approved", "U1", minutes(30));

      expect(won).toBe(false);
      expect((await stores.approvals.expireDue(minutes(30))).map((r) => [r.id, r.status])).toEqual([["r1", "expired"]]);
    });

    it("refuses a second active request for the same target and returns the first", async () => {
      await stores.approvals.create(approval("r1"));

      const second = await stores.approvals.create(approval("r2"));

      expect(second).toMatchObject({ created: false, existing: { id: "r1", requestedBy: "U0REQ" } });
      expect(await stores.approvals.get("r2")).toBeUndefined();
    });

    it("refuses a second active request for an app, whatever its target, and takes it once the first has ended", async () => {
      const app = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/orders-web";
      await stores.approvals.create({ ...approval("r1", "plan-1|vnet-hub"), appKeys: [app.toLowerCase()] });

      const second = await stores.approvals.create({ ...approval("r2", "plan-1|vnet-spoke"), appKeys: [app.toUpperCase(), "/subscriptions/s/other"] });
      const unrelated = await stores.approvals.create({ ...approval("r3", "plan-2|vnet-hub"), appKeys: ["/subscriptions/s/other"] });
      await stores.approvals.decide("r1", "rejected", "U1", minutes(1));
      const after = await stores.approvals.create({ ...approval("r4", "plan-1|vnet-spoke"), appKeys: [app] });

      expect(second).toMatchObject({ created: false, holds: "app", existing: { id: "r1" } });
      expect(unrelated).toEqual({ created: true });
      // r3 holds "/subscriptions/s/other" now.
      expect(after).toEqual({ created: true });
      expect(await stores.approvals.get("r2")).toBeUndefined();
    });

    it("holds the apps of requests made before apps were recorded, once migrated", async () => {
      const app = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/orders-web";
      await stores.close();
      // Back to version 4, with a pending connect of orders-web written as that version wrote it.
      await database!.execute("DELETE FROM schema_version WHERE version = 5");
      await database!.execute("ALTER TABLE approvals DROP COLUMN app_keys");
      const old = approval("old", "plan-1|vnet-hub");
      const request = JSON.stringify({ kind: "connect", appId: app.replace("orders-web", "Orders-Web"), vnetId: "v" });
      const created = backend.name === "SQLite" ? String(T0.getTime()) : `'${T0.toISOString()}'`;
      const expires = backend.name === "SQLite" ? String(minutes(30).getTime()) : `'${minutes(30).toISOString()}'`;
      await database!.execute(`INSERT INTO approvals (id, status, target_key, request, plan, command_text, requested_by, requested_in, created_at, expires_at)
        VALUES ('old', 'pending', 'plan-1|vnet-hub', '${request}', '${JSON.stringify(old.plan)}', 'connect orders-web vnet-hub', 'U0REQ', 'C0ASK', ${created}, ${expires})`);
      stores = await database!.open();

      const second = await stores.approvals.create({ ...approval("r2", "plan-1|vnet-spoke"), appKeys: [app.toLowerCase()] });

      expect(second).toMatchObject({ created: false, holds: "app", existing: { id: "old" } });
    });

    it("accepts a new request for a target once the previous one is decided", async () => {
      await stores.approvals.create(approval("r1"));
      await stores.approvals.decide("r1", "rejected", "U1", minutes(1));

      expect(await stores.approvals.create(approval("r2"))).toEqual({ created: true });
    });

    it("refuses to reuse a request id", async () => {
      await stores.approvals.create(approval("r1"));
      await stores.approvals.decide("r1", "rejected", "U1", minutes(1));

      await expect(stores.approvals.create(approval("r1", "plan-2|vnet-hub"))).rejects.toThrow("request id r1 is already taken");
    });

    it("keeps the whole request, plan and message as they were created", async () => {
      await stores.approvals.create(approval("r1"));
      await stores.approvals.setMessage("r1", { channel: "C0APPROVE", ts: "1700000000.000100" });

      const record = await stores.approvals.get("r1");

      expect(record).toEqual({
        ...approval("r1"), appKeys: undefined, status: "pending", decidedBy: undefined, decidedAt: undefined, message: { channel: "C0APPROVE", ts: "1700000000.000100" },
        steps: [], failure: undefined, finishedAt: undefined, origin: undefined, owner: undefined, leaseUntil: undefined,
      });
    });

    it("starts an approved change once, keeps its steps, and interrupts it after reopening once its lease has run out", async () => {
      await stores.approvals.create(approval("r1"));
      await stores.approvals.decide("r1", "approved", "U1", minutes(1));
      const starts = await Promise.all([stores.approvals.start("r1", "bot-a", minutes(3)), stores.approvals.start("r1", "bot-b", minutes(3))]);
      const owner = (await stores.approvals.get("r1"))?.owner ?? "";
      await stores.approvals.recordStep("r1", owner, { stepId: "a", description: "A", status: "done", detail: undefined, azureRequestIds: ["x-1"] });
      await stores.close();

      stores = await database!.open();
      const interrupted = await stores.approvals.interruptUnfinished(minutes(3), minutes(1));

      expect(starts.filter(Boolean)).toHaveLength(1);
      expect(interrupted.map((r) => [r.id, r.status, r.steps.map((s) => s.stepId), r.finishedAt])).toEqual([["r1", "interrupted", ["a"], minutes(3)]]);
    });

    it("keeps every step recorded at once, and finishes only a running change", async () => {
      await stores.approvals.create(approval("r1"));
      await stores.approvals.decide("r1", "approved", "U1", minutes(1));
      await stores.approvals.start("r1", "bot-a", minutes(3));
      const stepIds = ["a", "b", "c", "d", "e"];

      await Promise.all(stepIds.map((stepId) => stores.approvals.recordStep("r1", "bot-a", { stepId, description: stepId, status: "done", detail: undefined, azureRequestIds: [] })));
      const first = await stores.approvals.finish("r1", "bot-a", "failed", "gateway busy", minutes(3));
      const second = await stores.approvals.finish("r1", "bot-a", "done", undefined, minutes(4));

      const record = await stores.approvals.get("r1");
      expect([first, second]).toEqual([true, false]);
      expect(record?.steps.map((s) => s.stepId).sort()).toEqual(stepIds);
      expect(record).toMatchObject({ status: "failed", failure: "gateway busy", finishedAt: minutes(3) });
    });

    it("leaves a change another replica runs alone while its lease holds, and interrupts it once the lease is past", async () => {
      const replica = await database!.open();
      await stores.approvals.create(approval("r1"));
      await stores.approvals.decide("r1", "approved", "U1", minutes(1));
      await stores.approvals.start("r1", "bot-a", minutes(3));

      const whileHeld = await replica.approvals.interruptUnfinished(minutes(2), minutes(0));
      const afterLease = await replica.approvals.interruptUnfinished(minutes(3), minutes(1));

      expect(whileHeld).toEqual([]);
      expect(afterLease.map((r) => [r.id, r.status, r.owner])).toEqual([["r1", "interrupted", "bot-a"]]);
    });

    it("keeps a change whose lease was renewed, and refuses renewal, steps and finish to anyone but its owner", async () => {
      await stores.approvals.create(approval("r1"));
      await stores.approvals.decide("r1", "approved", "U1", minutes(1));
      await stores.approvals.start("r1", "bot-a", minutes(3));
      const step: StepResult = { stepId: "a", description: "A", status: "done", detail: undefined, azureRequestIds: [] };

      const renewed = await stores.approvals.renewLease("r1", "bot-a", minutes(5));
      const byOthers = [
        await stores.approvals.renewLease("r1", "bot-b", minutes(9)),
        await stores.approvals.recordStep("r1", "bot-b", step),
        await stores.approvals.finish("r1", "bot-b", "done", undefined, minutes(2)),
      ];

      expect(renewed).toBe(true);
      expect(byOthers).toEqual([false, false, false]);
      expect(await stores.approvals.interruptUnfinished(minutes(4), minutes(2))).toEqual([]);
      expect(await stores.approvals.get("r1")).toMatchObject({ status: "running", steps: [], leaseUntil: minutes(5) });
    });

    it("tells the runner that nothing matched once its change was interrupted", async () => {
      await stores.approvals.create(approval("r1"));
      await stores.approvals.decide("r1", "approved", "U1", minutes(1));
      await stores.approvals.start("r1", "bot-a", minutes(3));
      await stores.approvals.interruptUnfinished(minutes(4), minutes(2));

      const step = await stores.approvals.recordStep("r1", "bot-a", { stepId: "a", description: "A", status: "done", detail: undefined, azureRequestIds: [] });
      const finished = await stores.approvals.finish("r1", "bot-a", "done", undefined, minutes(5));

      expect([step, finished]).toEqual([false, false]);
      expect(await stores.approvals.get("r1")).toMatchObject({ status: "interrupted", steps: [], finishedAt: minutes(4) });
    });

    it("interrupts at once the changes a restarted instance's previous run left, and no other instance's", async () => {
      await stores.approvals.create(approval("mine"));
      await stores.approvals.create(approval("theirs", "plan-2|vnet-hub"));
      for (const id of ["mine", "theirs"]) await stores.approvals.decide(id, "approved", "U1", minutes(1));
      await stores.approvals.start("mine", "replica-a", minutes(3));
      await stores.approvals.start("theirs", "replica-b", minutes(3));

      const atRestart = await stores.approvals.interruptUnfinished(minutes(2), minutes(0), "replica-a");

      expect(atRestart.map((r) => [r.id, r.status])).toEqual([["mine", "interrupted"]]);
      expect((await stores.approvals.get("theirs"))?.status).toBe("running");
    });

    it("interrupts a change left running by a vnetbot from before leases (no owner, no lease) at the next start", async () => {
      await stores.approvals.create(approval("r1"));
      await stores.approvals.decide("r1", "approved", "U1", minutes(1));
      await stores.approvals.start("r1", "bot-a", minutes(3));
      await database!.execute("UPDATE approvals SET owner = NULL, lease_until = NULL");

      const interrupted = await stores.approvals.interruptUnfinished(minutes(2), minutes(0));

      expect(interrupted.map((r) => [r.id, r.status])).toEqual([["r1", "interrupted"]]);
    });

    it("interrupts an approved change nobody started only once it is older than the lease", async () => {
      await stores.approvals.create(approval("r1"));
      await stores.approvals.decide("r1", "approved", "U1", minutes(1));

      const young = await stores.approvals.interruptUnfinished(minutes(2), minutes(0));
      const old = await stores.approvals.interruptUnfinished(minutes(3), minutes(1));

      expect(young).toEqual([]);
      expect(old.map((r) => [r.id, r.status])).toEqual([["r1", "interrupted"]]);
    });

    it("fails an approved change that could not be started, and frees its target", async () => {
      await stores.approvals.create(approval("r1"));
      await stores.approvals.decide("r1", "approved", "U1", minutes(1));

      const abandoned = await stores.approvals.abandon("r1", "it could not be started", minutes(2));

      expect(abandoned).toBe(true);
      expect(await stores.approvals.get("r1")).toMatchObject({ status: "failed", failure: "it could not be started", finishedAt: minutes(2) });
      expect(await stores.approvals.abandon("r1", "again", minutes(3))).toBe(false);
      expect(await stores.approvals.create(approval("r2"))).toEqual({ created: true });
    });

    it("keeps the button a request came from", async () => {
      await stores.approvals.create({ ...approval("r1"), origin: { button: "Fix", source: "/vnet diagnose" } });

      expect((await stores.approvals.get("r1"))?.origin).toEqual({ button: "Fix", source: "/vnet diagnose" });
    });

    it("lists requests by status, oldest first", async () => {
      await stores.approvals.create(approval("late", "t1", minutes(2)));
      await stores.approvals.create(approval("early", "t2", minutes(1)));
      await stores.approvals.create(approval("decided", "t3", minutes(0)));
      await stores.approvals.decide("decided", "rejected", "U1", minutes(3));

      expect((await stores.approvals.list(["pending"])).map((r) => r.id)).toEqual(["early", "late"]);
      expect((await stores.approvals.list(["pending", "rejected"])).map((r) => r.id)).toEqual(["decided", "early", "late"]);
    });
  });

  describe("audit log and alert state", () => {
    it("returns the newest audit records first with their Azure request ids", async () => {
      await stores.audit.append({ at: T0, actor: "U1", action: "request", requestId: "r1", summary: "first", azureRequestIds: [] });
      await stores.audit.append({ at: minutes(1), actor: "vnetbot", action: "step", requestId: undefined, summary: "second", azureRequestIds: ["req-1", "req-2"] });

      const latest = await stores.audit.latest(5);

      expect(latest).toEqual([
        { at: minutes(1), actor: "vnetbot", action: "step", requestId: undefined, summary: "second", azureRequestIds: ["req-1", "req-2"] },
        { at: T0, actor: "U1", action: "request", requestId: "r1", summary: "first", azureRequestIds: [] },
      ]);
    });

    it("keeps alert state per key, replaces it on put and lists by prefix in key order", async () => {
      await stores.alerts.put("cert:app1", { announced: ["6 months"], snoozedUntil: undefined, lastResult: undefined, updatedAt: T0 });
      await stores.alerts.put("cert:app1", { announced: ["6 months", "30 days"], snoozedUntil: minutes(60), lastResult: '{"days":29}', updatedAt: minutes(1) });
      await stores.alerts.put("cert:App0", { announced: [], snoozedUntil: undefined, lastResult: undefined, updatedAt: T0 });
      await stores.alerts.put("gateway:gw1", { announced: [], snoozedUntil: undefined, lastResult: "{}", updatedAt: T0 });

      const certs = await stores.alerts.list("cert:");

      expect(certs).toEqual([
        { key: "cert:App0", state: { announced: [], snoozedUntil: undefined, lastResult: undefined, updatedAt: T0, etag: expect.any(String), claim: undefined } },
        { key: "cert:app1", state: { announced: ["6 months", "30 days"], snoozedUntil: minutes(60), lastResult: '{"days":29}', updatedAt: minutes(1), etag: expect.any(String), claim: undefined } },
      ]);
      expect((await stores.alerts.list()).map((a) => a.key)).toEqual(["cert:App0", "cert:app1", "gateway:gw1"]);
      await stores.alerts.delete("cert:app1");
      expect(await stores.alerts.get("cert:app1")).toBeUndefined();
    });

    it("lets exactly one of twenty writers that read the same state claim its announcement", async () => {
      await stores.alerts.put("gateway:gw1", { announced: [], snoozedUntil: undefined, lastResult: "{}", updatedAt: T0 });
      const read = (await stores.alerts.get("gateway:gw1"))!;

      const claims = await Promise.all(Array.from({ length: 20 }, (_, i) =>
        stores.alerts.swap("gateway:gw1", read, { ...read, lastResult: `{"by":${i}}`, updatedAt: minutes(1) }, { until: minutes(6), previous: read }),
      ));

      const winners = claims.flatMap((claim, i) => (claim ? [i] : []));
      expect(winners).toHaveLength(1);
      expect(await stores.alerts.get("gateway:gw1")).toEqual({
        announced: [], snoozedUntil: undefined, lastResult: `{"by":${winners[0]}}`, updatedAt: minutes(1), etag: expect.any(String),
        claim: { until: minutes(6), previous: { announced: [], snoozedUntil: undefined, lastResult: "{}", updatedAt: T0 } },
      });
    });

    it("lets exactly one of twenty writers create an alert that did not exist", async () => {
      const creations = await Promise.all(Array.from({ length: 20 }, (_, i) =>
        stores.alerts.swap("gateway:gw1", undefined, { announced: ["down"], snoozedUntil: minutes(i), lastResult: "{}", updatedAt: T0 }, { until: minutes(5), previous: undefined }),
      ));

      expect(creations.filter(Boolean)).toHaveLength(1);
      expect((await stores.alerts.get("gateway:gw1"))?.claim).toEqual({ until: minutes(5), previous: undefined });
    });

    it("confirms, deletes and puts back only what was read, and a put drops any claim", async () => {
      const created = await stores.alerts.swap("cert:a", undefined, { announced: ["30 days"], snoozedUntil: undefined, lastResult: undefined, updatedAt: T0 }, { until: minutes(5), previous: undefined });
      const claimed = created ? created.state! : undefined;

      const confirmed = await stores.alerts.swap("cert:a", claimed, { announced: ["30 days"], snoozedUntil: undefined, lastResult: "x", updatedAt: T0 });
      const staleDelete = await stores.alerts.swap("cert:a", claimed, undefined);
      const current = (await stores.alerts.get("cert:a"))!;
      await stores.alerts.put("cert:a", { announced: [], snoozedUntil: undefined, lastResult: undefined, updatedAt: minutes(1) });
      const afterPut = (await stores.alerts.get("cert:a"))!;
      const staleAfterPut = await stores.alerts.swap("cert:a", current, undefined);
      const deleted = await stores.alerts.swap("cert:a", afterPut, undefined);

      expect(confirmed && confirmed.state).toMatchObject({ lastResult: "x", claim: undefined });
      expect([staleDelete, staleAfterPut, deleted]).toEqual([false, false, { state: undefined }]);
      expect(afterPut.etag).not.toBe(current.etag);
      expect(await stores.alerts.get("cert:a")).toBeUndefined();
    });

    it("claims alert state written before version tags existed", async () => {
      await stores.alerts.put("cert:old", { announced: ["6 months"], snoozedUntil: undefined, lastResult: undefined, updatedAt: T0 });
      await database!.execute("UPDATE alert_state SET etag = ''");
      const old = (await stores.alerts.get("cert:old"))!;

      const claimed = await stores.alerts.swap("cert:old", old, { ...old, announced: ["6 months", "90 days"] }, { until: minutes(5), previous: old });

      expect(old.etag).toBe("");
      expect(claimed && claimed.state?.announced).toEqual(["6 months", "90 days"]);
    });

    it("registers an instance name for one live process at a time", async () => {
      const first = await database!.open();
      const second = await database!.open();

      const registered = [await first.instances.register("replica-a"), await second.instances.register("replica-b")];
      const twin = await second.instances.register("replica-a");
      await first.close();
      const afterTheFirstEnded = await second.instances.register("replica-a");

      expect(registered).toEqual([true, true]);
      // SQLite serves one process, so it has no twins to find.
      expect([twin, afterTheFirstEnded]).toEqual([backend.name === "PostgreSQL" ? false : true, true]);
    });

    it("treats a prefix literally", async () => {
      await stores.alerts.put("cert:a_b", { announced: [], snoozedUntil: undefined, lastResult: undefined, updatedAt: T0 });
      await stores.alerts.put("cert:axb", { announced: [], snoozedUntil: undefined, lastResult: undefined, updatedAt: T0 });

      expect((await stores.alerts.list("cert:a_")).map((a) => a.key)).toEqual(["cert:a_b"]);
    });
  });

  describe("migration records", () => {
    const moving = (updatedAt: Date): MigrationRecord => ({
      appId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/orders-web", appName: "orders-web", planId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/serverfarms/plan-orders",
      vnetId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-hub", vnetName: "vnet-hub", routes: [], dnsServers: [], pool: ["172.16.201.0/24"],
      certThumbprint: undefined, certBlob: undefined, subnetId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-apps",
      routeAllBefore: false, status: "moving", requestId: "req1", updatedAt,
    });
    const clock = { now: () => T0 };

    it("closes a record of a deleted app once, however many replicas try", async () => {
      const other = await database!.open();
      const [here, there] = [createMigrationRecords(stores.alerts, clock), createMigrationRecords(other.alerts, clock)];
      await here.put(moving(T0));
      const [seen] = await here.list();

      const results = await Promise.all([here.closeAsDeleted(seen!, minutes(5)), there.closeAsDeleted(seen!, minutes(5))]);

      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
      expect((await there.get(seen!.appId))?.status).toBe("app-deleted");
    });

    it("leaves a record written since it was read: a migration of a new app of that name keeps it", async () => {
      const records = createMigrationRecords(stores.alerts, clock);
      await records.put(moving(T0));
      const [seen] = await records.list();
      await records.put({ ...moving(minutes(2)), requestId: "req2" });

      const closed = await records.closeAsDeleted(seen!, minutes(5));

      expect(closed).toBeUndefined();
      expect(await records.get(seen!.appId)).toMatchObject({ status: "moving", requestId: "req2" });
    });
  });
});
