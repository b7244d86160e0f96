import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCertificateCheck } from "../../src/core/alerts/certificate-check.ts";
import { runGatewayCheck } from "../../src/core/alerts/gateway-check.ts";
import { createMigrationRecords, type MigrationRecord } from "../../src/core/migration/migration-records.ts";
import { evaluateIdleGateways, idleGatewayLines } from "../../src/core/alerts/idle-gateways.ts";
import { demo, PRODUCTION } from "../support/demo-estate.ts";
import { ALERTS, startAlertWorld, textOf, type AlertWorld } from "./alert-world.ts";

const IDLE_INVENTORY = "• Gateway *gw-inventory* (VNet vnet-inventory) no longer serves any gateway-required integration and still costs money; no connection or peer that vnetbot can see uses it. 1 root certificate left on it may still serve point-to-site clients vnetbot cannot see. Delete it once nothing else connects through it. Until 31 March 2027 it is also the way back for the apps moved off it (`/vnet migrate rollback APP` reconnects through it): delete it once they are confirmed on regional integration, not before.";

describe("the scheduled alerts and vnetbot's migrations", () => {
  let world: AlertWorld;
  beforeEach(async () => {
    world = await startAlertWorld();
  });
  afterEach(() => world.close());
  const posts = () => world.slack.workspace.messages(ALERTS).map(textOf);

  /** Moves the app off its gateway as /vnet migrate does, through the real SDK, and keeps the bot's record of it. */
  async function migrate(app: string, plan: string, vnet: string, subnet: string, newPrefix?: string) {
    const subnetId = `${demo.vnet(vnet)}/subnets/${subnet}`;
    await world.azure.writer.deleteAppVnetConnection(demo.app(app), vnet);
    await world.azure.writer.delegateSubnet(subnetId, newPrefix);
    await world.azure.writer.putRegionalIntegration(demo.app(app), subnetId);
    const record: MigrationRecord = {
      appId: demo.app(app), appName: app, planId: demo.plan(plan), vnetId: demo.vnet(vnet), vnetName: vnet, routes: [], dnsServers: [], pool: [], certThumbprint: undefined, certBlob: undefined,
      subnetId, routeAllBefore: false, status: "migrated", requestId: "req-moved", updatedAt: world.now(),
    };
    await createMigrationRecords(world.stores.alerts, { now: world.now }).put(record);
  }

  it("names what a gateway emptied of integrations still carries: its site-to-site connections and the transit it offers peers", async () => {
    const record: MigrationRecord = {
      appId: demo.app("orders-web"), appName: "orders-web", planId: demo.plan("plan-orders"), vnetId: demo.vnet("vnet-hub"), vnetName: "vnet-hub", routes: [], dnsServers: [], pool: [], certThumbprint: undefined, certBlob: undefined,
      subnetId: `${demo.vnet("vnet-hub")}/subnets/snet-plan-orders`, routeAllBefore: false, status: "migrated", requestId: "req-moved", updatedAt: world.now(),
    };

    // No integration left on vnet-hub: every plan moved off it.
    const result = await evaluateIdleGateways(world.azure.reader, [record], [], new Map(), { now: world.now(), scanComplete: true, subscriptions: [PRODUCTION] });

    expect(idleGatewayLines(result.announcements, world.now())).toEqual([
      "• Gateway *gw-hub* (VNet vnet-hub) no longer serves any gateway-required integration and still costs money; it still carries connections s2s-amsterdam, s2s-dublin (on-premises routes, the migrated apps' too, may go through them) and the gateway transit it offers peers vnet-spoke: keep it while they are needed. 2 root certificates left on it may still serve point-to-site clients vnetbot cannot see.",
    ]);
  });

  it("no longer calls the gateway the way back once gateway-required integration is retired", () => {
    const idle = { key: "idle-gateway:x", gatewayName: "gw-inventory", vnetId: demo.vnet("vnet-inventory"), vnetName: "vnet-inventory", connections: [], transitPeers: [], rootCertificates: 0 };

    const [before] = idleGatewayLines([idle], new Date("2027-03-31T12:00:00Z"));
    const [after] = idleGatewayLines([idle], new Date("2027-04-01T00:00:00Z"));

    expect(before).toContain("the way back for the apps moved off it");
    expect(after).toMatch(/Delete it once nothing else connects through it\.$/);
  });

  it("counts the integration moved in the certificate digest: 1 of 10 migrated", async () => {
    await migrate("inventory-api", "plan-inventory", "vnet-inventory", "snet-inventory-apps");

    await runCertificateCheck(world.deps, world.now());

    expect(posts()[0]).toContain(":hourglass: Gateway-required integration is retired on 31 March 2027: 1 of 10 integrations migrated to regional VNet integration, 395 days left.");
  });

  it("carries the countdown in the gateway alerts", async () => {
    await migrate("inventory-api", "plan-inventory", "vnet-inventory", "snet-inventory-apps");

    await runGatewayCheck(world.deps, world.now());

    const legacy = posts().find((text) => text.includes("billing-legacy"));
    expect(legacy).toContain("1 of 10 integrations migrated to regional VNet integration, 395 days left.");
  });

  it("says once, across two runs at the same time and the runs after, that a gateway vnetbot emptied still costs money", async () => {
    await migrate("inventory-api", "plan-inventory", "vnet-inventory", "snet-inventory-apps");

    await Promise.all([runCertificateCheck(world.deps, world.now()), runCertificateCheck(world.deps, world.now())]);
    world.later(24);
    await runCertificateCheck(world.deps, world.now());
    world.restart();
    world.later(24);
    await runCertificateCheck(world.deps, world.now());

    const told = posts().filter((text) => text.includes("no longer serves any gateway-required integration"));
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(`:bulb: *Gateways no longer serving VNet integration*\n${IDLE_INVENTORY}`);
  });

  it("says nothing of a gateway another plan still uses", async () => {
    // plan-basic leaves vnet-finance; plan-platform's platform-finance stays on gw-finance.
    await migrate("payments-api", "plan-basic", "vnet-finance", "snet-plan-basic", "10.30.0.0/28");

    await runCertificateCheck(world.deps, world.now());

    expect(posts().join("\n")).not.toContain("no longer serves");
    expect(posts()[0]).toContain("1 of 10 integrations migrated");
  });

  it("waits for a complete scan before saying it: a plan it could not read may still use the gateway", async () => {
    await migrate("inventory-api", "plan-inventory", "vnet-inventory", "snet-inventory-apps");
    const fault = world.azure.sim.faults.add({ method: "GET", path: /\/serverfarms\/plan-orders\/virtualNetworkConnections$/, status: 403, code: "AuthorizationFailed", message: "no access" });

    await runCertificateCheck(world.deps, world.now());
    world.azure.sim.faults.remove(fault);
    world.later(24);
    await runCertificateCheck(world.deps, world.now());

    const told = posts().map((text, i) => [i, text.includes("no longer serves")] as const).filter(([, yes]) => yes);
    expect(told.map(([i]) => i)).toEqual([posts().length - 1]);
  });
});
