import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppInfo, PlanInfo } from "../../src/core/model.ts";
import type { SimNsgRule } from "../../src/stand-ins/arm/state.ts";
import { startAzureHarness, type AzureHarness } from "../support/azure-harness.ts";
import { DAY_MS, NOW, PRODUCTION, SHARED, demo } from "../support/demo-estate.ts";

// The reader against the demo estate: what the real SDK clients deserialize from the simulator's wire shapes,
// mapped to the domain model. A mapping slip here shows up as a wrong eligibility verdict or a wrong alert.
let h: AzureHarness;
beforeAll(async () => {
  h = await startAzureHarness({ estate: "demo", now: () => NOW });
});
afterAll(() => h.close());

describe("reading App Service plans", () => {
  let plans: PlanInfo[];
  beforeAll(async () => {
    plans = await h.reader.listPlans(PRODUCTION);
  });

  it.each([
    { row: "Standard Windows plan", name: "plan-orders", skuName: "S1", tier: "Standard", isLinux: false, isWindowsContainer: false, workers: 2 },
    { row: "PremiumV3 Windows plan", name: "plan-platform", skuName: "P1v3", tier: "PremiumV3", isLinux: false, isWindowsContainer: false, workers: 3 },
    { row: "Free plan", name: "plan-free", skuName: "F1", tier: "Free", isLinux: false, isWindowsContainer: false, workers: 1 },
    { row: "Linux plan", name: "plan-linux", skuName: "P1v3", tier: "PremiumV3", isLinux: true, isWindowsContainer: false, workers: 1 },
    { row: "Linux container plan", name: "plan-linux-containers", skuName: "P1v3", tier: "PremiumV3", isLinux: true, isWindowsContainer: false, workers: 1 },
    { row: "Windows container plan", name: "plan-windows-containers", skuName: "P1v3", tier: "PremiumV3", isLinux: false, isWindowsContainer: true, workers: 1 },
  ])("maps a $row (tier, Linux, Windows container, workers)", ({ row: _row, name, ...expected }) => {
    const plan = plans.find((p) => p.name === name);

    expect(plan).toEqual({ id: demo.plan(name), name, resourceGroup: "rg-apps", subscriptionId: PRODUCTION, location: "westeurope", ...expected });
  });

  it("lists every plan of the subscription and none of another", () => {
    expect(plans.map((p) => p.name).sort()).toEqual([
      "plan-basic",
      "plan-erp",
      "plan-free",
      "plan-inventory",
      "plan-linux",
      "plan-linux-containers",
      "plan-orders",
      "plan-platform",
      "plan-reports",
      "plan-shared",
      "plan-windows-containers",
    ]);
  });

  it("reads one plan by id as the listing shows it", async () => {
    const plan = await h.reader.getPlan(demo.plan("plan-basic"));

    expect(plan).toEqual(plans.find((p) => p.name === "plan-basic"));
  });
});

describe("reading web apps", () => {
  let apps: AppInfo[];
  beforeAll(async () => {
    apps = await h.reader.listApps(PRODUCTION);
  });
  const app = (name: string) => apps.find((a) => a.name === name)!;

  it.each([
    { row: "app connected through a gateway", name: "orders-api", plan: "plan-orders", regional: undefined },
    { row: "app not connected yet", name: "orders-worker", plan: "plan-orders", regional: undefined },
    { row: "app with regional integration", name: "catalog-regional", plan: "plan-orders", regional: demo.vnet("vnet-spoke") + "/subnets/snet-integration" },
    { row: "app whose certificate expired", name: "billing-legacy", plan: "plan-platform", regional: undefined },
  ])("maps an $row (regionalSubnetId, planId)", ({ name, plan, regional }) => {
    expect(app(name)).toMatchObject({ id: demo.app(name), planId: demo.plan(plan), regionalSubnetId: regional, slot: undefined, state: "Running" });
    expect(app(name).regionalSubnetId).toBe(regional);
  });

  it.each([
    { row: "Windows app", name: "orders-api", isLinux: false, isWindowsContainer: false },
    { row: "Linux app", name: "linux-api", isLinux: true, isWindowsContainer: false },
    { row: "Linux container app", name: "linux-container-api", isLinux: true, isWindowsContainer: false },
    { row: "Windows container app", name: "windows-container-api", isLinux: false, isWindowsContainer: true },
  ])("tells a $row by its OS and container flags", ({ name, isLinux, isWindowsContainer }) => {
    expect(app(name)).toMatchObject({ isLinux, isWindowsContainer });
  });

  it("finds the app's Kudu (SCM) host among its host names", () => {
    expect(app("orders-api").scmHostName).toBe("orders-api.scm.azurewebsites.net");
  });

  it("reads one app by id as the listing shows it", async () => {
    expect(await h.reader.getApp(demo.app("platform-data"))).toEqual(app("platform-data"));
  });
});

