import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureHarness, type AzureHarness } from "../support/azure-harness.ts";
import { NOW, SUB, adapterEstate, at } from "./estate.ts";

let h: AzureHarness;
beforeAll(async () => {
  h = await startAzureHarness({ estate: adapterEstate(), now: () => NOW });
});
afterAll(() => h.close());

describe("AzureReader over the real SDK clients", () => {
  it("lists plans across pages with tier, Linux and Windows-container flags", async () => {
    const plans = await h.reader.listPlans(SUB);

    expect(plans.map((p) => p.name).sort()).toEqual(["plan-container", "plan-linux", "plan-std"]);
    expect(plans.find((p) => p.name === "plan-std")).toEqual({
      id: at.plan("plan-std"), name: "plan-std", resourceGroup: "rg-web", subscriptionId: SUB, location: "westeurope",
      skuName: "S1", tier: "Standard", isLinux: false, isWindowsContainer: false, workers: 1,
    });
    expect(plans.find((p) => p.name === "plan-linux")).toMatchObject({ isLinux: true, tier: "PremiumV3" });
    expect(plans.find((p) => p.name === "plan-container")).toMatchObject({ isLinux: false, isWindowsContainer: true });
  });

  it("maps an app with its plan, regional subnet and Kudu host", async () => {
    const [a, c] = await Promise.all([h.reader.getApp(at.app("app-a")), h.reader.getApp(at.app("app-c"))]);

    expect(a).toMatchObject({ name: "app-a", resourceGroup: "rg-web", planId: at.plan("plan-std"), isLinux: false, slot: undefined, regionalSubnetId: undefined, scmHostName: "app-a.scm.azurewebsites.net", state: "Running" });
    expect(c.regionalSubnetId).toMatch(/virtualNetworks\/vnet-spoke\/subnets\/apps$/);
  });

  it("reads a plan's VNet connections in one call, with routes and DNS servers", async () => {
    const start = h.sim.requests.length;

    const connections = await h.reader.listPlanVnetConnections(at.plan("plan-std"));

    expect(h.sim.requests.slice(start).map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${at.plan("plan-std")}/virtualNetworkConnections`,
    ]);
    const hub = connections.find((c) => c.name === "vnet-hub");
    expect(hub).toMatchObject({ vnetId: at.vnet("vnet-hub"), isRegional: false, resyncRequired: false, dnsServers: ["10.10.0.4", "10.10.0.5"] });
    expect(hub?.routes).toEqual([{ name: "onprem", startAddress: "192.168.50.0", endAddress: "192.168.50.255", routeType: "STATIC" }]);
  });

  it("reads an app's connection with its parsed certificate", async () => {
    const [hub] = await h.reader.listAppVnetConnections(at.app("app-a"));

    expect(hub?.certificate?.thumbprint).toBe(hub?.certThumbprint);
    expect(hub?.certificate?.notAfter.getTime()).toBe(NOW.getTime() + 200 * 86_400_000);
  });

  it("tells regional entries from gateway-required ones on an app", async () => {
    const [a, c] = await Promise.all([h.reader.listAppVnetConnections(at.app("app-a")), h.reader.listAppVnetConnections(at.app("app-c"))]);

    expect(a.map((x) => [x.name, x.isRegional])).toEqual([["vnet-hub", false]]);
    expect(c).toHaveLength(1);
    expect(c[0]?.isRegional).toBe(true);
    expect(c[0]?.vnetId).toBe(at.vnet("vnet-spoke"));
    expect(c[0]?.certBlob).toBeUndefined();
  });

  it("finds a VNet's gateways through the GatewaySubnet and maps subnets, NSGs and peerings", async () => {
    const vnet = await h.reader.getVnet(at.vnet("vnet-hub"));

    expect(vnet).toMatchObject({ name: "vnet-hub", resourceGroup: "rg-net", addressSpace: ["10.10.0.0/16"], dnsServers: ["10.10.0.4", "10.10.0.5"] });
    expect(vnet.gatewayIds.map((id) => id.toLowerCase())).toEqual([at.gateway("gw-hub").toLowerCase()]);
    expect(vnet.subnets.find((s) => s.name === "workloads")).toMatchObject({ addressPrefixes: ["10.10.1.0/24"], nsgId: expect.stringMatching(/nsg-workloads$/) });
    expect(vnet.peerings).toEqual([
      expect.objectContaining({ name: "hub-to-spoke", remoteVnetId: at.vnet("vnet-spoke"), allowForwardedTraffic: true, allowGatewayTransit: true, useRemoteGateways: false, peeringState: "Connected", remoteAddressSpace: ["10.20.0.0/16"] }),
    ]);
  });

  it("lists every VNet of the subscription", async () => {
    const vnets = await h.reader.listVnets(SUB);

    expect(vnets.map((v) => v.name).sort()).toEqual(["vnet-hub", "vnet-spoke"]);
  });

  it("maps the gateway's type, SKU, P2S pool, protocols and root certificates", async () => {
    const gateway = await h.reader.getGateway(at.gateway("gw-hub"));

    expect(gateway).toMatchObject({ name: "gw-hub", gatewayType: "Vpn", vpnType: "RouteBased", skuName: "VpnGw2", provisioningState: "Succeeded", addressPool: ["172.16.201.0/24"], protocols: ["SSTP"] });
    expect(gateway.rootCertificates.map((c) => c.name)).toContain("TeamVpnUsers");
    expect(gateway.rootCertificates.every((c) => c.publicCertData.length > 100)).toBe(true);
  });

  it("reads Resource Health's availability state", async () => {
    expect(await h.reader.getResourceHealth(at.gateway("gw-hub"))).toBe("Degraded");
  });

  it("merges an NSG's custom and default rules into lists", async () => {
    const nsg = await h.reader.getNsg(at.nsg("nsg-workloads"));

    expect(nsg.rules.find((r) => r.name === "deny-p2s-sql")).toEqual({
      name: "deny-p2s-sql", priority: 200, direction: "Inbound", access: "Deny", protocol: "Tcp",
      sourcePrefixes: ["172.16.201.0/24"], destinationPrefixes: ["*"], destinationPorts: ["1433"], isDefault: false,
    });
    expect(nsg.rules.filter((r) => r.isDefault).length).toBeGreaterThan(0);
  });

  it("lists a gateway's site-to-site connections with their status", async () => {
    const connections = await h.reader.listGatewayConnections(at.gateway("gw-hub"));

    expect(connections).toEqual([expect.objectContaining({ name: "s2s-onprem", connectionType: "IPsec", connectionStatus: "NotConnected" })]);
  });
});
