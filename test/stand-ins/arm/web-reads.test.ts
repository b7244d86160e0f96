import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, startTestSimulator } from "./test-estate.ts";

let t: Awaited<ReturnType<typeof startTestSimulator>>;
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(async () => {
  await t.sim.close();
});

describe("Microsoft.Web reads through the real WebSiteManagementClient", () => {
  it("lists every app of the subscription across pages by following nextLink", async () => {
    const apps = await collect(t.web.webApps.list());

    expect(apps.map((a) => a.name).sort()).toEqual(["app-a", "app-b", "app-c", "app-linux"]);
    const listCalls = t.sim.requests.filter((r) => r.path.endsWith("/providers/Microsoft.Web/sites"));
    expect(listCalls.length).toBe(2);
  });

  it("shows plans with their tier and Linux flag as the GetAppServicePlan example does", async () => {
    const linux = await t.web.appServicePlans.get("rg-web", "plan-linux");
    const std = await t.web.appServicePlans.get("rg-web", "plan-std");

    expect(linux).toMatchObject({ reserved: true, sku: { name: "P1v3", tier: "PremiumV3" } });
    expect(std).toMatchObject({ reserved: false, hyperV: false, numberOfSites: 3, sku: { tier: "Standard" } });
  });

  it("reports the gateway-required VNet in siteConfig.vnetName and an empty name when there is none", async () => {
    const connected = await t.web.webApps.getConfiguration("rg-web", "app-a");
    const spare = await t.web.webApps.getConfiguration("rg-web", "app-b");

    expect(connected.vnetName).toBe("vnet-hub");
    expect(spare.vnetName).toBe("");
  });

  it("lists an app's connections as a bare array, regional ones flagged isSwift", async () => {
    const gatewayRequired = await t.web.webApps.listVnetConnections("rg-web", "app-a");
    const regional = await t.web.webApps.listVnetConnections("rg-web", "app-c");

    expect(gatewayRequired).toHaveLength(1);
    expect(gatewayRequired[0]).toMatchObject({ name: "vnet-hub", isSwift: false, resyncRequired: false, dnsServers: "10.10.0.4" });
    expect(gatewayRequired[0]!.routes?.map((r) => r.startAddress)).toEqual(["192.168.50.0/24"]);
    expect(regional).toHaveLength(1);
    expect(regional[0]).toMatchObject({ isSwift: true });
    expect(regional[0]!.vnetResourceId).toMatch(/virtualNetworks\/vnet-spoke\/subnets\/apps$/);
  });

  it("lists the plan's VNets once however many apps share them, and its apps' regional subnet without isSwift", async () => {
    const vnets = await t.web.appServicePlans.listVnets("rg-web", "plan-std");
    const one = await t.web.appServicePlans.getVnetFromServerFarm("rg-web", "plan-std", "vnet-hub");

    expect(vnets.map((v) => [v.name, v.isSwift])).toEqual([["vnet-hub", false], [expect.stringMatching(/^[0-9a-f-]{36}_apps$/), undefined]]);
    expect(vnets[1]!.vnetResourceId).toMatch(/\/virtualNetworks\/vnet-spoke\/subnets\/apps$/);
    expect(one.certThumbprint).toBe(vnets[0]!.certThumbprint);
  });

  it.each([
    ["flagged", [false, true]],
    ["none", [false]],
  ] as const)("lists the regional subnet as planRegionalEntries %s says", async (option, flags) => {
    t.sim.state.options.planRegionalEntries = option;
    try {
      const vnets = await t.web.appServicePlans.listVnets("rg-web", "plan-std");

      expect(vnets.map((v) => v.isSwift)).toEqual(flags);
    } finally {
      t.sim.state.options.planRegionalEntries = "no-flag";
    }
  });

  it("answers plan routes as bare arrays, even for a single route", async () => {
    const all = await t.web.appServicePlans.listRoutesForVnet("rg-web", "plan-std", "vnet-hub");
    const single = await t.web.appServicePlans.getRouteForVnet("rg-web", "plan-std", "vnet-hub", "onprem");

    expect(all.map((r) => r.name)).toEqual(["onprem"]);
    expect(Array.isArray(single)).toBe(true);
    expect(single[0]).toMatchObject({ name: "onprem", startAddress: "192.168.50.0/24", routeType: "STATIC" });
  });

  it("lists a plan's apps and restarts them with the statuses the SDK expects", async () => {
    const apps = await collect(t.web.appServicePlans.listWebApps("rg-web", "plan-std"));
    await t.web.appServicePlans.restartWebApps("rg-web", "plan-std", { softRestart: true });
    await t.web.webApps.restart("rg-web", "app-b");

    expect(apps).toHaveLength(3);
    expect(t.sim.state.apps.named("app-a").restarts).toBe(1);
    expect(t.sim.state.apps.named("app-b").restarts).toBe(2);
  });

  it("answers a missing app with ARM's 404 and an x-ms-request-id", async () => {
    const error = await t.web.webApps.get("rg-web", "nope").catch((e: unknown) => e);

    expect(error).toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
    expect((error as { response?: { headers: { get(n: string): string | undefined } } }).response?.headers.get("x-ms-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
