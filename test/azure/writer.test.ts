import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Secret } from "../../src/core/secret.ts";
import type { RecordedRequest } from "../../src/stand-ins/arm/index.ts";
import { startAzureHarness, type AzureHarness } from "../support/azure-harness.ts";
import { NOW, adapterEstate, at } from "./estate.ts";

let h: AzureHarness;
beforeEach(async () => {
  h = await startAzureHarness({ estate: adapterEstate(), now: () => NOW });
});
afterEach(() => h.close());

/** The requests made by `act`, as "METHOD path" plus the recorded request. */
async function requestsOf(act: () => Promise<unknown>): Promise<RecordedRequest[]> {
  const start = h.sim.requests.length;
  await act();
  return h.sim.requests.slice(start);
}
const line = (r: RecordedRequest) => `${r.method} ${r.path}`;
const UUID = /^[0-9a-f-]{36}$/i;

describe("AzureWriter requests, as Microsoft's documented flows make them", () => {
  it("connects an app with one PUT carrying only the VNet id, and returns the client certificate", async () => {
    let result: Awaited<ReturnType<typeof h.writer.putAppVnetConnection>> | undefined;

    const requests = await requestsOf(async () => (result = await h.writer.putAppVnetConnection(at.app("app-b"), at.vnet("vnet-hub"))));

    expect(requests.map(line)).toEqual([`PUT ${at.app("app-b")}/virtualNetworkConnections/vnet-hub`]);
    expect(requests[0]?.body).toEqual({ properties: { vnetResourceId: at.vnet("vnet-hub") } });
    expect(result?.certBlob.length).toBeGreaterThan(100);
    expect(result?.certThumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(result?.requestIds).toEqual([expect.stringMatching(UUID)]);
  });

  it("adds a root certificate by GET-modify-PUT, keeping the team's own certificate and the P2S settings", async () => {
    const existing = h.sim.state.gateways.named("gw-hub").rootCertificates.map((c) => ({ name: c.name, publicCertData: c.publicCertData }));

    const requests = await requestsOf(() => h.writer.addGatewayRootCertificate(at.gateway("gw-hub"), "AppServiceCertificate-1.cer", "MIIBnewcertdata"));

    const put = requests.find((r) => r.method === "PUT");
    expect(requests.slice(0, 2).map(line)).toEqual([`GET ${at.gateway("gw-hub")}`, `PUT ${at.gateway("gw-hub")}`]);
    const p2s = (put?.body as { properties: { vpnClientConfiguration: Record<string, unknown> } }).properties.vpnClientConfiguration;
    expect(existing.map((c) => c.name)).toContain("TeamVpnUsers");
    expect(p2s["vpnClientRootCertificates"]).toEqual([
      ...existing.map((c) => expect.objectContaining({ name: c.name, properties: { publicCertData: c.publicCertData } })),
      { name: "AppServiceCertificate-1.cer", properties: { publicCertData: "MIIBnewcertdata" } },
    ]);
    expect(p2s["vpnClientAddressPool"]).toEqual({ addressPrefixes: ["172.16.201.0/24"] });
    expect(p2s["vpnClientProtocols"]).toEqual(["SSTP"]);
    expect(h.sim.state.gateways.named("gw-hub").rootCertificates.map((c) => c.name)).toEqual([...existing.map((c) => c.name), "AppServiceCertificate-1.cer"]);
  });

  it("sends no If-Match with the gateway PUT: the spec declares none, so it would protect nothing", async () => {
    const requests = await requestsOf(() => h.writer.addGatewayRootCertificate(at.gateway("gw-hub"), "AppServiceCertificate-2.cer", "MIIBothercertdata"));

    const put = requests.find((r) => r.method === "PUT")!;
    expect(put.headers["if-match"]).toBeUndefined();
  });

  it("removes exactly the named root certificate and sends every other one back", async () => {
    const before = h.sim.state.gateways.named("gw-hub").rootCertificates.map((c) => c.name);
    await h.writer.addGatewayRootCertificate(at.gateway("gw-hub"), "Leaving.cer", "MIIBleavingcertdata");

    await h.writer.removeGatewayRootCertificate(at.gateway("gw-hub"), "MIIBleaving\r\ncertdata");

    expect(h.sim.state.gateways.named("gw-hub").rootCertificates.map((c) => c.name)).toEqual(before);
  });

  it("does not PUT the gateway when the certificate to remove is not among its roots", async () => {
    const requests = await requestsOf(() => h.writer.removeGatewayRootCertificate(at.gateway("gw-hub"), "MIIBnotthere"));

    expect(requests.map(line)).toEqual([`GET ${at.gateway("gw-hub")}`]);
  });

  it("does not PUT the gateway when the certificate is already one of its roots", async () => {
    const team = h.sim.state.gateways.named("gw-hub").rootCertificates[0]!;

    const requests = await requestsOf(() => h.writer.addGatewayRootCertificate(at.gateway("gw-hub"), "Another-name.cer", team.publicCertData));

    expect(requests.map(line)).toEqual([`GET ${at.gateway("gw-hub")}`]);
  });

  it("recognises its certificate on the gateway even when the stored copy is wrapped over lines", async () => {
    const blob = (await h.writer.putAppVnetConnection(at.app("app-b"), at.vnet("vnet-spoke"))).certBlob;
    await h.writer.addGatewayRootCertificate(at.gateway("gw-hub"), "Wrapped.cer", blob.replace(/(.{64})/g, "$1\r\n"));

    const requests = await requestsOf(() => h.writer.addGatewayRootCertificate(at.gateway("gw-hub"), "Again.cer", blob));

    expect(requests.map(line)).toEqual([`GET ${at.gateway("gw-hub")}`]);
  });

  it("generates the package for Amd64 and hands back the URL only as a Secret", async () => {
    let result: Awaited<ReturnType<typeof h.writer.generateVpnPackage>> | undefined;

    const requests = await requestsOf(async () => (result = await h.writer.generateVpnPackage(at.gateway("gw-hub"))));

    expect(line(requests[0]!)).toBe(`POST ${at.gateway("gw-hub")}/generatevpnclientpackage`);
    expect(requests[0]?.body).toEqual({ processorArchitecture: "Amd64" });
    expect(result?.packageUri).toBeInstanceOf(Secret);
    expect(result?.packageUri.reveal()).toMatch(/^https:\/\/[^"]+\.zip\?.*sig=/);
    expect(JSON.stringify(result)).not.toContain("sig=");
    expect(result?.requestIds.length).toBeGreaterThan(0);
  });

  it("gives the app the package through gateways/primary", async () => {
    const uri = "https://pkg.example/vpn.zip?sv=1&sig=SECRET";

    const requests = await requestsOf(() => h.writer.putAppVnetGateway(at.app("app-a"), "vnet-hub", new Secret(uri)));

    expect(requests.map(line)).toEqual([`PUT ${at.app("app-a")}/virtualNetworkConnections/vnet-hub/gateways/primary`]);
    expect(requests[0]?.body).toEqual({ properties: { vnetName: "vnet-hub", vpnPackageUri: uri } });
  });

  it("syncs the plan through the plan-level gateways/primary", async () => {
    const uri = "https://pkg.example/vpn.zip?sv=1&sig=SECRET";

    const requests = await requestsOf(() => h.writer.putPlanVnetGateway(at.plan("plan-std"), "vnet-hub", new Secret(uri)));

    expect(requests.map(line)).toEqual([`PUT ${at.plan("plan-std")}/virtualNetworkConnections/vnet-hub/gateways/primary`]);
    expect(requests[0]?.body).toEqual({ properties: { vnetName: "vnet-hub", vpnPackageUri: uri } });
  });

  it("adds and removes a plan route by name", async () => {
    const route = { name: "peer-spoke", startAddress: "10.20.0.0/16", endAddress: undefined, routeType: "STATIC" };

    const put = await requestsOf(() => h.writer.putPlanRoute(at.plan("plan-std"), "vnet-hub", route));
    const routeNames = () => h.sim.state.routesOf(at.plan("plan-std"), "vnet-hub").map((r) => r.name);
    const added = routeNames();
    const del = await requestsOf(() => h.writer.deletePlanRoute(at.plan("plan-std"), "vnet-hub", "peer-spoke"));

    expect(put.map(line)).toEqual([`PUT ${at.plan("plan-std")}/virtualNetworkConnections/vnet-hub/routes/peer-spoke`]);
    expect(put[0]?.body).toEqual({ properties: { startAddress: "10.20.0.0/16", routeType: "STATIC" } });
    expect(added).toEqual(["onprem", "peer-spoke"]);
    expect(del.map(line)).toEqual([`DELETE ${at.plan("plan-std")}/virtualNetworkConnections/vnet-hub/routes/peer-spoke`]);
    expect(routeNames()).toEqual(["onprem"]);
  });

  it("disconnects an app with one DELETE", async () => {
    const requests = await requestsOf(() => h.writer.deleteAppVnetConnection(at.app("app-a"), "vnet-hub"));

    expect(requests.map(line)).toEqual([`DELETE ${at.app("app-a")}/virtualNetworkConnections/vnet-hub`]);
    expect(h.sim.state.connectionsOf(at.app("app-a"))).toEqual([]);
  });

  it("updates an existing peering's flags by GET-modify-PUT, keeping its remote VNet", async () => {
    const settings = { remoteVnetId: at.vnet("vnet-spoke"), allowVirtualNetworkAccess: true, allowForwardedTraffic: true, allowGatewayTransit: true, useRemoteGateways: false };

    const requests = await requestsOf(() => h.writer.putPeering(at.vnet("vnet-hub"), "hub-to-spoke", settings));

    expect(requests.slice(0, 2).map(line)).toEqual([`GET ${at.vnet("vnet-hub")}/virtualNetworkPeerings/hub-to-spoke`, `PUT ${at.vnet("vnet-hub")}/virtualNetworkPeerings/hub-to-spoke`]);
    expect((requests[1]?.body as { properties: Record<string, unknown> }).properties).toMatchObject({
      remoteVirtualNetwork: { id: at.vnet("vnet-spoke") }, allowVirtualNetworkAccess: true, allowForwardedTraffic: true, allowGatewayTransit: true, useRemoteGateways: false,
    });
  });

  it("creates the remote side of a peering when it does not exist yet", async () => {
    const settings = { remoteVnetId: at.vnet("vnet-hub"), allowVirtualNetworkAccess: true, allowForwardedTraffic: true, allowGatewayTransit: false, useRemoteGateways: true };

    await h.writer.putPeering(at.vnet("vnet-spoke"), "spoke-to-hub", settings);

    const vnet = await h.reader.getVnet(at.vnet("vnet-spoke"));
    expect(vnet.peerings).toEqual([expect.objectContaining({ name: "spoke-to-hub", remoteVnetId: at.vnet("vnet-hub"), useRemoteGateways: true, allowGatewayTransit: false })]);
  });
});
