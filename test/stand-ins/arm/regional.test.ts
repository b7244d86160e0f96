import { WebSiteManagementClient } from "@azure/arm-appservice";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EstateSeedInput } from "../../../src/stand-ins/arm/index.ts";
import { NET, regionalEstate, subnetId, WEB } from "./regional-estate.ts";
import { credential, startTestSimulator, SUB } from "./test-estate.ts";

let t: Awaited<ReturnType<typeof startTestSimulator>>;
async function start(options: Partial<EstateSeedInput> = {}): Promise<void> {
  t = await startTestSimulator({ ...regionalEstate(), ...options });
}
beforeEach(() => start());
afterEach(async () => {
  await t.sim.close();
});

const integrate = (app: string, subnet: string) => t.web.webApps.createOrUpdateSwiftVirtualNetworkConnectionWithCheck("rg-web", app, { subnetResourceId: subnet, swiftSupported: true });
const app = (name: string) => t.sim.state.apps.named(name);

async function privateIp(site: string): Promise<string> {
  const response = await fetch(`${t.sim.url}/kudu/${site}/api/command`, {
    method: "POST",
    headers: { authorization: "Bearer test-token", "content-type": "application/json" },
    body: JSON.stringify({ command: "cmd /c echo %WEBSITE_PRIVATE_IP%", dir: "site\\wwwroot" }),
  });
  return ((await response.json()) as { Output: string }).Output.trim();
}

describe("regional integration through the real WebSiteManagementClient", () => {
  it("answers an app without one with 200, subnetResourceId null and whether its scale unit supports it", async () => {
    const none = await t.web.webApps.getSwiftVirtualNetworkConnection("rg-web", "app-ready");
    const oldStamp = await t.web.webApps.getSwiftVirtualNetworkConnection("rg-web", "app-old");

    expect(none).toMatchObject({ name: "virtualNetwork", subnetResourceId: null, swiftSupported: true });
    expect(oldStamp.swiftSupported).toBe(false);
  });

  it("integrates an app: the site, its connection list, config/web, the subnet's link and the worker's address all show it", async () => {
    const answer = await integrate("app-ready", subnetId("vnet-apps", "snet-ready"));

    const site = await t.web.webApps.get("rg-web", "app-ready");
    const connections = await t.web.webApps.listVnetConnections("rg-web", "app-ready");
    const config = await t.web.webApps.getConfiguration("rg-web", "app-ready");
    const subnet = await t.network.subnets.get("rg-net", "vnet-apps", "snet-ready");
    const guid = (await t.network.virtualNetworks.get("rg-net", "vnet-apps")).resourceGuid;
    expect(answer.subnetResourceId).toBe(subnetId("vnet-apps", "snet-ready"));
    expect(site.virtualNetworkSubnetId).toBe(subnetId("vnet-apps", "snet-ready"));
    expect(connections).toEqual([expect.objectContaining({ name: `${guid}_snet-ready`, vnetResourceId: subnetId("vnet-apps", "snet-ready"), isSwift: true })]);
    expect(config.vnetName).toBe(`${guid}_snet-ready`);
    expect(subnet.serviceAssociationLinks?.map((l) => [l.name, l.link])).toEqual([["AppServiceLink", `${WEB}/serverfarms/plan-std`]]);
    expect(app("app-ready").restarts).toBe(1);
    expect(await privateIp("app-ready")).toBe("10.30.1.4");
  });

  it("integrates a slot on its own path, leaving the production app alone", async () => {
    await t.web.webApps.createOrUpdateSwiftVirtualNetworkConnectionWithCheckSlot("rg-web", "app-ready", "staging", { subnetResourceId: subnetId("vnet-apps", "snet-ready") });

    const slot = await t.web.webApps.getSwiftVirtualNetworkConnectionSlot("rg-web", "app-ready", "staging");
    const production = await t.web.webApps.getSwiftVirtualNetworkConnection("rg-web", "app-ready");
    expect(slot.subnetResourceId).toBe(subnetId("vnet-apps", "snet-ready"));
    expect(production.subnetResourceId).toBeNull();
    expect(t.sim.requests.at(-3)?.path).toBe(`${WEB}/sites/app-ready/slots/staging/networkConfig/virtualNetwork`);
  });

  it("keeps the link while another app of the plan uses the subnet, and drops it with the last one", async () => {
    await integrate("app-ready", subnetId("vnet-apps", "snet-ready"));
    await integrate("app-two", subnetId("vnet-apps", "snet-ready"));

    await t.web.webApps.deleteSwiftVirtualNetwork("rg-web", "app-ready");
    const withOne = await t.network.subnets.get("rg-net", "vnet-apps", "snet-ready");
    await t.web.webApps.deleteSwiftVirtualNetwork("rg-web", "app-two");
    const withNone = await t.network.subnets.get("rg-net", "vnet-apps", "snet-ready");

    expect(withOne.serviceAssociationLinks).toHaveLength(1);
    expect(withNone.serviceAssociationLinks).toBeUndefined();
    expect(app("app-ready")).toMatchObject({ regionalSubnetId: undefined, restarts: 2, privateIp: undefined });
    expect((await t.web.webApps.getSwiftVirtualNetworkConnection("rg-web", "app-ready")).subnetResourceId).toBeNull();
  });

  it("sets route-all with a PATCH of config/web, which a GET of config/web returns", async () => {
    await t.web.webApps.updateConfiguration("rg-web", "app-ready", { vnetRouteAllEnabled: true });
    await t.web.webApps.updateConfigurationSlot("rg-web", "app-ready", "staging", { vnetRouteAllEnabled: true });
    await t.web.webApps.updateConfigurationSlot("rg-web", "app-ready", "staging", { alwaysOn: true });

    expect((await t.web.webApps.getConfiguration("rg-web", "app-ready")).vnetRouteAllEnabled).toBe(true);
    expect((await t.web.webApps.getConfigurationSlot("rg-web", "app-ready", "staging")).vnetRouteAllEnabled).toBe(true);
    expect((await t.web.webApps.getConfiguration("rg-web", "app-two")).vnetRouteAllEnabled).toBe(false);
  });
});

