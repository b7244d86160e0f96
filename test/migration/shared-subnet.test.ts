// Multi-plan subnet join: an app moving into a subnet another plan of its subscription holds, a /26 or larger.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { regionalEstate, subnetId, WEB } from "../stand-ins/arm/regional-estate.ts";
import { SUB } from "../stand-ins/arm/test-estate.ts";
import { PEOPLE, refusedChange, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";

const OTHER_SUB = "77777777-8888-9999-aaaa-bbbbbbbbbbbb";

/**
 * plan-p1's app-taken holds snet-taken (a /26), and its app-p1-gw is still on vnet-hub; plan-far, in another
 * subscription, holds snet-far (a /26).
 */
function estate() {
  const seed = regionalEstate();
  // plan-p1 has an app still on vnet-hub through its gateway, to move into its own subnet once app-gw shares it.
  const web = seed.subscriptions[0]!.resourceGroups![0]!;
  web.apps!.push({ name: "app-p1-gw", plan: "plan-p1", vnetConnection: { vnet: "vnet-hub" } });
  // plan-big (30 instances) holds snet-big, a /26; plan-wide (15 instances) is on vnet-hub's gateway.
  web.plans!.push({ name: "plan-big", sku: { name: "P1v3", tier: "PremiumV3", capacity: 30 } }, { name: "plan-wide", sku: { name: "P1v3", tier: "PremiumV3", capacity: 15 } });
  web.apps!.push({ name: "app-big", plan: "plan-big", regionalIntegration: { vnet: "vnet-apps", subnet: "snet-big" } }, { name: "app-wide", plan: "plan-wide", vnetConnection: { vnet: "vnet-hub" } });
  seed.subscriptions[0]!.resourceGroups![1]!.vnets!.find((vnet) => vnet.name === "vnet-apps")!.subnets!.push({ name: "snet-big", addressPrefix: "10.30.14.0/26" });
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

  it("refuses, before approval, a shared subnet too small for the instances of both plans", async () => {
    const answer = await refusedChange(slack, "migrate app-wide vnet-apps/snet-big");

    expect(answer).toContain("Subnet snet-big is a /26 with 59 addresses for instances and is shared with plan plan-big (30 instances): with plan plan-wide's 15 instances, twice while it scales, it needs 60.");
  });

  it("says the subnet is shared, then joins it through the site, and both plans' apps are on it", async () => {
    const { plan, final, thread } = await slack.requestAndApprove("migrate app-gw vnet-apps/snet-taken --route-all");

    expect(plan).toContain(":warning: Shared with plan plan-p1 (multi-plan subnet join): each instance of every plan on it takes an address, and twice while scaling; plans its links do not name are not counted.");
    expect(plan).toContain("Add app-gw's regional integration with vnet-apps/snet-taken, joining the plans that use it (it restarts)");
    expect(final).toContain(":tada: Done");
    // The subnet's link names the plan that joined first; the check after the move says so rather than "no link yet".
    expect(thread.join("\n")).toContain("the subnet links plan plan-p1, which it shares");
    const writes = slack.azureWrites();
    expect(writes.some((write) => /^PATCH \/subscriptions\/[^/]+\/resourceGroups\/rg-web\/providers\/Microsoft\.Web\/sites\/app-gw$/i.test(write))).toBe(true);
    expect(writes.some((write) => /\/sites\/app-gw\/networkConfig\/virtualNetwork$/i.test(write))).toBe(false);
    const { reader } = slack.azure;
    for (const app of ["app-gw", "app-taken"]) expect((await reader.getRegionalIntegration(`${WEB}/sites/${app}`)).subnetId?.toLowerCase()).toBe(subnetId("vnet-apps", "snet-taken").toLowerCase());
  });

  it("says both refusals when the networkConfig PUT and the join through the site are both refused", async () => {
    // snet-taken's link names plan-p1, which joined first; plan-std uses it too, so the PUT for app-p1-gw is refused.
    const fault = slack.sim.faults.add({ method: "PATCH", path: /\/sites\/app-p1-gw$/, status: 400, code: "BadRequest", message: "the site update was refused" });
    try {
      const { final } = await slack.requestAndApprove("migrate app-p1-gw vnet-apps/snet-taken --route-all");

      expect(final).toContain("already occupied by service");
      expect(final).toContain("Joining it through the site, as plans sharing a subnet do, was refused too: Azure refused this on app rg-web/app-p1-gw: the site update was refused");
    } finally {
      slack.sim.faults.remove(fault);
    }
  });

  it("joins through the site when the networkConfig PUT refuses a subnet whose link names only the app's own plan", async () => {
    // Asked again after the failure above, the migration resumes where it stopped.
    const { final } = await slack.requestAndApprove("migrate app-p1-gw vnet-apps/snet-taken --route-all");

    expect(final).toContain(":tada: Done");
    expect(slack.azureWrites().filter((write) => /\/sites\/app-p1-gw(\/networkConfig\/virtualNetwork)?$/i.test(write)).map((write) => write.split(" ")[0]).slice(-2)).toEqual(["PUT", "PATCH"]);
    expect((await slack.azure.reader.getRegionalIntegration(`${WEB}/sites/app-p1-gw`)).subnetId?.toLowerCase()).toBe(subnetId("vnet-apps", "snet-taken").toLowerCase());
  });
});

describe("a plan that shares a subnet of its gateway VNet with another plan", () => {
  let slack: SlackHarness;
  beforeAll(async () => {
    // plan-h1's app-h1 holds snet-hub-shared in vnet-hub; plan-std's app-gw and app-gw2 are on vnet-hub's gateway.
    const seed = regionalEstate();
    const [web, net] = seed.subscriptions[0]!.resourceGroups!;
    net!.vnets!.find((vnet) => vnet.name === "vnet-hub")!.subnets!.push({ name: "snet-hub-shared", addressPrefix: "10.10.64.0/26" });
    web!.plans!.push({ name: "plan-h1", sku: { name: "S1", tier: "Standard" } });
    web!.apps!.push({ name: "app-h1", plan: "plan-h1", regionalIntegration: { vnet: "vnet-hub", subnet: "snet-hub-shared" } }, { name: "app-gw2", plan: "plan-std", vnetConnection: { vnet: "vnet-hub" } });
    slack = await startSlackHarness({ estate: seed });
  });
  afterAll(() => slack.close());

  it("has /vnet migration move the plan's next app into that subnet, not into a new one", async () => {
    expect((await slack.requestAndApprove("migrate app-gw vnet-hub/snet-hub-shared --route-all")).final).toContain(":tada: Done");

    const answer = textOf(await slack.ask(PEOPLE.bystander, "migration --fresh --plan plan-std"));

    expect(answer).toContain("*Do:* `/vnet migrate plan-std vnet-hub snet-hub-shared");
  });
});
