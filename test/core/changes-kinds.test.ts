import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { executeChange } from "../../src/core/changes/execute-change.ts";
import { previewChange } from "../../src/core/changes/preview-change.ts";
import type { ChangeRequest } from "../../src/core/changes/types.ts";
import { BotError } from "../../src/errors.ts";
import { demo, startDemo, writesIn } from "./demo.ts";

let started: Awaited<ReturnType<typeof startDemo>>;
beforeEach(async () => {
  started = await startDemo();
});
afterEach(() => started.harness.close());

const statuses = (outcome: { results: { stepId: string; status: string }[] }) => outcome.results.map((r) => `${r.stepId}:${r.status}`);
const routesOf = (plan: string, vnet: string) => started.sim.state.routesOf(demo.plan(plan), vnet).map((r) => [r.name, r.startAddress, r.endAddress ?? ""].join(" ").trim());

describe("disconnect", () => {
  const request: ChangeRequest = { kind: "disconnect", appId: demo.app("orders-web"), vnetName: "vnet-hub" };

  it("previews that the app restarts, and writes nothing", async () => {
    const plan = await previewChange(started.deps, request);

    expect(plan.restartingApps).toEqual(["orders-web"]);
    expect(plan.outage).toMatch(/orders-web restarts/);
    expect(writesIn(started.sim.requests)).toEqual([]);
  });

  it("deletes the connection and restarts the app, leaving the certificate on the gateway while the plan's other apps use it", async () => {
    const certsBefore = started.sim.state.gateways.named("gw-hub").rootCertificates.length;

    const outcome = await executeChange(started.deps, request);
    const again = await executeChange(started.deps, request);

    const app = started.sim.state.apps.named("orders-web");
    expect(statuses(outcome)).toEqual(["delete-connection:done", "gateway-root-certificate-removal:skipped"]);
    expect(outcome.results[1]?.detail).toMatch(/^kept: plan plan-orders uses it/);
    expect(statuses(again)).toEqual(["delete-connection:skipped"]);
    expect(app.vnetName).toBeUndefined();
    expect(app.restarts).toBe(1);
    expect(started.sim.state.gateways.named("gw-hub").rootCertificates).toHaveLength(certsBefore);
  });

  it("takes the plan's certificate off the gateway when its last app disconnects, keeping every other root", async () => {
    const gateway = () => started.sim.state.gateways.named("gw-finance").rootCertificates.map((root) => root.publicCertData);
    const certificate = started.sim.state.certificateFor(demo.plan("plan-basic"), demo.vnet("vnet-finance"))!;
    const others = gateway().filter((data) => data !== certificate.blob);

    const outcome = await executeChange(started.deps, { kind: "disconnect", appId: demo.app("payments-api"), vnetName: "vnet-finance" });

    expect(statuses(outcome)).toEqual(["delete-connection:done", "gateway-root-certificate-removal:done"]);
    expect(outcome.results[1]?.detail).toMatch(new RegExp(`^removed certificate ${certificate.thumbprint}; ${others.length} of 20 root certificates$`));
    expect(gateway()).toEqual(others);
  });

  it("keeps the certificate when another plan's connection carries it too (if App Service shares one per subscription and VNet)", async () => {
    const certificate = started.sim.state.certificateFor(demo.plan("plan-basic"), demo.vnet("vnet-finance"))!;
    started.sim.state.setCertificate(demo.plan("plan-platform"), demo.vnet("vnet-finance"), certificate);

    const outcome = await executeChange(started.deps, { kind: "disconnect", appId: demo.app("payments-api"), vnetName: "vnet-finance" });

    expect(statuses(outcome)).toEqual(["delete-connection:done", "gateway-root-certificate-removal:skipped"]);
    expect(outcome.results[1]?.detail).toBe("kept: plan plan-platform uses it");
    expect(started.sim.state.gateways.named("gw-finance").rootCertificates.map((root) => root.publicCertData)).toContain(certificate.blob);
  });
});