describe("what App Service refuses", () => {
  // These read each refusal's code through the SDK, which reads only camelCase errors.
  beforeEach(() => void (t.sim.state.options.appServiceErrorCasing = "camelCase"));
  it.each([
    { row: "a Free plan", site: "app-free", subnet: "snet-ready", status: 400, message: /not supported in the Free tier/ },
    { row: "a Shared plan", site: "app-shared", subnet: "snet-ready", status: 400, message: /not supported in the Shared tier/ },
    { row: "a Dynamic (Consumption) plan", site: "app-dynamic", subnet: "snet-ready", status: 400, message: /not supported in the Dynamic tier/ },
    { row: "an App Service Environment", site: "app-ase", subnet: "snet-ready", status: 400, message: /App Service Environment/ },
    {
      row: "a scale unit without it",
      site: "app-old",
      subnet: "snet-ready",
      status: 400,
      message: /^Regional VNET Integration is unsupported in this scale unit\. Please see https:\/\/aka\.ms\/app-service-vnet-integration for more information\.$/,
    },
    { row: "an app still on gateway-required integration", site: "app-gw", subnet: "snet-ready", status: 409, message: /gateway-required virtual network integration with vnet-hub/ },
    { row: "a subnet in another region", site: "app-ready", subnet: "north", status: 400, message: /vnet-north is in northeurope but the app app-ready is in westeurope/ },
    {
      row: "a subnet without the delegation",
      site: "app-ready",
      subnet: "snet-plain",
      status: 400,
      message: /^Subnet vnet-apps in VNET snet-plain is missing a delegation to Microsoft\.Web\/serverFarms\. Please add the delegation and try again\.$/,
    },
    { row: "a subnet smaller than /28", site: "app-ready", subnet: "snet-tiny", status: 400, message: /too small .* \/28/ },
    { row: "a subnet with service endpoint policies", site: "app-ready", subnet: "snet-policy", status: 400, message: /service endpoint policies/ },
    { row: "a subnet NICs use", site: "app-ready", subnet: "snet-used", status: 400, message: /in use by .*networkInterfaces/ },
    {
      row: "a subnet another plan holds",
      site: "app-ready",
      subnet: "snet-taken",
      status: 400,
      message: new RegExp(`^Subnet snet-taken in VNET vnet-apps is already occupied by service ${WEB}/serverfarms/plan-p1$`),
    },
    { row: "a classic VNet", site: "app-ready", subnet: "classic", status: 400, message: /^The parameter SubnetResourceUri has an invalid value\.$/ },
    { row: "a subnet that does not exist", site: "app-ready", subnet: "snet-missing", status: 400, message: /SubnetResourceUri has an invalid value/ },
  ])("refuses $row ($status) and changes nothing", async ({ site, subnet, status, message }) => {
    const id =
      subnet === "north" ? `${NET}/virtualNetworks/vnet-north/subnets/snet-north` : subnet === "classic" ? `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.ClassicNetwork/virtualNetworks/vnet-classic/subnets/default` : subnetId("vnet-apps", subnet);

    const attempt = integrate(site, id);

    await expect(attempt).rejects.toMatchObject({ statusCode: status, message: expect.stringMatching(message) });
    expect(app(site)).toMatchObject({ regionalSubnetId: undefined, restarts: 0 });
    expect(t.sim.state.vnets.named("vnet-apps").subnets.find((s) => s.name === "snet-plain")?.delegations).toEqual([]);
  });

  it("lets a site PATCH join a /26 another plan of the subscription holds (multi-plan subnet join), which the networkConfig PUT refuses", async () => {
    const refused = integrate("app-ready", subnetId("vnet-apps", "snet-taken"));
    await expect(refused).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/already occupied by service/) });

    const joined = await t.web.webApps.update("rg-web", "app-ready", { virtualNetworkSubnetId: subnetId("vnet-apps", "snet-taken") });

    expect(joined.virtualNetworkSubnetId).toBe(subnetId("vnet-apps", "snet-taken"));
    expect(app("app-ready")).toMatchObject({ regionalSubnetId: subnetId("vnet-apps", "snet-taken"), restarts: 1 });
    expect(app("app-taken").regionalSubnetId).toBe(subnetId("vnet-apps", "snet-taken"));
  });

  it("refuses a site PATCH into a subnet another plan holds when it is smaller than a /26", async () => {
    const vnet = t.sim.state.vnets.named("vnet-apps");
    vnet.subnets.find((s) => s.name === "snet-taken")!.addressPrefix = "10.30.6.0/27";

    const attempt = t.web.webApps.update("rg-web", "app-ready", { virtualNetworkSubnetId: subnetId("vnet-apps", "snet-taken") });

    await expect(attempt).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/plans share a subnet only when it is a \/26 or larger/) });
    expect(app("app-ready")).toMatchObject({ regionalSubnetId: undefined, restarts: 0 });
  });

  it("refuses a third subnet for a plan that integrates two, with 409 and the plan's limit", async () => {
    await integrate("app-ready", subnetId("vnet-apps", "snet-ready"));
    await integrate("app-two", subnetId("vnet-apps", "snet-second"));

    const attempt = integrate("app-three", subnetId("vnet-apps", "snet-third"));

    await expect(attempt).rejects.toMatchObject({ statusCode: 409, code: "Conflict", message: "Adding this VNET would exceed the App Service Plan VNET limit of 2." });
  });

  it("refuses a second subnet for an app that already has one, and accepts the same one again without a restart", async () => {
    await integrate("app-ready", subnetId("vnet-apps", "snet-ready"));

    await integrate("app-ready", subnetId("vnet-apps", "snet-ready"));
    const attempt = integrate("app-ready", subnetId("vnet-apps", "snet-second"));

    await expect(attempt).rejects.toMatchObject({ statusCode: 409 });
    expect(app("app-ready")).toMatchObject({ regionalSubnetId: subnetId("vnet-apps", "snet-ready"), restarts: 1 });
  });

  it("answers a DELETE without an integration with 404, or 200 with regionalDeleteWithoutIntegration: ok", async () => {
    const strict = t.web.webApps.deleteSwiftVirtualNetwork("rg-web", "app-ready");
    await expect(strict).rejects.toMatchObject({ statusCode: 404 });
    await t.sim.close();
    await start({ regionalDeleteWithoutIntegration: "ok" });

    await t.web.webApps.deleteSwiftVirtualNetwork("rg-web", "app-ready");

    expect(app("app-ready").restarts).toBe(0);
  });
});

