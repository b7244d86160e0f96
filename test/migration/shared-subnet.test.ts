// Multi-plan subnet join: an app moving into a subnet another plan of its subscription holds, a /26 or larger.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { regionalEstate, subnetId, WEB } from "../stand-ins/arm/regional-estate.ts";
import { SUB } from "../stand-ins/arm/test-estate.ts";
import { refusedChange, startSlackHarness, type SlackHarness } from "../support/slack-harness.ts";

const OTHER_SUB = "77777777-8888-9999-aaaa-bbbbbbbbbbbb";

/** plan-p1's app-taken holds snet-taken (a /26); plan-far, in another subscription, holds snet-far (a /26). */
function estate() {
  const seed = regionalEstate();
  seed.subscriptions[0]!.resourceGroups![1]!.vnets!.find((vnet) => vnet.name === "vnet-apps")!.subnets!.push({ name: "snet-far", addressPrefix: "10.30.13.0/26" });
  const vnetApps = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-apps`;
  seed.subscriptions.push({
    id: OTHER_SUB,
    resourceGroups: [{ name: "rg-far", location: "westeurope", plans: [{ name: "plan-far", sku: { name: "S1", tier: "Standard" } }], apps: [{ name: "app-far", plan: "plan-far", regionalIntegration: { vnet: vnetApps, subnet: "snet-far" } }] }],
  });
  return seed;
}

describe("an app moving into a subnet another plan holds (multi-plan subnet join)", () => {
  let slack: SlackHarness;
  beforeAll(async () => {
    slack = await startSlackHarness({ estate: estate() });
  });
  afterAll(() => slack.close());

  it("refuses a subnet held by a plan of another subscription, before approval", async () => {
    const answer = await refusedChange(slack, "migrate app-gw vnet-apps/snet-far");

    expect(answer).toContain(`Subnet snet-far is already used by plan plan-far of subscription ${OTHER_SUB}: plans share a subnet only within one subscription (multi-plan subnet join).`);
  });

  it("says the subnet is shared, then joins it through the site, and both plans' apps are on it", async () => {
    const { plan, final } = await slack.requestAndApprove("migrate app-gw vnet-apps/snet-taken --route-all");

    expect(plan).toContain(":warning: Shared with plan plan-p1 (multi-plan subnet join): each instance of every plan on it takes an address, and twice while scaling.");
    expect(plan).toContain("Add app-gw's regional integration with vnet-apps/snet-taken, joining the plans that use it (it restarts)");
    expect(final).toContain(":tada: Done");
    const writes = slack.azureWrites();
    expect(writes.some((write) => /^PATCH \/subscriptions\/[^/]+\/resourceGroups\/rg-web\/providers\/Microsoft\.Web\/sites\/app-gw$/i.test(write))).toBe(true);
    expect(writes.some((write) => /\/sites\/app-gw\/networkConfig\/virtualNetwork$/i.test(write))).toBe(false);
    const { reader } = slack.azure;
    for (const app of ["app-gw", "app-taken"]) expect((await reader.getRegionalIntegration(`${WEB}/sites/${app}`)).subnetId?.toLowerCase()).toBe(subnetId("vnet-apps", "snet-taken").toLowerCase());
  });
});
