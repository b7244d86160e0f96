import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEstate, startSimulator } from "../../../src/stand-ins/arm/index.ts";
import { testSimulatorTls } from "../../support/simulator-tls.ts";
import { regionalEstate, subnetId, WEB } from "./regional-estate.ts";
import { startTestSimulator, SUB } from "./test-estate.ts";

const CLASSIC = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.ClassicNetwork/virtualNetworks/vnet-classic`;

let t: Awaited<ReturnType<typeof startTestSimulator>>;
beforeAll(async () => {
  t = await startTestSimulator(regionalEstate());
});
afterAll(async () => {
  await t.sim.close();
});

describe("a gateway-required connection to a classic VNet", () => {
  it("shows the Microsoft.ClassicNetwork id in the app's and the plan's connection lists, with a certificate", async () => {
    const [connection] = await t.web.webApps.listVnetConnections("rg-web", "app-classic");
    const plan = await t.web.appServicePlans.listVnets("rg-web", "plan-std");

    expect(connection).toMatchObject({ name: "vnet-classic", vnetResourceId: CLASSIC, isSwift: false, resyncRequired: false });
    expect(connection!.certBlob).toBeTruthy();
    expect(plan.map((c) => c.vnetResourceId)).toContain(CLASSIC);
  });

  it("is no Microsoft.Network resource: a GET of its name answers 404", async () => {
    const attempt = t.network.virtualNetworks.get("rg-net", "vnet-classic");

    await expect(attempt).rejects.toMatchObject({ statusCode: 404 });
  });

  it("can be disconnected like any gateway-required connection", async () => {
    await t.web.webApps.deleteVnetConnection("rg-web", "app-classic", "vnet-classic");

    expect(await t.web.webApps.listVnetConnections("rg-web", "app-classic")).toEqual([]);
  });

  it("refuses a classic VNet that shares its name with a Resource Manager VNet", async () => {
    const seed = regionalEstate();
    seed.subscriptions[0]!.resourceGroups![1]!.classicVnets = [{ name: "vnet-apps", addressSpace: ["10.50.0.0/16"] }];

    const attempt = startSimulator({ estate: parseEstate(seed), tls: testSimulatorTls() });

    await expect(attempt).rejects.toThrow(/classic VNet vnet-apps: a Resource Manager VNet has the same name/);
  });
});

describe("a seeded regional integration", () => {
  it("delegates its subnet and links it to the plan, as App Service would have", () => {
    const taken = t.sim.state.vnets.named("vnet-apps").subnets.find((s) => s.name === "snet-taken")!;

    expect(taken.delegations).toEqual([{ name: "Microsoft.Web.serverFarms", serviceName: "Microsoft.Web/serverFarms" }]);
    expect(t.sim.state.apps.named("app-taken")).toMatchObject({ regionalSubnetId: subnetId("vnet-apps", "snet-taken"), privateIp: "10.30.6.4", planId: `${WEB}/serverfarms/plan-p1` });
  });

  it("refuses a seeded regional integration on a missing subnet, on another plan's /27, or beside a gateway-required one", async () => {
    const seed = regionalEstate();
    // plans share only a /26 or larger (multi-plan subnet join): snet-small, plan-p1's, is a /27.
    seed.subscriptions[0]!.resourceGroups![1]!.vnets!.find((vnet) => vnet.name === "vnet-apps")!.subnets!.push({ name: "snet-small", addressPrefix: "10.30.20.0/27" });
    seed.subscriptions[0]!.resourceGroups![0]!.apps!.push(
      { name: "app-small", plan: "plan-p1", regionalIntegration: { vnet: "vnet-apps", subnet: "snet-small" } },
      { name: "app-lost", plan: "plan-std", regionalIntegration: { vnet: "vnet-apps", subnet: "snet-nowhere" } },
      { name: "app-grab", plan: "plan-std", regionalIntegration: { vnet: "vnet-apps", subnet: "snet-small" } },
      { name: "app-both", plan: "plan-std", vnetConnection: { vnet: "vnet-hub" }, regionalIntegration: { vnet: "vnet-apps", subnet: "snet-ready" } },
    );

    const attempt = startSimulator({ estate: parseEstate(seed), tls: testSimulatorTls() });

    await expect(attempt).rejects.toThrow(
      /app app-lost regionalIntegration: no subnet snet-nowhere[\s\S]*app app-grab regionalIntegration: subnet snet-small is already linked to plan plan-p1[\s\S]*app app-both: give either vnetConnection or regionalIntegration/,
    );
  });
});
