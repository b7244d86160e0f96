import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildInventory, mergeInventories, scanSubscriptions, type Inventory } from "../../src/core/inventory.ts";
import { createGatewayReadingsStore } from "../../src/core/gateway-readings.ts";
import { createInventoryKeeper } from "../../src/core/inventory-keeper.ts";
import { createInventoryStore, findKeptApp, findKeptPlan, keptInventoryLine, parseKeptInventory, serializeKeptInventory } from "../../src/core/kept-inventory.ts";
import { createLocalLocks } from "../../src/core/local-locks.ts";
import { parseResourceRef } from "../../src/core/resolve.ts";
import { openSqliteStore, type Stores } from "../../src/store/sqlite-store.ts";
import { NOW, PRODUCTION, SHARED, demo, startDemo } from "./demo.ts";

let started: Awaited<ReturnType<typeof startDemo>>;
let inventory: Inventory;
beforeAll(async () => {
  started = await startDemo();
  inventory = await buildInventory(started.harness.reader, [PRODUCTION, SHARED]);
});
afterAll(() => started.harness.close());

describe("a kept inventory in the store", () => {
  it("reads back equal to what the scan found, certificate dates as dates", () => {
    const text = serializeKeptInventory({ inventory, at: NOW, health: { [demo.gateway("gw-hub").toLowerCase()]: "Available" } });

    const kept = parseKeptInventory(text);

    expect(kept?.inventory).toEqual(inventory);
    expect(kept?.at).toEqual(NOW);
    expect(kept?.inventory.integrations[0]?.connection.certificate?.notAfter).toBeInstanceOf(Date);
    expect(kept?.health).toEqual({ [demo.gateway("gw-hub").toLowerCase()]: "Available" });
  });

  it("parses a row once, and again when another replica writes a new one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vnetbot-kept-"));
    const stores = openSqliteStore(join(dir, "vnetbot.sqlite"));
    try {
      const [here, there] = [createInventoryStore(stores.alerts), createInventoryStore(stores.alerts)];
      await there.put(PRODUCTION, { inventory, at: NOW, health: {} });

      const first = await here.get(PRODUCTION);
      const again = await here.get(PRODUCTION);
      await there.put(PRODUCTION, { inventory: { ...inventory, regionalCount: inventory.regionalCount + 1 }, at: new Date(NOW.getTime() + 60_000), health: {} });
      const after = await here.get(PRODUCTION);

      expect(again).toBe(first);
      expect(after).not.toBe(first);
      expect(after?.inventory.regionalCount).toBe(inventory.regionalCount + 1);
    } finally {
      stores.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("parses the gateway check's readings once, and again when another replica writes newer ones", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vnetbot-readings-"));
    const stores = openSqliteStore(join(dir, "vnetbot.sqlite"));
    try {
      const [here, there] = [createGatewayReadingsStore(stores.alerts), createGatewayReadingsStore(stores.alerts)];
      const gateway = inventory.integrations.find((i) => i.gateway)!.gateway!;
      await there.put({ at: NOW, gateways: { [gateway.id.toLowerCase()]: gateway }, health: {} });

      const first = await here.get();
      const again = await here.get();
      await there.put({ at: new Date(NOW.getTime() + 60_000), gateways: { [gateway.id.toLowerCase()]: "missing" }, health: {} });
      const after = await here.get();
      await there.put({ at: NOW, gateways: {}, health: {} });

      expect(again).toBe(first);
      expect(after?.gateways[gateway.id.toLowerCase()]).toBe("missing");
      // Older readings than those kept are not written over them.
      expect((await here.get())?.gateways[gateway.id.toLowerCase()]).toBe("missing");
    } finally {
      stores.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("ignores a row of another shape, as a newer bot would write", () => {
    expect(parseKeptInventory(JSON.stringify({ format: 99, at: NOW.toISOString(), inventory }))).toBeUndefined();
  });

  it.each([
    { row: "under a minute", ms: 30_000, line: "Inventory as of 09:00 UTC (under a minute ago); `--fresh` reads Azure now." },
    { row: "one minute", ms: 60_000, line: "Inventory as of 09:00 UTC (1 minute ago); `--fresh` reads Azure now." },
    { row: "a quarter of an hour", ms: 14 * 60_000, line: "Inventory as of 09:00 UTC (14 minutes ago); `--fresh` reads Azure now." },
    { row: "three hours", ms: 3 * 3_600_000, line: "Inventory as of 09:00 UTC (3 hours ago); `--fresh` reads Azure now." },
    { row: "more than a day, with the date", ms: 30 * 3_600_000, line: "Inventory as of 2026-03-01 09:00 UTC (30 hours ago); `--fresh` reads Azure now." },
    { row: "days, in days", ms: 119 * 24 * 3_600_000, line: "Inventory as of 2026-03-01 09:00 UTC (119 days ago); `--fresh` reads Azure now." },
  ])("says how old it is after $row", ({ ms, line }) => {
    expect(keptInventoryLine(NOW, new Date(NOW.getTime() + ms))).toBe(line);
  });

  it("tells the time in the configured time zone", () => {
    expect(keptInventoryLine(NOW, NOW, "Europe/Riga")).toBe("Inventory as of 11:00 Europe/Riga (under a minute ago); `--fresh` reads Azure now.");
  });
});

describe("finding what a user names in a kept inventory", () => {
  it.each([
    { row: "a bare name", typed: "orders-web", found: "orders-web" },
    { row: "resource-group/name", typed: "rg-apps/orders-web", found: "orders-web" },
    { row: "app/slot", typed: "orders-api/staging", found: "orders-api/staging" },
    { row: "rg/app/slot", typed: "rg-apps/orders-api/staging", found: "orders-api/staging" },
    { row: "a full id", typed: demo.app("orders-web"), found: "orders-web" },
    { row: "an app without gateway-required integration", typed: "linux-api", found: undefined },
    { row: "an app of another resource group", typed: "rg-other/orders-web", found: undefined },
  ])("finds $row", ({ typed, found }) => {
    expect(findKeptApp(inventory, parseResourceRef("app", typed))?.app.name).toBe(found);
  });

  it("finds a plan with its integrations, and no plan the inventory has no integration of", () => {
    expect(findKeptPlan(inventory, parseResourceRef("plan", "plan-platform"))?.integrations.map((i) => i.vnetName)).toEqual(["vnet-data", "vnet-finance", "vnet-hr", "vnet-legacy", "vnet-ops"]);
    expect(findKeptPlan(inventory, parseResourceRef("plan", "plan-linux"))).toBeUndefined();
  });
});

describe("scanning subscriptions apart", () => {
  it("gives each subscription its own plans' integrations, which together are the whole inventory", async () => {
    const parts = await scanSubscriptions(started.harness.reader, [PRODUCTION, SHARED]);

    expect(mergeInventories([...parts.values()])).toEqual(inventory);
    for (const [subscriptionId, part] of parts) expect(part.integrations.every((i) => i.plan.subscriptionId === subscriptionId)).toBe(true);
  });
});

describe("the inventory keeper", () => {
  let dir: string;
  let stores: Stores;
  const keeperAt = (now: Date) =>
    createInventoryKeeper({ reader: started.harness.reader, store: stores.alerts, subscriptions: [PRODUCTION, SHARED], clock: { now: () => now }, locks: createLocalLocks() });
  const command = () => ({ reader: started.harness.reader, signal: new AbortController().signal });
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "vnetbot-kept-"));
    stores = openSqliteStore(join(dir, "vnetbot.sqlite"));
  });
  afterAll(() => {
    stores.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads live and keeps what it read when nothing is kept, then answers from the store without reading Azure", async () => {
    const keeper = keeperAt(NOW);

    const live = await keeper.read(command(), [PRODUCTION, SHARED]);
    const before = started.sim.requests.length;
    const kept = await createInventoryKeeper({ reader: started.harness.reader, store: stores.alerts, subscriptions: [PRODUCTION], clock: { now: () => new Date(NOW.getTime() + 5 * 60_000) }, locks: createLocalLocks() }).read(command(), [PRODUCTION, SHARED]);

    expect(live.keptAt).toBeUndefined();
    expect(live.keptNote).toBeUndefined();
    expect(kept.inventory).toEqual(live.inventory);
    expect(kept.keptAt).toEqual(NOW);
    expect(kept.keptNote).toBe("Inventory as of 09:00 UTC (5 minutes ago); `--fresh` reads Azure now.");
    expect(kept.health.get(demo.gateway("gw-hub").toLowerCase())).toBe("Available");
    expect(started.sim.requests.length).toBe(before);
  });

  it("leaves alone, at its scheduled time, what was kept shortly before, and reads again what is older", async () => {
    const keeper = keeperAt(NOW);
    await keeper.refresh();

    const before = started.sim.requests.length;
    await keeper.refreshDue(new Date(NOW.getTime() + 30_000));
    const untouched = started.sim.requests.length;
    await keeper.refreshDue(new Date(NOW.getTime() + 15 * 60_000));

    expect(untouched).toBe(before);
    expect(started.sim.requests.length).toBeGreaterThan(untouched);
  });

  it("refreshes after a change only the subscriptions whose kept inventory the change touches", async () => {
    const keeper = keeperAt(NOW);
    await keeper.refresh();
    const before = started.sim.requests.length;

    await keeper.refreshAfterChange({ kind: "disconnect", appId: demo.app("orders-web"), vnetName: "vnet-hub" });

    const listed = started.sim.requests.slice(before).filter((r) => /\/providers\/Microsoft\.Web\/serverfarms$/i.test(r.path)).map((r) => r.path.split("/")[2]);
    expect(listed).toEqual([PRODUCTION]);
  });

  it("keeps nothing of a subscription it could not list, so the last good inventory stays", async () => {
    const keeper = keeperAt(NOW);
    await keeper.refresh();
    const fault = started.sim.faults.add({ method: "GET", path: `/subscriptions/${SHARED}/providers/Microsoft.Web/serverfarms`, status: 403, code: "AuthorizationFailed", message: "no access" });

    try {
      await keeperAt(new Date(NOW.getTime() + 60 * 60_000)).refresh();
    } finally {
      started.sim.faults.remove(fault);
    }

    const kept = await keeperAt(NOW).kept([PRODUCTION, SHARED]);
    expect(kept?.inventory.failures).toEqual([]);
    expect(kept?.keptAt).toEqual(NOW);
  });
});