describe("reading VNet connections", () => {
  it("parses an app connection's client certificate so that its thumbprint equals Azure's certThumbprint and its expiry is the estate's", async () => {
    const [connection, ...others] = await h.reader.listAppVnetConnections(demo.app("payments-api"));

    expect(others).toEqual([]);
    expect(connection?.certificate?.thumbprint).toBe(connection?.certThumbprint);
    expect(connection?.certificate?.notAfter).toEqual(new Date(NOW.getTime() + 90 * DAY_MS));
    expect(connection?.certBlob).toBe(h.sim.state.certificateFor(demo.plan("plan-basic"), demo.vnet("vnet-finance"))?.blob);
  });

  it("reads an already expired certificate's date in the past", async () => {
    const [legacy] = await h.reader.listAppVnetConnections(demo.app("billing-legacy"));

    expect(legacy?.certificate?.notAfter).toEqual(new Date(NOW.getTime() - 20 * DAY_MS));
  });

  it("reads a plan's connection without a certificate, as ARM may answer it (the app's carries one)", async () => {
    const [connection] = await h.reader.listPlanVnetConnections(demo.plan("plan-basic"));

    expect(connection).toMatchObject({ name: "vnet-finance", certBlob: undefined, certThumbprint: undefined, certificate: undefined });
  });

  it("maps the plan's routes, the pushed DNS servers as a list and a connection in sync", async () => {
    const connections = await h.reader.listPlanVnetConnections(demo.plan("plan-orders"));

    expect(connections.filter((c) => !c.isRegional)).toHaveLength(1);
    expect(connections[0]).toMatchObject({
      name: "vnet-hub",
      vnetId: demo.vnet("vnet-hub"),
      isRegional: false,
      routes: [{ name: "onprem-datacenter", startAddress: "192.168.0.0/16", endAddress: undefined, routeType: "STATIC" }],
      dnsServers: ["10.10.0.4", "10.10.0.5"],
      resyncRequired: false,
    });
    // catalog-regional's subnet, listed under the plan without isSwift: regional by its subnet id.
    expect(connections[1]).toMatchObject({ vnetId: demo.vnet("vnet-spoke"), isRegional: true });
  });

  it.each([
    { row: "in sync", vnet: "vnet-hr", resyncRequired: false, dnsServers: [] },
    { row: "VNet DNS changed since the last sync", vnet: "vnet-data", resyncRequired: true, dnsServers: ["10.40.0.4"] },
    { row: "gateway lost the certificate", vnet: "vnet-finance", resyncRequired: true, dnsServers: [] },
  ])("flags resyncRequired for a connection that is $row", async ({ vnet, resyncRequired, dnsServers }) => {
    const connections = await h.reader.listPlanVnetConnections(demo.plan("plan-platform"));

    expect(connections.find((c) => c.name === vnet)).toMatchObject({ resyncRequired, dnsServers, routes: [] });
  });

  it("marks an app's regional integration as regional and without a certificate", async () => {
    const connections = await h.reader.listAppVnetConnections(demo.app("catalog-regional"));

    expect(connections).toHaveLength(1);
    expect(connections[0]).toMatchObject({ isRegional: true, certificate: undefined, certThumbprint: undefined, dnsServers: [] });
  });

  it("lists an app's gateway-required connection with the plan's certificate for that VNet, which its slot shares", async () => {
    const [appSide] = await h.reader.listAppVnetConnections(demo.app("orders-web"));
    const [slotSide] = await h.reader.listAppVnetConnections(`${demo.app("orders-api")}/slots/staging`);

    expect(appSide).toMatchObject({ name: "vnet-hub", isRegional: false });
    expect(appSide?.certBlob).toBe(h.sim.state.certificateFor(demo.plan("plan-orders"), demo.vnet("vnet-hub"))?.blob);
    expect(slotSide?.certThumbprint).toBe(appSide?.certThumbprint);
  });

  it("reads an app's slots, each named app/slot and with its own Kudu host", async () => {
    const slots = await h.reader.listSlots(demo.app("orders-api"));

    expect(slots).toMatchObject([{ id: `${demo.app("orders-api")}/slots/staging`, name: "orders-api/staging", slot: "staging", planId: demo.plan("plan-orders"), scmHostName: "orders-api-staging.scm.azurewebsites.net" }]);
    expect(await h.reader.getApp(slots[0]!.id)).toMatchObject({ name: "orders-api/staging", slot: "staging" });
  });
});