describe("estate options for App Service's unknown answers", () => {
  it("delegates the subnet itself with appServiceDelegatesSubnet, keeping its NSG, route table and endpoints", async () => {
    await t.sim.close();
    await start({ appServiceDelegatesSubnet: true });

    await integrate("app-ready", subnetId("vnet-apps", "snet-plain"));
    const subnet = await t.network.subnets.get("rg-net", "vnet-apps", "snet-plain");
    const used = integrate("app-two", subnetId("vnet-apps", "snet-used"));

    expect(subnet.delegations?.map((d) => d.serviceName)).toEqual(["Microsoft.Web/serverFarms"]);
    expect(subnet.networkSecurityGroup?.id).toMatch(/nsg-apps$/);
    expect(subnet.serviceEndpoints).toHaveLength(2);
    await expect(used).rejects.toMatchObject({ statusCode: 400 });
  });

  it("writes App Service's errors in PascalCase by default, which the SDK cannot read", async () => {
    let body: unknown;

    const attempt = t.web.webApps.createOrUpdateSwiftVirtualNetworkConnectionWithCheck(
      "rg-web",
      "app-old",
      { subnetResourceId: subnetId("vnet-apps", "snet-ready") },
      { onResponse: (r) => (body = r.parsedBody) },
    );

    await expect(attempt).rejects.toMatchObject({ statusCode: 400, code: undefined, message: "Unexpected status code: 400" });
    expect(body).toMatchObject({ Code: "BadRequest", Message: expect.stringMatching(/unsupported in this scale unit/), Target: null, Details: expect.any(Array) });
  });

  it("keeps ARM's own errors camelCase under appServiceErrorCasing: PascalCase", async () => {
    t.sim.state.options.appServiceErrorCasing = "PascalCase";

    const attempt = t.web.webApps.getSwiftVirtualNetworkConnection("rg-web", "no-such-app");

    await expect(attempt).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
  });

  it("answers 504 for an app with gateway-required integration under regionalWithGatewayRequired: gateway-timeout", async () => {
    await t.sim.close();
    await start({ regionalWithGatewayRequired: "gateway-timeout" });
    const web = new WebSiteManagementClient(credential, SUB, { endpoint: t.sim.url, retryOptions: { maxRetries: 0 } });

    const attempt = web.webApps.createOrUpdateSwiftVirtualNetworkConnectionWithCheck("rg-web", "app-gw", { subnetResourceId: subnetId("vnet-apps", "snet-ready") });

    await expect(attempt).rejects.toMatchObject({ statusCode: 504, code: "GatewayTimeout" });
  });

  it("holds a Linux plan to one subnet with regionalIntegrationsPerLinuxPlan: 1, and to two by default", async () => {
    await integrate("app-linux", subnetId("vnet-apps", "snet-ready"));
    await integrate("app-linux-two", subnetId("vnet-apps", "snet-second"));
    await t.sim.close();
    await start({ regionalIntegrationsPerLinuxPlan: 1, appServiceErrorCasing: "camelCase" });
    await integrate("app-linux", subnetId("vnet-apps", "snet-ready"));

    const attempt = integrate("app-linux-two", subnetId("vnet-apps", "snet-second"));

    await expect(attempt).rejects.toMatchObject({ statusCode: 409, message: "Adding this VNET would exceed the App Service Plan VNET limit of 1." });
  });
});
