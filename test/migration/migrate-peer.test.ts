// /vnet migrate peer: the peering a VNet needs before its apps move into a subnet of another VNet, through approval,
// against the ARM simulator; and what it refuses before approval.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { regionalEstate } from "../stand-ins/arm/regional-estate.ts";
import { demo } from "../support/demo-estate.ts";
import { PEOPLE, refusedChange, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";

describe("/vnet migrate peer on the demo estate (plan-platform's vnet-hr is to share vnet-data's subnet)", () => {
  let slack: SlackHarness;
  beforeEach(async () => {
    slack = await startSlackHarness();
  });
  afterEach(() => slack.close());

  it("peers the two VNets with VNet access only, restarts nothing, and /vnet migration then says vnet-hr stays reached", async () => {
    const { plan, final } = await slack.requestAndApprove("migrate peer plan-platform vnet-hr vnet-data");

    expect(plan).toContain("Peer vnet-hr with vnet-data for plan-platform's move to regional integration");
    expect(plan).toContain("Nothing restarts.");
    expect(final).toContain(":tada: Done: 2 of 2 steps");
    for (const [vnet, remote] of [["vnet-hr", "vnet-data"], ["vnet-data", "vnet-hr"]] as const) {
      const peering = (await slack.azure.reader.getVnet(demo.vnet(vnet))).peerings.find((p) => p.remoteVnetId.toLowerCase() === demo.vnet(remote).toLowerCase());
      expect(peering).toMatchObject({ name: `${vnet}-to-${remote}`, peeringState: "Connected", allowVirtualNetworkAccess: true, allowGatewayTransit: false, useRemoteGateways: false, allowForwardedTraffic: false });
    }
    const answer = textOf(await slack.ask(PEOPLE.bystander, "migration --fresh --plan plan-platform"));
    expect(answer).toMatch(/vnet-hr is peered with vnet-data \([^)]+, Connected\), so the apps still reach it from there\./);
    expect(answer).not.toContain("/vnet migrate peer plan-platform vnet-hr vnet-data");
  });

  it("can be asked while the migration that needs it waits for approval", async () => {
    const migration = textOf(await slack.requestChange("migrate plan-platform vnet-hr vnet-data/snet-sql"));
    expect(migration).toContain("Peer the two VNets first (VNet access allowed on both sides): `/vnet migrate peer plan-platform vnet-hr vnet-data`.");

    const peering = await slack.requestChange("migrate peer plan-platform vnet-hr vnet-data");

    expect(textOf(peering)).toContain("Peer vnet-hr with vnet-data for plan-platform's move to regional integration");
  });

  it("refuses, at approval, a migration whose preview said the left VNet would be lost once the peering changed that", async () => {
    const migration = await slack.requestChange("migrate plan-platform vnet-hr vnet-data/snet-sql");
    expect((await slack.requestAndApprove("migrate peer plan-platform vnet-hr vnet-data")).final).toContain("Done");

    await slack.click(PEOPLE.approver, "approve", /request `(req\d+)`/.exec(textOf(migration))![1]!, migration);
    await slack.bot.idle();

    // The approver read ":x: … not peered"; Azure now says otherwise, so the change is asked for again, not run.
    expect(textOf(slack.current(migration))).toContain("Azure changed since this was requested");
    expect(textOf(await slack.requestChange("migrate plan-platform vnet-hr vnet-data/snet-sql"))).toMatch(/:white_check_mark: vnet-hr \([^)]*\) stays reached: vnet-data is peered with it/);
  });

  it.each([
    ["for a plan that does not use the VNet", "migrate peer plan-inventory vnet-hr vnet-data", "No app of plan plan-inventory uses vnet-hr through its gateway, and vnetbot has moved none off it"],
    ["with a VNet outside the plan's region", "migrate peer plan-platform vnet-hr vnet-reports-ne", "vnet-reports-ne is in northeurope and plan plan-platform in westeurope: regional integration needs a subnet in the plan's region"],
  ])("refuses a peering %s, before approval", async (_case, text, reason) => {
    expect(await refusedChange(slack, text)).toContain(reason);
  });

  it("asked again, says there is nothing to do, before any approval", async () => {
    expect((await slack.requestAndApprove("migrate peer plan-platform vnet-hr vnet-data")).final).toContain("Done");

    const answer = await refusedChange(slack, "migrate peer plan-platform vnet-hr vnet-data");

    expect(answer).toMatch(/vnet-hr and vnet-data are peered already \([^)]+, Connected, VNet access on both sides\): there is nothing to do\./);
  });
});

