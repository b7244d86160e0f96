import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EstateSeedInput, RecordedRequest } from "../../src/stand-ins/arm/index.ts";
import { startAzureHarness, type AzureHarness } from "../support/azure-harness.ts";
import { NET, regionalEstate, subnetId, WEB } from "../stand-ins/arm/regional-estate.ts";
import { SUB } from "../stand-ins/arm/test-estate.ts";

let h: AzureHarness;
async function start(options: Partial<EstateSeedInput> = {}): Promise<void> {
  h = await startAzureHarness({ estate: { ...regionalEstate(), ...options } });
}
beforeEach(() => start());
afterEach(() => h.close());

const app = (name: string) => `${WEB}/sites/${name}`;
const slot = (name: string, slotName: string) => `${app(name)}/slots/${slotName}`;

async function requestsOf(act: () => Promise<unknown>): Promise<RecordedRequest[]> {
  const start = h.sim.requests.length;
  await act();
  return h.sim.requests.slice(start);
}
const line = (r: RecordedRequest) => `${r.method} ${r.path}`;

describe("AzureReader: what regional integration needs to know", () => {
  it("maps a subnet with its NSG, route table, delegation and service endpoints", async () => {
    const subnet = await h.reader.getSubnet(subnetId("vnet-apps", "snet-ready"));

    expect(subnet).toEqual({
      id: subnetId("vnet-apps", "snet-ready"),
      name: "snet-ready",
      addressPrefixes: ["10.30.1.0/26"],
      nsgId: `${NET}/networkSecurityGroups/nsg-apps`,
      routeTableId: `${NET}/routeTables/rt-apps`,
      delegations: ["Microsoft.Web/serverFarms"],
      serviceAssociationLinks: [],
      serviceEndpoints: ["Microsoft.Storage"],
      hasServiceEndpointPolicies: false,
      ipConfigurationCount: 0,
    });
  });

  it.each([
    { row: "App Service's link to the plan holding it", subnet: "snet-taken", expected: { serviceAssociationLinks: [{ name: "AppServiceLink", linkedResourceType: "Microsoft.Web/serverfarms", link: `${WEB}/serverfarms/plan-p1` }] } },
    { row: "the NICs using it", subnet: "snet-used", expected: { ipConfigurationCount: 1, delegations: [] } },
    { row: "its service endpoint policies", subnet: "snet-policy", expected: { hasServiceEndpointPolicies: true } },
  ])("maps a subnet with $row", async ({ subnet, expected }) => {
    expect(await h.reader.getSubnet(subnetId("vnet-apps", subnet))).toMatchObject(expected);
  });

  it("reads an app's and a slot's regional integration and whether the scale unit supports one", async () => {
    await h.writer.putRegionalIntegration(slot("app-ready", "staging"), subnetId("vnet-apps", "snet-ready"));

    expect(await h.reader.getRegionalIntegration(app("app-ready"))).toEqual({ subnetId: undefined, swiftSupported: true });
    expect(await h.reader.getRegionalIntegration(slot("app-ready", "staging"))).toEqual({ subnetId: subnetId("vnet-apps", "snet-ready"), swiftSupported: true });
    expect(await h.reader.getRegionalIntegration(app("app-old"))).toEqual({ subnetId: undefined, swiftSupported: false });
  });

  it("reads route-all from config/web for an app and a slot", async () => {
    await h.writer.setRouteAll(slot("app-ready", "staging"), true);

    expect(await h.reader.getRouteAll(app("app-ready"))).toBe(false);
    expect(await h.reader.getRouteAll(slot("app-ready", "staging"))).toBe(true);
  });

  it("says which subnet was not found", async () => {
    const attempt = h.reader.getSubnet(subnetId("vnet-apps", "snet-missing"));

    await expect(attempt).rejects.toMatchObject({ kind: "not-found", message: "Azure could not find subnet vnet-apps/snet-missing." });
  });
});