describe("sync", () => {
  it("pushes the VNet's changed DNS servers to the plan's apps, warning that they may restart", async () => {
    const request: ChangeRequest = { kind: "sync", planId: demo.plan("plan-platform"), vnetName: "vnet-data" };

    const plan = await previewChange(started.deps, request);
    const outcome = await executeChange(started.deps, request, { expectedFingerprint: plan.fingerprint });

    expect(plan.restartingApps).toEqual(["platform-data"]);
    expect(plan.outage).toMatch(/^Brief loss of connectivity/);
    expect(plan.warnings.join("\n")).toMatch(/DNS servers \(10\.40\.0\.4, 10\.40\.0\.6\) differ/);
    expect(statuses(outcome)).toEqual(["gateway-root-certificate:skipped", "vpn-package:done", "plan-package:done", "apps-in-sync:done"]);
    const app = started.sim.state.apps.named("platform-data");
    expect(started.sim.state.connectionsOf(app.id)[0]?.dnsServers).toEqual(["10.40.0.4", "10.40.0.6"]);
  });

  it("puts back a certificate the gateway lost", async () => {
    const request: ChangeRequest = { kind: "sync", planId: demo.plan("plan-platform"), vnetName: "vnet-finance" };
    const before = started.sim.state.gateways.named("gw-finance").rootCertificates.length;

    const outcome = await executeChange(started.deps, request);

    expect(statuses(outcome)[0]).toBe("gateway-root-certificate:done");
    expect(started.sim.state.gateways.named("gw-finance").rootCertificates).toHaveLength(before + 1);
  });

  it("refuses a plan whose VNet is in another subscription, whose connect said so before", async () => {
    const connect = await previewChange(started.deps, { kind: "connect", appId: demo.app("orders-worker"), vnetId: demo.sharedVnet });
    expect(connect.warnings).toContainEqual(expect.stringContaining("vnet-shared is in another subscription than orders-worker: sync network does not work across subscriptions"));
    await executeChange(started.deps, { kind: "connect", appId: demo.app("orders-worker"), vnetId: demo.sharedVnet });
    const writes = writesIn(started.sim.requests).length;

    const error = await previewChange(started.deps, { kind: "sync", planId: demo.plan("plan-orders"), vnetName: "vnet-shared" }).catch((e: unknown) => e);

    expect((error as BotError).kind).toBe("ineligible");
    expect((error as BotError).message).toMatch(/sync network does not work across subscriptions/);
    // A renewal would fail should Azure keep the certificate; a reconnect only has to pick up the VNet's settings.
    const said = `${(error as BotError).message} ${(error as BotError).hint ?? ""}`;
    expect(said).toContain("/vnet disconnect APP, then /vnet connect APP vnet-shared");
    expect(said).not.toContain("/vnet renew");
    expect(writesIn(started.sim.requests)).toHaveLength(writes);
  });
});