describe("reading virtual networks", () => {
  it("finds the gateway through the GatewaySubnet and keeps each subnet's NSG", async () => {
    const vnet = await h.reader.getVnet(demo.vnet("vnet-hub"));

    expect(vnet.gatewayIds).toEqual([demo.gateway("gw-hub")]);
    expect(vnet.dnsServers).toEqual(["10.10.0.4", "10.10.0.5"]);
    expect(vnet.addressSpace).toEqual(["10.10.0.0/16"]);
    const empty = { routeTableId: undefined, delegations: [], serviceAssociationLinks: [], serviceEndpoints: [], hasServiceEndpointPolicies: false };
    expect(vnet.subnets).toEqual([
      { id: `${demo.vnet("vnet-hub")}/subnets/GatewaySubnet`, name: "GatewaySubnet", addressPrefixes: ["10.10.255.0/27"], nsgId: undefined, ...empty, ipConfigurationCount: 1 },
      { id: `${demo.vnet("vnet-hub")}/subnets/snet-data`, name: "snet-data", addressPrefixes: ["10.10.1.0/24"], nsgId: demo.nsg("nsg-data"), ...empty, ipConfigurationCount: 2 },
      { id: `${demo.vnet("vnet-hub")}/subnets/snet-dns`, name: "snet-dns", addressPrefixes: ["10.10.0.0/28"], nsgId: undefined, ...empty, ipConfigurationCount: 2 },
    ]);
  });

  it.each([
    { row: "ExpressRoute and VPN coexisting", vnet: "vnet-coexist", gateways: ["gw-coexist-er", "gw-coexist-vpn"] },
    { row: "no GatewaySubnet", vnet: "vnet-nogateway", gateways: [] },
  ])("lists the gateways of a VNet with $row", async ({ vnet, gateways }) => {
    const info = await h.reader.getVnet(demo.vnet(vnet));

    expect([...info.gatewayIds].sort()).toEqual(gateways.map(demo.gateway));
  });

  it.each([
    {
      row: "the hub side offers gateway transit",
      vnet: "vnet-hub",
      expected: { name: "hub-to-spoke", remoteVnetId: demo.vnet("vnet-spoke"), allowVirtualNetworkAccess: true, allowForwardedTraffic: true, allowGatewayTransit: true, useRemoteGateways: false, remoteAddressSpace: ["10.20.0.0/16"] },
    },
    {
      row: "the spoke side uses the remote gateway",
      vnet: "vnet-spoke",
      expected: { name: "spoke-to-hub", remoteVnetId: demo.vnet("vnet-hub"), allowVirtualNetworkAccess: true, allowForwardedTraffic: true, allowGatewayTransit: false, useRemoteGateways: true, remoteAddressSpace: ["10.10.0.0/16"] },
    },
  ])("maps peering flags where $row", async ({ vnet, expected }) => {
    const info = await h.reader.getVnet(demo.vnet(vnet));

    expect(info.peerings).toEqual([{ id: `${demo.vnet(vnet)}/virtualNetworkPeerings/${expected.name}`, peeringState: "Connected", ...expected }]);
  });

  it("lists the VNets of another subscription on their own", async () => {
    const vnets = await h.reader.listVnets(SHARED);

    expect(vnets.map((v) => [v.name, v.subscriptionId, v.resourceGroup])).toEqual([["vnet-shared", SHARED, "rg-shared"]]);
  });
});

