import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WriteReceipt } from "../../src/core/model.ts";
import { Secret } from "../../src/core/secret.ts";
import { startAzureHarness, type AzureHarness } from "../support/azure-harness.ts";
import { NOW, demo } from "../support/demo-estate.ts";

// What the audit trail and the change runner get back from each write on the demo estate: one Azure request id per
// request the bot sent (LRO status polls and final GETs are the SDK's, not ours), and the package URL only inside a Secret.
let h: AzureHarness;
beforeAll(async () => {
  h = await startAzureHarness({ estate: "demo", now: () => NOW });
});
afterAll(() => h.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isPoll = (path: string) => /\/locations\/[^/]+\/(operations|operationResults)\//i.test(path);

/** The requests the bot itself sent: without the SDK's LRO status polls and its final GET of what a PUT changed. */
function botRequests(requests: readonly { method: string; path: string }[]): string[] {
  const put = requests.find((r) => r.method === "PUT");
  const isFinalGet = (r: { method: string; path: string }, i: number) => put !== undefined && r.method === "GET" && r.path === put.path && i > requests.indexOf(put);
  return requests.filter((r, i) => !isPoll(r.path) && !isFinalGet(r, i)).map((r) => r.method);
}
const URI = new Secret("https://mvnetvpnpkg.blob.core.windows.net/vpnclientpackage/gw-hub/p.zip?sv=2024-08-04&sig=abc");
const ROUTE = { name: "to-spoke", startAddress: "10.20.0.0/16", endAddress: undefined, routeType: "STATIC" };
const PEERING = { remoteVnetId: demo.vnet("vnet-spoke"), allowVirtualNetworkAccess: true, allowForwardedTraffic: true, allowGatewayTransit: true, useRemoteGateways: false };

describe("write receipts", () => {
  // Rows run in order: connect orders-worker, then disconnect it at the end.
  it.each([
    { row: "putAppVnetConnection (PUT)", requests: ["PUT"], call: () => h.writer.putAppVnetConnection(demo.app("orders-worker"), demo.vnet("vnet-hub")) },
    { row: "addGatewayRootCertificate (GET, then PUT)", requests: ["GET", "PUT"], call: () => h.writer.addGatewayRootCertificate(demo.gateway("gw-hub"), "Extra.cer", h.sim.state.gateways.named("gw-ops").rootCertificates[0]!.publicCertData) },
    { row: "addGatewayRootCertificate already there (GET only)", requests: ["GET"], call: () => h.writer.addGatewayRootCertificate(demo.gateway("gw-hub"), "Extra-again.cer", h.sim.state.gateways.named("gw-ops").rootCertificates[0]!.publicCertData) },
    { row: "generateVpnPackage (POST)", requests: ["POST"], call: () => h.writer.generateVpnPackage(demo.gateway("gw-hub")) },
    { row: "putAppVnetGateway (PUT)", requests: ["PUT"], call: () => h.writer.putAppVnetGateway(demo.app("orders-worker"), "vnet-hub", URI) },
    { row: "putPlanVnetGateway (PUT)", requests: ["PUT"], call: () => h.writer.putPlanVnetGateway(demo.plan("plan-orders"), "vnet-hub", URI) },
    { row: "putPlanRoute (PUT)", requests: ["PUT"], call: () => h.writer.putPlanRoute(demo.plan("plan-orders"), "vnet-hub", ROUTE) },
    { row: "deletePlanRoute (DELETE)", requests: ["DELETE"], call: () => h.writer.deletePlanRoute(demo.plan("plan-orders"), "vnet-hub", ROUTE.name) },
    { row: "putPeering (GET, then PUT)", requests: ["GET", "PUT"], call: () => h.writer.putPeering(demo.vnet("vnet-hub"), "hub-to-spoke", PEERING) },
    { row: "deleteAppVnetConnection (DELETE)", requests: ["DELETE"], call: () => h.writer.deleteAppVnetConnection(demo.app("orders-worker"), "vnet-hub") },
  ])("$row carries one distinct x-ms-request-id per request the bot sent", async ({ requests, call }) => {
    const start = h.sim.requests.length;

    const receipt: WriteReceipt = await call();

    expect(botRequests(h.sim.requests.slice(start))).toEqual(requests);
    expect(receipt.requestIds).toHaveLength(requests.length);
    expect(receipt.requestIds.every((id) => UUID.test(id))).toBe(true);
    expect(new Set(receipt.requestIds).size).toBe(requests.length);
  });
});

describe("the VPN package URL", () => {
  it("prints, serializes and inspects as [redacted], and reveals exactly the URL the gateway generated", async () => {
    const { packageUri } = await h.writer.generateVpnPackage(demo.gateway("gw-hr"));

    await h.writer.putAppVnetGateway(demo.app("platform-hr"), "vnet-hr", packageUri);

    expect(String(packageUri)).toBe("[redacted]");
    expect(`${packageUri}`).toBe("[redacted]");
    expect(JSON.stringify({ packageUri })).toBe('{"packageUri":"[redacted]"}');
    expect(inspect({ packageUri })).not.toContain("https://");
    expect(packageUri.reveal()).toMatch(/^https:\/\/mvnetvpnpkg\.blob\.core\.windows\.net\/vpnclientpackage\/gw-hr\/[^"]+\.zip\?.*&sig=/);
    expect(h.sim.state.connectionsOf(demo.app("platform-hr"))[0]?.vpnPackageUri).toBe(packageUri.reveal());
  });
});