describe("routes", () => {
  it("adds a route for a range and, asked again, says there is nothing to do", async () => {
    const request: ChangeRequest = { kind: "route-add", planId: demo.plan("plan-orders"), vnetName: "vnet-hub", range: "172.20.0.0-172.20.0.99" };

    const plan = await previewChange(started.deps, request);
    const first = await executeChange(started.deps, request, { expectedFingerprint: plan.fingerprint });
    const again = await previewChange(started.deps, request).catch((e: unknown) => e);

    expect(plan.title).toBe("Route 172.20.0.0-172.20.0.99 from plan-orders into vnet-hub");
    expect(first.results[0]?.status).toBe("done");
    expect(again).toMatchObject({ kind: "ineligible", message: "Route route-172-20-0-0-to-172-20-0-99 already sends 172.20.0.0-172.20.0.99 into vnet-hub: there is nothing to do." });
    expect(routesOf("plan-orders", "vnet-hub")).toContain("route-172-20-0-0-to-172-20-0-99 172.20.0.0 172.20.0.99");
  });

  it("removes a route inside the VNet's own address space without claiming its traffic stops going into the VNet", async () => {
    await started.harness.writer.putPlanRoute(demo.plan("plan-orders"), "vnet-hub", { name: "inside", startAddress: "10.10.5.0", endAddress: "10.10.5.255", routeType: "STATIC" });
    const request: ChangeRequest = { kind: "route-remove", planId: demo.plan("plan-orders"), vnetName: "vnet-hub", routeName: "inside" };

    const plan = await previewChange(started.deps, request);

    expect(plan.outage).toBeUndefined();
    expect(plan.warnings).toContain("10.10.5.0/24 is inside vnet-hub's address space (10.10.0.0/16): the apps still reach it through the gateway without the route.");
  });

  it("refuses a range overlapping an existing route, naming it", async () => {
    const request: ChangeRequest = { kind: "route-add", planId: demo.plan("plan-orders"), vnetName: "vnet-hub", range: "192.168.10.0/24" };

    const error = await previewChange(started.deps, request).catch((e: unknown) => e);

    expect((error as BotError).kind).toBe("conflict");
    expect((error as BotError).message).toMatch(/192\.168\.10\.0\/24 overlaps route onprem-datacenter \(192\.168\.0\.0\/16/);
  });

  it("refuses a malformed range before reading Azure", async () => {
    const error = await previewChange(started.deps, { kind: "route-add", planId: demo.plan("plan-orders"), vnetName: "vnet-hub", range: "10.0.0.0/33" }).catch((e: unknown) => e);

    expect((error as BotError).kind).toBe("usage");
    expect(started.sim.requests).toHaveLength(0);
  });

  it("removes a route named by its range and, asked again, says there is nothing to do", async () => {
    const request: ChangeRequest = { kind: "route-remove", planId: demo.plan("plan-orders"), vnetName: "vnet-hub", routeName: "192.168.0.0/16" };

    const first = await executeChange(started.deps, request);
    const again = await previewChange(started.deps, request).catch((e: unknown) => e);

    expect(first.results[0]?.status).toBe("done");
    expect(again).toMatchObject({ kind: "ineligible", message: 'plan-orders has no route "192.168.0.0/16" on vnet-hub: there is nothing to do.' });
    expect(routesOf("plan-orders", "vnet-hub").some((r) => r.startsWith("onprem-datacenter"))).toBe(false);
  });
});

describe("renew", () => {
  it("disconnects and reconnects the app, and verifies that the certificate changed", async () => {
    const request: ChangeRequest = { kind: "renew", appId: demo.app("payments-api"), vnetName: "vnet-finance" };
    const app = started.sim.state.apps.named("payments-api");
    const before = started.sim.state.certificateFor(app.planId, demo.vnet("vnet-finance"));

    const plan = await previewChange(started.deps, request);
    const outcome = await executeChange(started.deps, request, { expectedFingerprint: plan.fingerprint });

    expect(plan.restartingApps).toEqual(["payments-api"]);
    expect(plan.outage).toMatch(/restarts/);
    expect(outcome.ok).toBe(true);
    expect(statuses(outcome)[0]).toBe("delete-connection:done");
    expect(started.sim.state.certificateFor(app.planId, demo.vnet("vnet-finance"))).not.toEqual(before);
    expect(app.vnetName).toBe("vnet-finance");
  });

  it("warns that a certificate with years left may not be replaced, and does not warn within six months", async () => {
    const early = await previewChange(started.deps, { kind: "renew", appId: demo.app("orders-api"), vnetName: "vnet-hub" });
    const due = await previewChange(started.deps, { kind: "renew", appId: demo.app("payments-api"), vnetName: "vnet-finance" });

    expect(early.warnings.join("\n")).toContain("more than six months away: Azure may reconnect orders-api with the same certificate");
    expect(due.warnings.join("\n")).not.toContain("more than six months away");
  });

  it("refuses an app that is not connected, pointing to connect", async () => {
    const error = await previewChange(started.deps, { kind: "renew", appId: demo.app("orders-worker"), vnetName: "vnet-hub" }).catch((e: unknown) => e);

    expect((error as BotError).kind).toBe("not-found");
    expect((error as BotError).hint).toContain("/vnet connect orders-worker vnet-hub");
  });
});

describe("peer", () => {
  it("adds only the missing route when the VNets are already peered correctly", async () => {
    const request: ChangeRequest = { kind: "peer", planId: demo.plan("plan-orders"), vnetId: demo.vnet("vnet-hub"), remoteVnetId: demo.vnet("vnet-spoke") };

    const plan = await previewChange(started.deps, request);
    const outcome = await executeChange(started.deps, request, { expectedFingerprint: plan.fingerprint });
    const again = await previewChange(started.deps, request).catch((e: unknown) => e);

    expect(plan.steps.map((step) => step.description)).toEqual(["Add route route-10-20-0-0-16 (10.20.0.0/16) on vnet-hub"]);
    expect(outcome.results.map((r) => r.status)).toEqual(["done"]);
    expect(routesOf("plan-orders", "vnet-hub")).toContain("route-10-20-0-0-16 10.20.0.0/16");
    expect(again).toMatchObject({ kind: "ineligible", message: expect.stringContaining("vnet-hub and vnet-spoke are peered already for plan-orders (hub-to-spoke and spoke-to-hub, gateway transit on)") });
    expect((again as Error).message).toContain("there is nothing to do.");
  });

  it("adds no route for a VNet a wider plan route already sends into the hub: with the peering in place there is nothing to do", async () => {
    started.sim.state.routesOf(demo.plan("plan-orders"), "vnet-hub").push({ name: "all-of-10-16", startAddress: "10.16.0.0/12", endAddress: undefined, routeType: "STATIC" });
    const request: ChangeRequest = { kind: "peer", planId: demo.plan("plan-orders"), vnetId: demo.vnet("vnet-hub"), remoteVnetId: demo.vnet("vnet-spoke") };

    const error = await previewChange(started.deps, request).catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: "ineligible", message: expect.stringContaining("there is nothing to do.") });
  });

  it("refuses, before approval, a peering whose route would overlap a plan route that takes only part of the VNet", async () => {
    started.sim.state.routesOf(demo.plan("plan-orders"), "vnet-hub").push({ name: "part-of-spoke", startAddress: "10.20.4.0/22", endAddress: undefined, routeType: "STATIC" });
    const request: ChangeRequest = { kind: "peer", planId: demo.plan("plan-orders"), vnetId: demo.vnet("vnet-hub"), remoteVnetId: demo.vnet("vnet-spoke") };

    const error = await previewChange(started.deps, request).catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: "conflict", message: "Route part-of-spoke (10.20.4.0/22, STATIC) of plan-orders on vnet-hub takes part of vnet-spoke's 10.20.0.0/16, and the route for all of it would overlap it." });
    expect((error as BotError).hint).toContain("/vnet route remove plan-orders vnet-hub part-of-spoke");
  });

  it("does not count on a wider route of Azure's own, and names a narrower one of Azure's as one it cannot remove", async () => {
    const routes = started.sim.state.routesOf(demo.plan("plan-orders"), "vnet-hub");
    routes.push({ name: "inherited-10-16", startAddress: "10.16.0.0/12", endAddress: undefined, routeType: "INHERITED" });
    const request: ChangeRequest = { kind: "peer", planId: demo.plan("plan-orders"), vnetId: demo.vnet("vnet-hub"), remoteVnetId: demo.vnet("vnet-spoke") };
    const plan = await previewChange(started.deps, request);
    routes.splice(0, routes.length, { name: "inherited-part", startAddress: "10.20.4.0/22", endAddress: undefined, routeType: "INHERITED" });

    const error = await previewChange(started.deps, request).catch((e: unknown) => e);

    expect(plan.steps.map((step) => step.description)).toEqual(["Add route route-10-20-0-0-16 (10.20.0.0/16) on vnet-hub"]);
    expect((error as BotError).hint).toContain("inherited-part is Azure's (INHERITED), not one added to the plan, so it cannot be removed");
  });

  it("creates both sides of a new peering with gateway transit, then the route", async () => {
    const request: ChangeRequest = { kind: "peer", planId: demo.plan("plan-orders"), vnetId: demo.vnet("vnet-hub"), remoteVnetId: demo.vnet("vnet-nogateway") };

    const plan = await previewChange(started.deps, request);
    const outcome = await executeChange(started.deps, request, { expectedFingerprint: plan.fingerprint });

    expect(outcome.ok).toBe(true);
    const local = started.sim.state.vnets.named("vnet-hub").peerings.find((p) => p.name === "vnet-hub-to-vnet-nogateway");
    const remote = started.sim.state.vnets.named("vnet-nogateway").peerings.find((p) => p.name === "vnet-nogateway-to-vnet-hub");
    expect(local).toMatchObject({ allowVirtualNetworkAccess: true, allowForwardedTraffic: true, allowGatewayTransit: true, useRemoteGateways: false });
    expect(remote).toMatchObject({ allowVirtualNetworkAccess: true, allowForwardedTraffic: true, allowGatewayTransit: false, useRemoteGateways: true });
    expect(routesOf("plan-orders", "vnet-hub")).toContain("route-10-85-0-0-16 10.85.0.0/16");
  });

  it("refuses a Disconnected peering, saying to delete it first, and changes nothing", async () => {
    const hub = started.sim.state.vnets.named("vnet-hub");
    const spoke = started.sim.state.vnets.named("vnet-spoke");
    const peering = hub.peerings.find((p) => p.remoteVnetId.toLowerCase() === spoke.id.toLowerCase())!;
    peering.peeringState = "Disconnected";
    const request: ChangeRequest = { kind: "peer", planId: demo.plan("plan-orders"), vnetId: demo.vnet("vnet-hub"), remoteVnetId: demo.vnet("vnet-spoke") };

    const error = (await previewChange(started.deps, request).catch((e: unknown) => e)) as BotError;

    peering.peeringState = "Connected";
    expect(error.message).toContain(`Peering ${peering.name} on vnet-hub is Disconnected`);
    expect(error.hint).toContain(`Delete peering ${peering.name} from vnet-hub`);
    expect(writesIn(started.sim.requests)).toEqual([]);
  });

  it("refuses, before approval, a remote VNet that already uses another VNet's gateway: Azure allows one", async () => {
    const spoke = started.sim.state.vnets.named("vnet-nogateway");
    const finance = started.sim.state.vnets.named("vnet-finance");
    spoke.peerings.push({ name: "nogateway-to-finance", remoteVnetId: finance.id, allowVirtualNetworkAccess: true, allowForwardedTraffic: true, allowGatewayTransit: false, useRemoteGateways: true, peeringState: "Connected" });
    const request: ChangeRequest = { kind: "peer", planId: demo.plan("plan-orders"), vnetId: demo.vnet("vnet-hub"), remoteVnetId: demo.vnet("vnet-nogateway") };

    const error = (await previewChange(started.deps, request).catch((e: unknown) => e)) as BotError;

    spoke.peerings.pop();
    expect(error.message).toBe("vnet-nogateway already uses vnet-finance's gateway (peering nogateway-to-finance has useRemoteGateways), and Azure lets a VNet use one remote gateway only.");
    expect(error.hint).toContain("The apps can reach vnet-nogateway through the gateway it uses: vnet-finance's, with a plan route for it there.");
    expect(writesIn(started.sim.requests)).toEqual([]);
  });

  it("refuses a remote VNet that has its own gateway", async () => {
    const request: ChangeRequest = { kind: "peer", planId: demo.plan("plan-orders"), vnetId: demo.vnet("vnet-hub"), remoteVnetId: demo.vnet("vnet-finance") };

    await expect(previewChange(started.deps, request)).rejects.toThrow(/vnet-finance has its own gateway/);
    expect(writesIn(started.sim.requests)).toEqual([]);
  });
});
