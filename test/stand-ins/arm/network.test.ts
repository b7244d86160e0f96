import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, credential, smallEstate, startTestSimulator, SUB } from "./test-estate.ts";

const HUB = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
const SPOKE = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-spoke`;

let t: Awaited<ReturnType<typeof startTestSimulator>>;
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(async () => {
  await t.sim.close();
});

describe("Microsoft.Network reads and writes through the real NetworkManagementClient", () => {
  it("lists the subscription's VNets with DNS servers, NSG links and peerings", async () => {
    const vnets = await collect(t.network.virtualNetworks.listAll());

    const hub = vnets.find((v) => v.name === "vnet-hub")!;
    expect(vnets.map((v) => v.name).sort()).toEqual(["vnet-hub", "vnet-spoke"]);
    expect(hub.dhcpOptions?.dnsServers).toEqual(["10.10.0.4"]);
    expect(hub.subnets?.find((s) => s.name === "workloads")?.networkSecurityGroup?.id).toMatch(/networkSecurityGroups\/nsg-workloads$/);
    expect(hub.virtualNetworkPeerings?.[0]).toMatchObject({ allowGatewayTransit: true, remoteVirtualNetwork: { id: SPOKE } });
  });

  it("links the GatewaySubnet to the gateway's IP configuration, as the bot's gateway lookup expects", async () => {
    const vnet = await t.network.virtualNetworks.get("rg-net", "vnet-hub");

    const configId = vnet.subnets!.find((s) => s.name === "GatewaySubnet")!.ipConfigurations![0]!.id!;
    const parts = configId.split("/");
    const gateway = await t.network.virtualNetworkGateways.get(parts[4]!, parts[8]!);
    expect(gateway).toMatchObject({ gatewayType: "Vpn", vpnType: "RouteBased", provisioningState: "Succeeded" });
    expect(gateway.vpnClientConfiguration).toMatchObject({ vpnClientAddressPool: { addressPrefixes: ["172.16.201.0/24"] }, vpnClientProtocols: ["SSTP"] });
  });

  it("shows an NSG's custom rules and Azure's default rules", async () => {
    const nsg = await t.network.networkSecurityGroups.get("rg-net", "nsg-workloads");

    expect(nsg.securityRules?.map((r) => [r.name, r.access, r.destinationPortRange])).toEqual([["deny-p2s-sql", "Deny", "1433"]]);
    expect(nsg.defaultSecurityRules?.map((r) => r.name)).toContain("DenyAllInBound");
  });

  it("lists a gateway's site-to-site connections without their status, which a GET of one connection gives, as ARM does", async () => {
    const viaGateway = await collect(t.network.virtualNetworkGateways.listConnections("rg-net", "gw-hub"));
    const inGroup = await collect(t.network.virtualNetworkGatewayConnections.list("rg-net"));
    const direct = await t.network.virtualNetworkGatewayConnections.get("rg-net", "s2s-onprem");

    expect(viaGateway.map((c) => [c.name, c.connectionStatus])).toEqual([["s2s-onprem", undefined]]);
    expect(inGroup.map((c) => [c.name, c.connectionStatus])).toEqual([["s2s-onprem", undefined]]);
    expect(direct).toMatchObject({ connectionType: "IPsec", connectionStatus: "Connected" });
  });

  it("lists the connections' status too with connectionListStatus", async () => {
    t.sim.state.options.connectionListStatus = true;
    try {
      const viaGateway = await collect(t.network.virtualNetworkGateways.listConnections("rg-net", "gw-hub"));

      expect(viaGateway.map((c) => [c.name, c.connectionStatus])).toEqual([["s2s-onprem", "Connected"]]);
    } finally {
      t.sim.state.options.connectionListStatus = false;
    }
  });

  it("creates the remote side of a peering as an LRO, after which both sides are Connected", async () => {
    const created = await t.network.virtualNetworkPeerings.createOrUpdate(
      "rg-net",
      "vnet-spoke",
      "spoke-to-hub",
      { remoteVirtualNetwork: { id: HUB }, allowVirtualNetworkAccess: true, allowForwardedTraffic: true, useRemoteGateways: true },
      { updateIntervalInMs: 0 },
    );
    const hubSide = await t.network.virtualNetworkPeerings.get("rg-net", "vnet-hub", "hub-to-spoke");
    const listed = await collect(t.network.virtualNetworkPeerings.list("rg-net", "vnet-spoke"));

    expect(created).toMatchObject({ useRemoteGateways: true, peeringState: "Connected" });
    expect(hubSide.peeringState).toBe("Connected");
    expect(listed.map((p) => p.name)).toEqual(["spoke-to-hub"]);
    expect(t.sim.requests.some((r) => r.path.includes("/operations/"))).toBe(true);
  });

  it("refuses to peer a VNet with one whose peer overlaps it, as Network does (400 VnetAddressSpaceOverlapsWithAlreadyPeeredVnet)", async () => {
    const seed = smallEstate();
    seed.subscriptions[0]!.resourceGroups!.find((group) => group.name === "rg-net")!.vnets!.push({ name: "vnet-twin", addressSpace: ["10.20.128.0/17"] });
    const own = await startTestSimulator(seed);
    try {
      const attempt = own.network.virtualNetworkPeerings.createOrUpdate(
        "rg-net", "vnet-twin", "twin-to-hub",
        { remoteVirtualNetwork: { id: HUB }, allowVirtualNetworkAccess: true },
        { updateIntervalInMs: 0 },
      );

      await expect(attempt).rejects.toMatchObject({ statusCode: 400, code: "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet", message: expect.stringContaining("already peered with the second virtual network. Overlapping address prefixes: 10.20.128.0/17.") });
      expect((await own.network.virtualNetworks.get("rg-net", "vnet-twin")).virtualNetworkPeerings ?? []).toEqual([]);
    } finally {
      await own.sim.close();
    }
  });

  it("refuses useRemoteGateways towards a VNet without a gateway (400 RemoteVnetHasNoGateways), from a VNet with one, and on a second peering", async () => {
    const seed = smallEstate();
    const net = seed.subscriptions[0]!.resourceGroups!.find((group) => group.name === "rg-net")!;
    net.vnets!.push({ name: "vnet-other", addressSpace: ["10.30.0.0/16"], subnets: [{ name: "GatewaySubnet", addressPrefix: "10.30.255.0/27" }] }, { name: "vnet-bare", addressSpace: ["10.40.0.0/16"] });
    net.gateways!.push({ name: "gw-other", vnet: "vnet-other", addressPool: ["172.16.202.0/24"], protocols: ["IkeV2"] });
    const own = await startTestSimulator(seed);
    const vnet = (name: string) => `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/${name}`;
    const peer = (from: string, name: string, to: string) =>
      own.network.virtualNetworkPeerings.createOrUpdate("rg-net", from, name, { remoteVirtualNetwork: { id: vnet(to) }, allowVirtualNetworkAccess: true, useRemoteGateways: true }, { updateIntervalInMs: 0 });
    try {
      await expect(peer("vnet-hub", "hub-to-bare", "vnet-bare")).rejects.toMatchObject({ statusCode: 400, code: "RemoteVnetHasNoGateways", message: expect.stringContaining("cannot have UseRemoteGateway flag set to true because remote virtual network") });
      await expect(peer("vnet-hub", "hub-to-other", "vnet-other")).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining("has a gateway of its own") });
      await peer("vnet-spoke", "spoke-to-hub", "vnet-hub");
      await expect(peer("vnet-spoke", "spoke-to-other", "vnet-other")).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining("spoke-to-hub of the same virtual network already has it") });
      expect((await own.network.virtualNetworks.get("rg-net", "vnet-spoke")).virtualNetworkPeerings?.map((p) => p.name)).toEqual(["spoke-to-hub"]);
    } finally {
      await own.sim.close();
    }
  });

  it("refuses to peer two VNets whose address spaces overlap, as Network does (400 VnetAddressSpacesOverlap)", async () => {
    const seed = smallEstate();
    seed.subscriptions[0]!.resourceGroups!.find((group) => group.name === "rg-net")!.vnets!.push({ name: "vnet-copy", addressSpace: ["10.10.128.0/17"] });
    const own = await startTestSimulator(seed);
    try {
      const attempt = own.network.virtualNetworkPeerings.createOrUpdate("rg-net", "vnet-copy", "copy-to-hub", { remoteVirtualNetwork: { id: HUB }, allowVirtualNetworkAccess: true }, { updateIntervalInMs: 0 });

      await expect(attempt).rejects.toMatchObject({ statusCode: 400, code: "VnetAddressSpacesOverlap", message: expect.stringContaining("cannot be peered because their address spaces overlap. Overlapping address prefixes: 10.10.128.0/17.") });
      expect((await own.network.virtualNetworks.get("rg-net", "vnet-copy")).virtualNetworkPeerings ?? []).toEqual([]);
    } finally {
      await own.sim.close();
    }
  });

  it("shows the gateway as Updating while its PUT runs, then Succeeded", async () => {
    t.sim.state.lroPolls = 2;
    const gateway = await t.network.virtualNetworkGateways.get("rg-net", "gw-hub");
    const poller = t.network.virtualNetworkGateways.createOrUpdate("rg-net", "gw-hub", gateway, { updateIntervalInMs: 0 });
    await poller.submitted();
    const during = t.sim.state.gateways.named("gw-hub").provisioningState;
    const done = await poller;
    t.sim.state.lroPolls = 1;

    expect(during).toBe("Updating");
    expect(done.provisioningState).toBe("Succeeded");
  });

  it("answers Resource Health with the estate's availability", async () => {
    const gatewayId = t.sim.state.gateways.named("gw-hub").id;
    t.sim.state.setHealth(gatewayId, "Unavailable");
    const { token } = (await credential.getToken("https://management.azure.com/.default"))!;

    const response = await fetch(`${t.sim.url}${gatewayId}/providers/Microsoft.ResourceHealth/availabilityStatuses/current?api-version=2025-04-01`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await response.json()) as { name: string; properties: { availabilityState: string } };
    t.sim.state.setHealth(gatewayId, "Available");

    expect(response.status).toBe(200);
    expect(body).toMatchObject({ name: "current", properties: { availabilityState: "Unavailable" } });
  });
});
