import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PERMISSIONS, type AzureOperation } from "../../src/azure/permissions.ts";
import { Secret } from "../../src/core/secret.ts";
import { BotError } from "../../src/errors.ts";
import { startAzureHarness, type AzureHarness } from "../support/azure-harness.ts";
import { NOW, demo } from "../support/demo-estate.ts";

// Each operation's failure as a user sees it on the demo estate: a 403 names every RBAC action that operation needs
// (so the admin grants the right one), and nothing is written after a failed read.
let h: AzureHarness;
beforeAll(async () => {
  h = await startAzureHarness({ estate: "demo", now: () => NOW });
});
afterAll(() => h.close());
beforeEach(() => h.sim.faults.clear());

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}
const writesSince = (start: number) => h.sim.requests.slice(start).filter((r) => r.method !== "GET");
const PEERING = { remoteVnetId: demo.vnet("vnet-spoke"), allowVirtualNetworkAccess: true, allowForwardedTraffic: true, allowGatewayTransit: true, useRemoteGateways: false };

describe("a 403 names every action the operation needs", () => {
  it.each<{ row: string; operation: AzureOperation; method: string; path: string; call: () => Promise<unknown> }>([
    { row: "Resource Health (raw ARM client)", operation: "getResourceHealth", method: "GET", path: "/availabilityStatuses/current", call: () => h.reader.getResourceHealth(demo.gateway("gw-hub")) },
    { row: "gateway connections (two actions)", operation: "listGatewayConnections", method: "GET", path: "/virtualNetworkGateways/gw-hub/connections", call: () => h.reader.listGatewayConnections(demo.gateway("gw-hub")) },
    { row: "NSG read", operation: "getNsg", method: "GET", path: "/networkSecurityGroups/nsg-data", call: () => h.reader.getNsg(demo.nsg("nsg-data")) },
    { row: "root certificate refused at the GET", operation: "addGatewayRootCertificate", method: "GET", path: "/virtualNetworkGateways/gw-hub", call: () => h.writer.addGatewayRootCertificate(demo.gateway("gw-hub"), "x.cer", "MIIB") },
    { row: "package generation", operation: "generateVpnPackage", method: "POST", path: "/generatevpnclientpackage", call: () => h.writer.generateVpnPackage(demo.gateway("gw-hub")) },
    { row: "peering refused at the GET (three actions)", operation: "putPeering", method: "GET", path: "/virtualNetworkPeerings/hub-to-spoke", call: () => h.writer.putPeering(demo.vnet("vnet-hub"), "hub-to-spoke", PEERING) },
    { row: "plan sync", operation: "putPlanVnetGateway", method: "PUT", path: "/gateways/primary", call: () => h.writer.putPlanVnetGateway(demo.plan("plan-orders"), "vnet-hub", new Secret("https://p.example/p.zip?sig=x")) },
  ])("$row", async ({ operation, method, path, call }) => {
    h.sim.faults.add({ method, path, status: 403, code: "AuthorizationFailed", message: "The client does not have authorization to perform this action." });
    const start = h.sim.requests.length;

    const error = await failureOf(call());

    expect(error).toBeInstanceOf(BotError);
    expect((error as BotError).kind).toBe("forbidden");
    for (const action of PERMISSIONS[operation]) expect((error as BotError).message).toContain(action);
    expect(writesSince(start).filter((r) => r.method !== method)).toEqual([]);
  });
});

describe("a 403 on a long-running operation's poll", () => {
  it.each([
    { row: "the gateway PUT's status poll", path: /\/locations\/[^/]+\/operations\//, action: "Microsoft.Network/locations/operations/read", call: () => h.writer.addGatewayRootCertificate(demo.gateway("gw-hr"), "Polled.cer", "MIIBpolled") },
    { row: "the package's result poll", path: /\/locations\/[^/]+\/operationResults\//, action: "Microsoft.Network/locations/operationResults/read", call: () => h.writer.generateVpnPackage(demo.gateway("gw-data")) },
  ])("names the poll's own action and the subscription scope it needs ($row)", async ({ path, action, call }) => {
    h.sim.faults.add({ method: "GET", path, status: 403, code: "AuthorizationFailed", message: "The client does not have authorization to perform action." });

    const error = await failureOf(call());

    expect(error).toMatchObject({ kind: "forbidden", message: expect.stringContaining(`it needs ${action} on the subscription`) });
    expect((error as BotError).hint).toMatch(/at the subscription/);
  });
});

describe("failed writes change nothing and say what to do", () => {
  it("reports a gateway busy with another update as throttled, and leaves its root certificates alone", async () => {
    const gateway = h.sim.state.gateways.named("gw-ops");
    const roots = gateway.rootCertificates.map((c) => c.name);
    gateway.provisioningState = "Updating";

    const error = await failureOf(h.writer.addGatewayRootCertificate(demo.gateway("gw-ops"), "New.cer", h.sim.state.gateways.named("gw-hub").rootCertificates[0]!.publicCertData));

    gateway.provisioningState = "Succeeded";
    expect(error).toMatchObject({ kind: "throttled", message: expect.stringContaining("gw-ops") });
    expect(h.sim.state.gateways.named("gw-ops").rootCertificates.map((c) => c.name)).toEqual(roots);
  });

  it("names the missing gateway on a 404 and sends no PUT", async () => {
    const start = h.sim.requests.length;

    const error = await failureOf(h.writer.addGatewayRootCertificate(demo.gateway("gw-nope"), "x.cer", "MIIB"));

    expect(error).toMatchObject({ kind: "not-found", message: expect.stringContaining("gateway rg-network/gw-nope") });
    expect(writesSince(start)).toEqual([]);
  });
});
