import { X509Certificate } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NOW, startTestSimulator, SUB } from "./test-estate.ts";

const HUB = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
const SPOKE = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-spoke`;
const DAY_MS = 86_400_000;

let t: Awaited<ReturnType<typeof startTestSimulator>>;
beforeEach(async () => {
  t = await startTestSimulator();
});
afterEach(async () => {
  await t.sim.close();
});

describe("connecting an app by hand, the way the bot does", () => {
  it("runs PUT connection, gateway GET-modify-PUT, package generation and gateways/primary to a synced integration", async () => {
    t.sim.state.options.reconnectCertificate = "replace-within-six-months";
    const connection = await t.web.webApps.createOrUpdateVnetConnection("rg-web", "app-b", "vnet-hub", { vnetResourceId: HUB });
    const gateway = await t.network.virtualNetworkGateways.get("rg-net", "gw-hub");
    const roots = gateway.vpnClientConfiguration!.vpnClientRootCertificates!;
    const alreadyThere = roots.some((r) => r.publicCertData === connection.certBlob);
    roots.push({ name: "AppServiceCertificate_app-b.cer", publicCertData: connection.certBlob! });
    const updated = await t.network.virtualNetworkGateways.createOrUpdate("rg-net", "gw-hub", gateway, { updateIntervalInMs: 0 });
    const { body } = await t.network.virtualNetworkGateways.generatevpnclientpackage("rg-net", "gw-hub", { processorArchitecture: "Amd64" }, { updateIntervalInMs: 0 });
    await t.web.webApps.createOrUpdateVnetConnectionGateway("rg-web", "app-b", "vnet-hub", "primary", { vnetName: "vnet-hub", vpnPackageUri: body });
    const after = await t.web.webApps.getVnetConnection("rg-web", "app-b", "vnet-hub");
    const config = await t.web.webApps.getConfiguration("rg-web", "app-b");

    expect(alreadyThere).toBe(false); // app-a's shared certificate expired within six months, so a new one came
    expect(updated.provisioningState).toBe("Succeeded");
    expect(updated.vpnClientConfiguration?.vpnClientRootCertificates?.map((r) => r.name)).toEqual(["TeamVpnUsers", expect.stringMatching(/^AppServiceCertificate_/), "AppServiceCertificate_app-b.cer"]);
    expect(body).toMatch(/^https:\/\/.+\.zip\?.*sig=/);
    expect(after.resyncRequired).toBe(false);
    expect(config.vnetName).toBe("vnet-hub");
  });

  it("says which VNet an app uses in its connection list and config/web, never in the site itself (as ARM)", async () => {
    const site = await t.web.webApps.get("rg-web", "app-a");
    const listed = [];
    for await (const app of t.web.webApps.list()) listed.push(app);

    expect(site.siteConfig?.vnetName ?? null).toBeNull();
    expect(listed.every((app) => app.siteConfig === undefined || app.siteConfig === null)).toBe(true);
    expect((await t.web.webApps.getConfiguration("rg-web", "app-a")).vnetName).toBe("vnet-hub");
    expect((await t.web.webApps.listVnetConnections("rg-web", "app-a")).map((c) => c.name)).toEqual(["vnet-hub"]);
  });

  it("keeps the plan's certificate when another app connects, by default (whether Azure issues a new one is not documented)", async () => {
    const before = await t.web.webApps.getVnetConnection("rg-web", "app-a", "vnet-hub");

    const joined = await t.web.webApps.createOrUpdateVnetConnection("rg-web", "app-b", "vnet-hub", { vnetResourceId: HUB });

    expect(joined.certThumbprint).toBe(before.certThumbprint);
  });

  it("issues a new certificate on every connect with reconnectCertificate: replace", async () => {
    t.sim.state.options.reconnectCertificate = "replace";
    const before = await t.web.webApps.getVnetConnection("rg-web", "app-a", "vnet-hub");

    const joined = await t.web.webApps.createOrUpdateVnetConnection("rg-web", "app-b", "vnet-hub", { vnetResourceId: HUB });

    expect(joined.certThumbprint).not.toBe(before.certThumbprint);
  });

  it("hands out a real client certificate whose thumbprint and expiry match what ARM reports", async () => {
    const existing = await t.web.webApps.getVnetConnection("rg-web", "app-a", "vnet-hub");

    const cert = new X509Certificate(Buffer.from(existing.certBlob!, "base64"));

    expect(cert.fingerprint.replace(/:/g, "")).toBe(existing.certThumbprint);
    expect(Math.abs(new Date(cert.validTo).getTime() - (NOW.getTime() + 90 * DAY_MS))).toBeLessThan(1000);
  });

  it("issues a fresh eight-year certificate when the shared one expires within six months, with replace-within-six-months", async () => {
    t.sim.state.options.reconnectCertificate = "replace-within-six-months";
    const before = await t.web.webApps.getVnetConnection("rg-web", "app-a", "vnet-hub");

    const renewed = await t.web.webApps.createOrUpdateVnetConnection("rg-web", "app-b", "vnet-hub", { vnetResourceId: HUB });
    const appA = await t.web.webApps.getVnetConnection("rg-web", "app-a", "vnet-hub");

    expect(renewed.certThumbprint).not.toBe(before.certThumbprint);
    const validTo = new Date(new X509Certificate(Buffer.from(renewed.certBlob!, "base64")).validTo);
    expect(validTo.getUTCFullYear()).toBe(NOW.getUTCFullYear() + 8);
    expect(appA.certThumbprint).toBe(renewed.certThumbprint);
    expect(appA.resyncRequired).toBe(true); // the gateway does not know the new certificate yet
  });

  it("loses root certificates when a client PUTs a gateway without reading it first", async () => {
    await t.network.virtualNetworkGateways.createOrUpdate(
      "rg-net",
      "gw-hub",
      { location: "westeurope", gatewayType: "Vpn", vpnType: "RouteBased", vpnClientConfiguration: { vpnClientAddressPool: { addressPrefixes: ["172.16.201.0/24"] }, vpnClientProtocols: ["SSTP"], vpnClientRootCertificates: [] } },
      { updateIntervalInMs: 0 },
    );

    const connection = await t.web.webApps.getVnetConnection("rg-web", "app-a", "vnet-hub");
    expect(t.sim.state.gateways.named("gw-hub").rootCertificates).toEqual([]);
    expect(connection.resyncRequired).toBe(true);
  });

  it("needs a resync after the VNet's DNS changes; by default only the per-app package push clears it", async () => {
    t.sim.state.vnets.named("vnet-hub").dnsServers = ["10.10.0.4", "10.10.0.5"];
    const stale = await t.web.appServicePlans.getVnetFromServerFarm("rg-web", "plan-std", "vnet-hub");

    const { body } = await t.network.virtualNetworkGateways.generatevpnclientpackage("rg-net", "gw-hub", {}, { updateIntervalInMs: 0 });
    await t.web.appServicePlans.updateVnetGateway("rg-web", "plan-std", "vnet-hub", "primary", { vnetName: "vnet-hub", vpnPackageUri: body });
    const afterPlan = await t.web.webApps.getVnetConnection("rg-web", "app-a", "vnet-hub");
    await t.web.webApps.createOrUpdateVnetConnectionGateway("rg-web", "app-a", "vnet-hub", "primary", { vnetName: "vnet-hub", vpnPackageUri: body });
    const afterApp = await t.web.webApps.getVnetConnection("rg-web", "app-a", "vnet-hub");

    expect(stale.resyncRequired).toBe(true);
    expect(afterPlan.resyncRequired).toBe(true);
    expect(afterApp).toMatchObject({ resyncRequired: false, dnsServers: "10.10.0.4,10.10.0.5" });
  });

  it("lets the plan-level package push reach every app with syncScope: plan", async () => {
    t.sim.state.options.syncScope = "plan";
    t.sim.state.vnets.named("vnet-hub").dnsServers = ["10.10.0.4", "10.10.0.5"];

    const { body } = await t.network.virtualNetworkGateways.generatevpnclientpackage("rg-net", "gw-hub", {}, { updateIntervalInMs: 0 });
    await t.web.appServicePlans.updateVnetGateway("rg-web", "plan-std", "vnet-hub", "primary", { vnetName: "vnet-hub", vpnPackageUri: body });

    expect(await t.web.webApps.getVnetConnection("rg-web", "app-a", "vnet-hub")).toMatchObject({ resyncRequired: false, dnsServers: "10.10.0.4,10.10.0.5" });
  });

  it("gives the plan-level connection no certificate by default, and the app's with planConnectionCertBlob", async () => {
    const bare = await t.web.appServicePlans.getVnetFromServerFarm("rg-web", "plan-std", "vnet-hub");
    t.sim.state.options.planConnectionCertBlob = true;
    const full = await t.web.appServicePlans.getVnetFromServerFarm("rg-web", "plan-std", "vnet-hub");
    const app = await t.web.webApps.getVnetConnection("rg-web", "app-a", "vnet-hub");

    expect(bare.certBlob ?? undefined).toBeUndefined();
    expect(full.certBlob).toBe(app.certBlob);
  });

  it("disconnects with a 200, clears siteConfig.vnetName, restarts the app and keeps the plan routes", async () => {
    await t.web.webApps.deleteVnetConnection("rg-web", "app-a", "vnet-hub");

    const config = await t.web.webApps.getConfiguration("rg-web", "app-a");
    const connections = await t.web.webApps.listVnetConnections("rg-web", "app-a");
    const routes = await t.web.appServicePlans.listRoutesForVnet("rg-web", "plan-std", "vnet-hub");
    expect(config.vnetName).toBe("");
    expect(connections).toEqual([]);
    expect(routes.map((r) => r.name)).toEqual(["onprem"]);
    expect(t.sim.state.apps.named("app-a").restarts).toBe(1);
  });

  it("adds, changes and deletes a plan route", async () => {
    await t.web.appServicePlans.createOrUpdateVnetRoute("rg-web", "plan-std", "vnet-hub", "spoke", { startAddress: "10.20.0.0/16", routeType: "STATIC" });
    const added = await t.web.appServicePlans.listRoutesForVnet("rg-web", "plan-std", "vnet-hub");
    await t.web.appServicePlans.deleteVnetRoute("rg-web", "plan-std", "vnet-hub", "spoke");
    const after = await t.web.appServicePlans.listRoutesForVnet("rg-web", "plan-std", "vnet-hub");

    expect(added.map((r) => r.name)).toEqual(["onprem", "spoke"]);
    expect(after.map((r) => r.name)).toEqual(["onprem"]);
  });
});

describe("refusals Azure makes when connecting", () => {
  // These read each refusal's code through the SDK, which reads only camelCase errors (appServiceErrorCasing).
  beforeEach(() => void (t.sim.state.options.appServiceErrorCasing = "camelCase"));
  it.each([
    ["a Linux app", "app-linux", HUB, /not supported for Linux apps/],
    ["an app already on a different gateway VNet", "app-a", SPOKE, /already connected to the virtual network vnet-hub/],
  ])("refuses %s with a 400 and changes nothing", async (_label, app, vnetId, message) => {
    const error = await t.web.webApps.createOrUpdateVnetConnection("rg-web", app, vnetId.split("/").pop()!, { vnetResourceId: vnetId }).catch((e: unknown) => e);

    expect(error).toMatchObject({ statusCode: 400, code: "BadRequest", message: expect.stringMatching(message) });
    expect(await t.web.webApps.listVnetConnections("rg-web", app)).toHaveLength(app === "app-a" ? 1 : 0);
  });

  it("refuses a sixth VNet on a plan", async () => {
    const state = t.sim.state;
    for (const n of [1, 2, 3, 4, 5]) {
      const vnet = { ...state.vnets.named("vnet-spoke"), id: `${SPOKE}${n}`, name: `vnet-spoke${n}`, peerings: [] };
      state.vnets.set(vnet);
      if (n < 5) state.connectionsOf(state.apps.named("app-a").id.replace("app-a", `extra${n}`)).length = 0;
    }
    for (const n of [1, 2, 3, 4]) {
      const app = { ...state.apps.named("app-b"), id: state.apps.named("app-b").id.replace("app-b", `extra${n}`), name: `extra${n}` };
      state.apps.set(app);
      await t.web.webApps.createOrUpdateVnetConnection("rg-web", app.name, `vnet-spoke${n}`, { vnetResourceId: `${SPOKE}${n}` });
    }

    const error = await t.web.webApps.createOrUpdateVnetConnection("rg-web", "app-b", "vnet-spoke5", { vnetResourceId: `${SPOKE}5` }).catch((e: unknown) => e);

    expect(error).toMatchObject({ statusCode: 400, message: expect.stringMatching(/maximum of 5 virtual networks/) });
  });
});