describe("reading gateways", () => {
  it("maps the type, VPN type, SKU, P2S pool, protocols and every root certificate", async () => {
    const gateway = await h.reader.getGateway(demo.gateway("gw-hub"));
    const appServiceCert = h.sim.state.certificateFor(demo.plan("plan-orders"), demo.vnet("vnet-hub"))!;

    expect(gateway).toMatchObject({ name: "gw-hub", gatewayType: "Vpn", vpnType: "RouteBased", skuName: "VpnGw1", provisioningState: "Succeeded" });
    expect(gateway.addressPool).toEqual(["172.16.201.0/24"]);
    expect(gateway.protocols).toEqual(["SSTP"]);
    expect(gateway.rootCertificates.map((c) => c.name)).toEqual(["NetOpsP2SRoot", expect.stringMatching(/^AppServiceCertificate_/)]);
    expect(gateway.rootCertificates[1]?.publicCertData).toBe(appServiceCert.blob);
  });

  it.each([
    { row: "a PolicyBased gateway", name: "gw-policy", expected: { gatewayType: "Vpn", vpnType: "PolicyBased", skuName: "Basic", protocols: [], addressPool: [] } },
    { row: "an ExpressRoute gateway", name: "gw-er", expected: { gatewayType: "ExpressRoute", skuName: "ErGw1AZ", protocols: [], addressPool: [] } },
    { row: "an IKEv2-only gateway", name: "gw-ikev2", expected: { protocols: ["IkeV2"], addressPool: ["172.16.209.0/24"] } },
    { row: "a failed gateway", name: "gw-legacy", expected: { provisioningState: "Failed" } },
  ])("maps $row so that eligibility can refuse it", async ({ name, expected }) => {
    expect(await h.reader.getGateway(demo.gateway(name))).toMatchObject(expected);
  });

  it("lists the gateway's site-to-site connections with their status and their local network gateways", async () => {
    const connections = await h.reader.listGatewayConnections(demo.gateway("gw-hub"));
    const lng = (name: string) => demo.connection(name).replace(/connections\/[^/]+$/, `localNetworkGateways/${name}-lng`);

    expect(connections).toEqual([
      { id: demo.connection("s2s-amsterdam"), name: "s2s-amsterdam", connectionType: "IPsec", connectionStatus: "Connected", localNetworkGatewayId: lng("s2s-amsterdam"), enableBgp: false },
      { id: demo.connection("s2s-dublin"), name: "s2s-dublin", connectionType: "IPsec", connectionStatus: "NotConnected", localNetworkGatewayId: lng("s2s-dublin"), enableBgp: true },
    ]);
  });

  it("reads what a local network gateway announces, and whether BGP may announce more", async () => {
    const [amsterdam, dublin] = await Promise.all((await h.reader.listGatewayConnections(demo.gateway("gw-hub"))).map((c) => h.reader.getLocalNetworkGateway(c.localNetworkGatewayId!)));

    expect(amsterdam).toMatchObject({ name: "s2s-amsterdam-lng", addressPrefixes: ["192.168.0.0/16"], bgp: false });
    expect(dublin).toMatchObject({ name: "s2s-dublin-lng", addressPrefixes: ["172.20.0.0/16"], bgp: true });
  });
});

describe("reading network security groups", () => {
  it("lists the custom rules first, then Azure's six default rules", async () => {
    const nsg = await h.reader.getNsg(demo.nsg("nsg-data"));

    expect(nsg.rules.filter((r) => !r.isDefault)).toEqual([
      { name: "allow-p2s-sql", priority: 200, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePrefixes: ["172.16.201.0/24"], destinationPrefixes: ["*"], destinationPorts: ["1433"], isDefault: false },
      { name: "deny-p2s-redis", priority: 210, direction: "Inbound", access: "Deny", protocol: "Tcp", sourcePrefixes: ["172.16.201.0/24"], destinationPrefixes: ["*"], destinationPorts: ["6380"], isDefault: false },
    ]);
    expect(nsg.rules.filter((r) => r.isDefault).map((r) => `${r.direction} ${r.priority} ${r.access} ${r.name}`)).toEqual([
      "Inbound 65000 Allow AllowVnetInBound",
      "Inbound 65001 Allow AllowAzureLoadBalancerInBound",
      "Inbound 65500 Deny DenyAllInBound",
      "Outbound 65000 Allow AllowVnetOutBound",
      "Outbound 65001 Allow AllowInternetOutBound",
      "Outbound 65500 Deny DenyAllOutBound",
    ]);
  });

  it("merges the plural fields ARM uses for several prefixes or ports with the singular ones", async () => {
    // ARM sends either field: the singular one empty and the plural filled when a rule has several values.
    const rule = {
      name: "allow-web-from-onprem",
      priority: 300,
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      sourceAddressPrefix: "",
      sourceAddressPrefixes: ["192.168.0.0/16", "172.16.201.0/24"],
      destinationAddressPrefix: "10.10.1.0/24",
      destinationPortRange: "",
      destinationPortRanges: ["80", "443"],
    } as SimNsgRule;
    h.sim.state.nsgs.named("nsg-data").rules.push(rule);

    const nsg = await h.reader.getNsg(demo.nsg("nsg-data"));

    h.sim.state.nsgs.named("nsg-data").rules.pop();
    expect(nsg.rules.find((r) => r.name === "allow-web-from-onprem")).toMatchObject({
      sourcePrefixes: ["192.168.0.0/16", "172.16.201.0/24"],
      destinationPrefixes: ["10.10.1.0/24"],
      destinationPorts: ["80", "443"],
    });
  });
});

describe("reading Resource Health", () => {
  it.each([
    { row: "a healthy gateway", id: demo.gateway("gw-hub"), state: "Available" },
    { row: "the failed gateway", id: demo.gateway("gw-legacy"), state: "Unavailable" },
    { row: "a disconnected site-to-site connection", id: demo.connection("s2s-dublin"), state: "Unavailable" },
    { row: "a resource Resource Health does not know", id: demo.gateway("gw-does-not-exist"), state: "Unknown" },
  ])("reports $row as $state", async ({ id, state }) => {
    expect(await h.reader.getResourceHealth(id)).toBe(state);
  });
});
