import { describe, expect, it } from "vitest";
import type { Integration } from "../../src/core/inventory.ts";
import { countdownLine, inSubscriptions, migrationProgress } from "../../src/core/migration/countdown.ts";
import type { MigrationRecord } from "../../src/core/migration/migration-records.ts";
import type { PlanInfo } from "../../src/core/model.ts";

const SUB = "00000000-0000-0000-0000-0000000000c1";
const OTHER_SUB = "00000000-0000-0000-0000-0000000000c2";
const planId = (name: string, sub = SUB) => `/subscriptions/${sub}/resourceGroups/rg-web/providers/Microsoft.Web/serverfarms/${name}`;
const vnetId = (name: string) => `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/${name}`;

function integration(plan: string, vnet: string): Integration {
  const info: PlanInfo = { id: planId(plan), name: plan, resourceGroup: "rg-web", subscriptionId: SUB, location: "westeurope", skuName: "S1", tier: "Standard", isLinux: false, isWindowsContainer: false, workers: 1 };
  return {
    plan: info, apps: [], vnetId: vnetId(vnet), vnetName: vnet, vnet: undefined, gateway: undefined, gateways: [], classic: false, missing: undefined, certOnGateway: undefined,
    connection: { name: vnet, vnetId: vnetId(vnet), isRegional: false, certThumbprint: undefined, certBlob: undefined, certificate: undefined, routes: [], resyncRequired: false, dnsServers: [] },
  };
}

function record(app: string, plan: string, vnet: string, status: MigrationRecord["status"], sub = SUB): MigrationRecord {
  return {
    appId: `/subscriptions/${sub}/resourceGroups/rg-web/providers/Microsoft.Web/sites/${app}`, appName: app, planId: planId(plan, sub), vnetId: vnetId(vnet), vnetName: vnet, routes: [], dnsServers: [], pool: [],
    certThumbprint: undefined, certBlob: undefined, subnetId: `${vnetId(vnet)}/subnets/snet-${plan}`, routeAllBefore: false, status, requestId: undefined, updatedAt: new Date("2026-11-30T10:00:00Z"),
  };
}

const everything = inSubscriptions([SUB]);

describe("how many integrations vnetbot migrated", () => {
  it.each([
    { row: "two apps of one plan moved off one VNet count once", records: [record("a1", "plan-a", "vnet-a", "migrated"), record("a2", "plan-a", "vnet-a", "migrated")], migrated: 1 },
    { row: "a move whose plan still has the VNet through a gateway does not count", records: [record("b1", "plan-b", "vnet-b", "migrated")], migrated: 0 },
    { row: "a move still under way does not count", records: [record("a1", "plan-a", "vnet-a", "moving")], migrated: 0 },
    { row: "a move rolled back does not count", records: [record("a1", "plan-a", "vnet-a", "rolled-back")], migrated: 0 },
    { row: "a move in a subscription not asked about does not count", records: [record("z1", "plan-z", "vnet-a", "migrated", OTHER_SUB)], migrated: 0 },
  ])("$row", ({ records, migrated }) => {
    const inventory = { integrations: [integration("plan-b", "vnet-b"), integration("plan-c", "vnet-c")], failures: [] };

    expect(migrationProgress(records, inventory, everything)).toMatchObject({ migrated, remaining: 2 });
  });

  it("names an app a move took off its gateway and has not verified, and counts its integration in the total", () => {
    const inventory = { integrations: [integration("plan-b", "vnet-b")], failures: [] };

    const progress = migrationProgress([record("a1", "plan-a", "vnet-a", "moving")], inventory, everything);

    expect(progress).toEqual({ migrated: 0, remaining: 1, midway: { apps: ["a1"], integrations: 1 } });
    expect(countdownLine(new Date("2026-12-01T00:00:00Z"), progress)).toMatch(/0 of 2 integrations migrated .* :warning: Mid-migration \(running, or stopped half-way, when it may be without any VNet\): a1\./);
  });

  it("does not count a plan whose connections could not be read as migrated", () => {
    const records = [record("a1", "plan-a", "vnet-a", "migrated")];

    const planUnread = migrationProgress(records, { integrations: [], failures: [{ scope: planId("plan-a"), message: "throttled" }] }, everything);
    const subscriptionUnread = migrationProgress(records, { integrations: [], failures: [{ scope: SUB, message: "forbidden" }] }, everything);

    expect(planUnread.migrated).toBe(0);
    expect(subscriptionUnread.migrated).toBe(0);
  });
});

describe("the countdown line", () => {
  it.each([
    { row: "before the retirement", now: "2026-12-01T09:00:00Z", migrated: 1, remaining: 9, line: ":hourglass: Gateway-required integration is retired on 31 March 2027: 1 of 10 integrations migrated to regional VNet integration, 120 days left." },
    { row: "on its last day", now: "2027-03-30T12:00:00Z", migrated: 0, remaining: 1, line: ":hourglass: Gateway-required integration is retired on 31 March 2027: 0 of 1 integration migrated to regional VNet integration, 1 day left." },
    { row: "with nothing to move", now: "2026-12-01T09:00:00Z", migrated: 0, remaining: 0, line: ":hourglass: Gateway-required integration is retired on 31 March 2027 (120 days left): nothing here uses it, so there is nothing to migrate." },
    { row: "on the day itself, which may end it at any hour", now: "2027-03-31T06:00:00Z", migrated: 3, remaining: 2, line: ":hourglass: Gateway-required integration is retired today, 31 March 2027: 3 of 5 integrations migrated to regional VNet integration; the 2 still on it may stop working at any hour." },
    { row: "on the day itself, all moved", now: "2027-03-31T23:00:00Z", migrated: 4, remaining: 0, line: ":hourglass: Gateway-required integration is retired today, 31 March 2027: 4 of 4 integrations migrated to regional VNet integration." },
    { row: "after the retirement, with integrations left", now: "2027-04-02T09:00:00Z", migrated: 3, remaining: 2, line: ":hourglass: Gateway-required integration was retired on 31 March 2027: 3 of 5 integrations migrated to regional VNet integration; the 2 still on gateway-required integration no longer work." },
    { row: "after the retirement, with one left", now: "2027-04-02T09:00:00Z", migrated: 0, remaining: 1, line: ":hourglass: Gateway-required integration was retired on 31 March 2027: 0 of 1 integration migrated to regional VNet integration; the 1 still on gateway-required integration no longer works." },
    { row: "after the retirement, all moved", now: "2027-04-02T09:00:00Z", migrated: 4, remaining: 0, line: ":hourglass: Gateway-required integration was retired on 31 March 2027: 4 of 4 integrations migrated to regional VNet integration." },
  ])("reads as it should $row", ({ now, migrated, remaining, line }) => {
    expect(countdownLine(new Date(now), { migrated, remaining })).toBe(line);
  });
});