describe("AzureWriter.delegateSubnet: GET-modify-PUT", () => {
  it("keeps the NSG, route table and service endpoints that a naive PUT drops", async () => {
    const subnets = (await h.clients.network(SUB)).subnets;
    await subnets.createOrUpdate("rg-net", "vnet-apps", "snet-third", { addressPrefix: "10.30.8.0/26", delegations: [{ name: "d", serviceName: "Microsoft.Web/serverFarms" }] }, { updateIntervalInMs: 0 });
    const naive = await h.reader.getSubnet(subnetId("vnet-apps", "snet-third"));

    await h.writer.delegateSubnet(subnetId("vnet-apps", "snet-plain"));

    const careful = await h.reader.getSubnet(subnetId("vnet-apps", "snet-plain"));
    expect(careful).toMatchObject({
      delegations: ["Microsoft.Web/serverFarms"],
      nsgId: `${NET}/networkSecurityGroups/nsg-apps`,
      routeTableId: `${NET}/routeTables/rt-apps`,
      serviceEndpoints: ["Microsoft.Storage", "Microsoft.KeyVault"],
    });
    expect(h.sim.state.vnets.named("vnet-apps").subnets.find((s) => s.name === "snet-plain")?.serviceEndpoints.map((e) => e.locations)).toEqual([["westeurope"], ["*"]]);
    expect(naive).toMatchObject({ nsgId: undefined, routeTableId: undefined, serviceEndpoints: [] });
  });

  it("GETs, PUTs and polls the operation at the subscription-scoped URL, then reads the subnet back", async () => {
    const requests = await requestsOf(() => h.writer.delegateSubnet(subnetId("vnet-apps", "snet-plain")));

    expect(requests.map(line)).toEqual([
      `GET ${subnetId("vnet-apps", "snet-plain")}`,
      `PUT ${subnetId("vnet-apps", "snet-plain")}`,
      expect.stringMatching(new RegExp(`^GET /subscriptions/${SUB}/providers/Microsoft\\.Network/locations/westeurope/operations/[0-9a-f-]+$`)),
      `GET ${subnetId("vnet-apps", "snet-plain")}`,
    ]);
    expect(requests[1]?.body).toMatchObject({ properties: { delegations: [{ name: "Microsoft.Web.serverFarms", properties: { serviceName: "Microsoft.Web/serverFarms" } }] } });
  });

  it("sends nothing when the subnet is already delegated, and creates a missing one given its range", async () => {
    const already = await requestsOf(() => h.writer.delegateSubnet(subnetId("vnet-apps", "snet-ready")));

    await h.writer.delegateSubnet(subnetId("vnet-apps", "snet-new"), "10.30.30.0/26");

    expect(already.map((r) => r.method)).toEqual(["GET"]);
    expect(await h.reader.getSubnet(subnetId("vnet-apps", "snet-new"))).toMatchObject({ addressPrefixes: ["10.30.30.0/26"], delegations: ["Microsoft.Web/serverFarms"] });
  });

  it("shows Network's refusal of a subnet NICs use", async () => {
    const attempt = h.writer.delegateSubnet(subnetId("vnet-apps", "snet-used"));

    await expect(attempt).rejects.toMatchObject({
      kind: "ineligible",
      message: expect.stringMatching(/^Azure refused this on subnet vnet-apps\/snet-used: Delegations of subnet .* cannot be changed from \[\] to \[Microsoft\.Web\/serverFarms\] because it is being used by the resource /),
    });
  });
});