/**
 * The regional estate: vnet-hub (10.10.0.0/16, plan-std's gateway VNet) is peered with vnet-apps (10.30.0.0/16), whose
 * side does not allow VNet access and uses vnet-hub's gateway. vnet-clash overlaps vnet-hub; vnet-twin overlaps
 * vnet-apps; vnet-north's peering with vnet-hub lost its other side (Disconnected).
 */
function estate() {
  const seed = regionalEstate();
  const net = seed.subscriptions[0]!.resourceGroups![1]!;
  const apps = net.vnets!.find((vnet) => vnet.name === "vnet-apps")!;
  apps.peerings = [{ name: "apps-to-hub", remoteVnet: "vnet-hub", allowVirtualNetworkAccess: false, allowForwardedTraffic: true, useRemoteGateways: true }];
  net.vnets!.find((vnet) => vnet.name === "vnet-north")!.peerings = [{ name: "north-to-hub", remoteVnet: "vnet-hub", peeringState: "Disconnected" }];
  net.vnets!.push({ name: "vnet-clash", addressSpace: ["10.10.128.0/17"] }, { name: "vnet-twin", addressSpace: ["10.30.0.0/16"] });
  return seed;
}

describe("/vnet migrate peer on VNets with peerings already", () => {
  let slack: SlackHarness;
  beforeAll(async () => {
    slack = await startSlackHarness({ estate: estate() });
  });
  afterAll(() => slack.close());

  it.each([
    ["the VNet itself", "migrate peer plan-std vnet-hub vnet-hub", "A VNet cannot be peered with itself (vnet-hub)."],
    ["a VNet that overlaps", "migrate peer plan-std vnet-hub vnet-clash", "vnet-hub and vnet-clash overlap (10.10.0.0/16); overlapping VNets cannot be peered"],
    ["a VNet that overlaps one already peered", "migrate peer plan-std vnet-hub vnet-twin", "vnet-hub is peered with vnet-apps (hub-to-apps), which overlaps vnet-twin (10.30.0.0/16): Azure peers no VNet with two VNets whose address spaces overlap."],
    ["a peering whose other side is gone", "migrate peer plan-std vnet-hub vnet-north", "Peering north-to-hub on vnet-north is Disconnected"],
  ])("refuses %s before approval, writing nothing", async (_case, text, reason) => {
    expect(await refusedChange(slack, text)).toContain(reason);
  });

  it("turns on VNet access in the existing peering, keeping its name and its other flags", async () => {
    const { plan, final } = await slack.requestAndApprove("migrate peer plan-std vnet-hub vnet-apps");

    expect(plan).toContain("Allow VNet access on vnet-apps's peering apps-to-hub with vnet-hub");
    expect(final).toContain("1. Keep vnet-hub's peering hub-to-apps with vnet-apps, which allows VNet access _(skipped: peering hub-to-apps already allows VNet access)_");
    expect(final).toContain(":tada: Done");
    const apps = await slack.azure.reader.getVnet(slack.azure.sim.state.vnets.values().find((v) => v.name === "vnet-apps")!.id);
    expect(apps.peerings).toEqual([expect.objectContaining({ name: "apps-to-hub", allowVirtualNetworkAccess: true, allowForwardedTraffic: true, useRemoteGateways: true, peeringState: "Connected" })]);
  });
});

describe("a migration whose subnet's VNet has a Disconnected peering with the VNet left behind", () => {
  let slack: SlackHarness;
  beforeAll(async () => {
    // vnet-hub's side of the peering was deleted: vnet-apps's side is Disconnected, which Azure cannot repair in place.
    const seed = regionalEstate();
    const net = seed.subscriptions[0]!.resourceGroups![1]!;
    net.vnets!.find((vnet) => vnet.name === "vnet-hub")!.peerings = [];
    net.vnets!.find((vnet) => vnet.name === "vnet-apps")!.peerings = [{ name: "apps-to-hub", remoteVnet: "vnet-hub", peeringState: "Disconnected" }];
    slack = await startSlackHarness({ estate: seed });
  });
  afterAll(() => slack.close());

  it("says in the preview that the peering must be deleted before migrate peer can peer the two again", async () => {
    const preview = textOf(await slack.requestChange("migrate app-gw vnet-apps/snet-ready"));

    expect(preview).toContain(":warning: vnet-apps's peering apps-to-hub is Disconnected: the apps reach vnet-hub (10.10.0.0/16) only once it is deleted in Azure and `/vnet migrate peer plan-std vnet-hub vnet-apps` has peered the two again.");
  });
});
