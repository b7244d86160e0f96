import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildInventory, type Inventory } from "../../src/core/inventory.ts";
import { gatewayConnectionOf } from "../../src/core/connections.ts";
import { resolveApp } from "../../src/core/resolve.ts";
import { startAzureHarness } from "../support/azure-harness.ts";
import { NOW, PRODUCTION, SHARED, demo, startDemo } from "./demo.ts";

/** How many app connection lists the demo's scan reads when plans list no regional entries. */
const APP_LIST_READS = 14;
const planConnectionList = /\/serverfarms\/([^/]+)\/virtualNetworkConnections$/i;

describe("buildInventory on the demo estate", () => {
  let started: Awaited<ReturnType<typeof startDemo>>;
  let inventory: Inventory;
  beforeAll(async () => {
    started = await startDemo();
    inventory = await buildInventory(started.harness.reader, [PRODUCTION, SHARED]);
  });
  afterAll(() => started.harness.close());

  it("lists every gateway-required (plan, VNet) integration with the plan's apps on it", () => {
    const rows = inventory.integrations.map((i) => `${i.plan.name}|${i.vnetName}|${i.apps.map((a) => a.name).join(",")}`);

    expect(rows).toEqual([
      "plan-basic|vnet-finance|payments-api",
      "plan-erp|vnet-classic-erp|erp-connector",
      "plan-inventory|vnet-inventory|inventory-api",
      "plan-orders|vnet-hub|orders-api,orders-api/staging,orders-web",
      "plan-platform|vnet-data|platform-data",
      "plan-platform|vnet-finance|platform-finance",
      "plan-platform|vnet-hr|platform-hr",
      "plan-platform|vnet-legacy|billing-legacy",
      "plan-platform|vnet-ops|platform-ops",
      "plan-reports|vnet-reports-ne|reports-api",
    ]);
    expect(inventory.failures).toEqual([]);
  });

  it("counts regional integrations without listing them", () => {
    expect(inventory.regionalCount).toBe(1);
  });

  it("reads each candidate plan's VNet connections once and skips Linux, container, Free and Shared plans", () => {
    const reads = started.sim.requests.filter((r) => r.method === "GET" && planConnectionList.test(r.path)).map((r) => planConnectionList.exec(r.path)![1]);

    expect(reads.sort()).toEqual(["plan-basic", "plan-erp", "plan-inventory", "plan-orders", "plan-platform", "plan-reports"]);
    expect(inventory.plansScanned).toBe(6);
  });

  it("shows the gateway, its P2S pool and whether the connection's certificate is on it", () => {
    const hub = inventory.integrations.find((i) => i.vnetName === "vnet-hub")!;
    const lost = inventory.integrations.find((i) => i.plan.name === "plan-platform" && i.vnetName === "vnet-finance")!;

    expect(hub.gateway).toMatchObject({ name: "gw-hub", gatewayType: "Vpn", vpnType: "RouteBased", addressPool: ["172.16.201.0/24"], protocols: ["SSTP"] });
    expect(hub.certOnGateway).toBe(true);
    expect(hub.connection.dnsServers).toEqual(["10.10.0.4", "10.10.0.5"]);
    expect(lost.certOnGateway).toBe(false);
  });

  it("reads a VNet shared by two plans only once", () => {
    const vnetReads = started.sim.requests.filter((r) => r.method === "GET" && r.path.toLowerCase().endsWith("/virtualnetworks/vnet-finance"));

    expect(vnetReads).toHaveLength(1);
  });
});

describe("buildInventory whatever a plan's connection list says of its apps' regional integrations", () => {
  it.each(["no-flag", "flagged", "none"] as const)("lists the same integrations and counts the regional one (planRegionalEntries %s)", async (option) => {
    const started = await startDemo();
    try {
      started.sim.state.options.planRegionalEntries = option;
      const inventory = await buildInventory(started.harness.reader, [PRODUCTION, SHARED]);

      expect(inventory.integrations.map((i) => `${i.plan.name}|${i.vnetName}`)).not.toContain("plan-orders|vnet-spoke");
      expect(inventory.integrations).toHaveLength(10);
      expect(inventory.regionalCount).toBe(1);
      // A regional entry costs no reads of its own.
      const appLists = started.sim.requests.filter((r) => /\/sites\/[^/]+\/virtualNetworkConnections$/i.test(r.path));
      expect(appLists.length).toBe(APP_LIST_READS);
    } finally {
      await started.harness.close();
    }
  });
});

describe("buildInventory when a read fails", () => {
  it("records the plan whose read was refused and still lists the others", async () => {
    const { harness, sim } = await startDemo();
    try {
      sim.faults.add({ method: "GET", path: "/serverfarms/plan-orders/virtualNetworkConnections", status: 403, code: "AuthorizationFailed", message: "no access" });

      const inventory = await buildInventory(harness.reader, [PRODUCTION], { concurrency: 2 });

      expect(inventory.failures.map((f) => f.scope.toLowerCase())).toEqual([demo.plan("plan-orders").toLowerCase()]);
      expect(inventory.integrations.some((i) => i.plan.name === "plan-orders")).toBe(false);
      expect(inventory.integrations).toHaveLength(9);
      expect(inventory.plansScanned).toBe(5);
    } finally {
      await harness.close();
    }
  });
});

describe("buildInventory against ARM's sites, which never say which VNet an app uses", () => {
  let harness: Awaited<ReturnType<typeof startAzureHarness>>;
  beforeAll(async () => {
    harness = await startAzureHarness({ estate: "demo", now: () => NOW });
  });
  afterAll(() => harness.close());

  it("finds which apps use which VNet from their own connection lists, asking only the apps of connected plans", async () => {
    const inventory = await buildInventory(harness.reader, [PRODUCTION, SHARED]);

    const rows = inventory.integrations.map((i) => `${i.plan.name}|${i.vnetName}|${i.apps.map((a) => a.name).join(",")}`);
    expect(rows).toContain("plan-orders|vnet-hub|orders-api,orders-api/staging,orders-web");
    expect(rows).toContain("plan-platform|vnet-legacy|billing-legacy");
    const asked = harness.sim.requests.filter((r) => /\/sites\/[^/]+\/virtualNetworkConnections$/i.test(r.path)).map((r) => r.path.split("/")[8]);
    expect(asked).not.toContain("linux-api");
    expect(asked).not.toContain("free-site");
  });

  it("finds an app's VNet in its connection list, where ARM keeps it", async () => {
    const app = await resolveApp({ reader: harness.reader, subscriptions: [PRODUCTION, SHARED] }, "orders-web");

    expect((await gatewayConnectionOf(harness.reader, app.id))?.name).toBe("vnet-hub");
  });
});