describe("AzureWriter: regional integration and route-all", () => {
  it("integrates an app with one PUT of networkConfig/virtualNetwork, and removes it with one DELETE", async () => {
    const put = await requestsOf(() => h.writer.putRegionalIntegration(app("app-ready"), subnetId("vnet-apps", "snet-ready")));
    const integrated = h.sim.state.apps.named("app-ready").regionalSubnetId;
    const removed = await requestsOf(() => h.writer.deleteRegionalIntegration(app("app-ready")));

    expect(put.map(line)).toEqual([`PUT ${app("app-ready")}/networkConfig/virtualNetwork`]);
    expect(put[0]?.body).toEqual({ properties: { subnetResourceId: subnetId("vnet-apps", "snet-ready"), swiftSupported: true } });
    expect(integrated).toBe(subnetId("vnet-apps", "snet-ready"));
    expect(removed.map(line)).toEqual([`DELETE ${app("app-ready")}/networkConfig/virtualNetwork`]);
    expect(h.sim.state.apps.named("app-ready")).toMatchObject({ regionalSubnetId: undefined, restarts: 2 });
  });

  it("does the same for a slot on the slot's own paths", async () => {
    const requests = await requestsOf(async () => {
      await h.writer.putRegionalIntegration(slot("app-ready", "staging"), subnetId("vnet-apps", "snet-ready"));
      await h.writer.setRouteAll(slot("app-ready", "staging"), true);
      await h.writer.deleteRegionalIntegration(slot("app-ready", "staging"));
    });

    expect(requests.map(line)).toEqual([
      `PUT ${slot("app-ready", "staging")}/networkConfig/virtualNetwork`,
      `PATCH ${slot("app-ready", "staging")}/config/web`,
      `DELETE ${slot("app-ready", "staging")}/networkConfig/virtualNetwork`,
    ]);
    expect(h.sim.state.apps.named("app-ready/staging").routeAll).toBe(true);
  });

  it("sets route-all with a PATCH of config/web that carries nothing else", async () => {
    const requests = await requestsOf(() => h.writer.setRouteAll(app("app-ready"), true));

    expect(requests[0]?.body).toEqual({ properties: { vnetRouteAllEnabled: true } });
    expect(h.sim.state.apps.named("app-ready").routeAll).toBe(true);
  });

  it.each([
    { row: "a subnet without the delegation", site: "app-ready", subnet: "snet-plain", kind: "ineligible", message: /is missing a delegation to Microsoft\.Web\/serverFarms/ },
    { row: "a subnet in another region", site: "app-ready", subnet: "north", kind: "ineligible", message: /vnet-north is in northeurope/ },
    { row: "an app still on gateway-required integration", site: "app-gw", subnet: "snet-ready", kind: "ineligible", message: /one form of virtual network integration at a time/ },
  ])("refuses $row with Azure's reason", async ({ site, subnet, kind, message }) => {
    const id = subnet === "north" ? `${NET}/virtualNetworks/vnet-north/subnets/snet-north` : subnetId("vnet-apps", subnet);

    const attempt = h.writer.putRegionalIntegration(app(site), id);

    await expect(attempt).rejects.toMatchObject({ kind, message: expect.stringMatching(message) });
  });

  it("says a plan at its limit is ineligible, not busy", async () => {
    await h.writer.putRegionalIntegration(app("app-ready"), subnetId("vnet-apps", "snet-ready"));
    await h.writer.putRegionalIntegration(app("app-two"), subnetId("vnet-apps", "snet-second"));

    const attempt = h.writer.putRegionalIntegration(app("app-three"), subnetId("vnet-apps", "snet-third"));

    await expect(attempt).rejects.toMatchObject({ kind: "ineligible", message: `Azure refused this on app rg-web/app-three: Adding this VNET would exceed the App Service Plan VNET limit of 2.` });
  });

  it("shows App Service's reason the same when it answers in camelCase, which the SDK reads (the tests above: PascalCase)", async () => {
    await h.close();
    await start({ appServiceErrorCasing: "camelCase" });

    const refused = h.writer.putRegionalIntegration(app("app-old"), subnetId("vnet-apps", "snet-ready"));
    const atLimit = (async () => {
      await h.writer.putRegionalIntegration(app("app-ready"), subnetId("vnet-apps", "snet-ready"));
      await h.writer.putRegionalIntegration(app("app-two"), subnetId("vnet-apps", "snet-second"));
      await h.writer.putRegionalIntegration(app("app-three"), subnetId("vnet-apps", "snet-third"));
    })();

    await expect(refused).rejects.toMatchObject({ kind: "ineligible", message: expect.stringMatching(/: Regional VNET Integration is unsupported in this scale unit\./) });
    await expect(atLimit).rejects.toMatchObject({ kind: "ineligible", message: expect.stringMatching(/VNET limit of 2\.$/) });
  });

  it("says a DELETE without an integration found nothing", async () => {
    const attempt = h.writer.deleteRegionalIntegration(app("app-ready"));

    await expect(attempt).rejects.toMatchObject({ kind: "not-found" });
  });
});

describe("App Service hanging on a regional integration", () => {
  it("says App Service did not answer, and why that is known to happen, after the SDK's retries", async () => {
    await h.close();
    await start({ regionalWithGatewayRequired: "gateway-timeout" });

    const attempt = h.writer.putRegionalIntegration(app("app-gw"), subnetId("vnet-apps", "snet-ready"));

    await expect(attempt).rejects.toMatchObject({ kind: "unavailable", hint: expect.stringMatching(/gateway-required integration \(azure-docs#50009\)/) });
    expect(h.sim.requests.filter((r) => r.method === "PUT")).toHaveLength(4);
  }, 30_000);
});
