// Management locks, as the simulator enforces them like ARM (src/stand-ins/arm/locks.ts): the preview names a lock
// that would refuse the change, a change that a lock would still stop does not start (nothing half-done), and once
// the lock is lifted the same change runs. Never "busy, try again": waiting does not lift a lock.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PRODUCTION } from "../support/demo-estate.ts";
import { PEOPLE, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";

const GROUP = (name: string) => `/subscriptions/${PRODUCTION}/resourceGroups/${name}`;
const packageOf = (app: string) => slack.sim.state.connectionsOf(slack.sim.state.apps.named(app).id)[0]?.vpnPackageUri;
const approve = async (message: Awaited<ReturnType<SlackHarness["requestChange"]>>) => {
  await slack.click(PEOPLE.approver, "approve", /request `(req\d+)`/.exec(textOf(message))?.[1] ?? "", message);
  await slack.bot.idle();
  return textOf(slack.current(message));
};

let slack: SlackHarness;
beforeEach(async () => {
  slack = await startSlackHarness();
});
afterEach(() => slack.close());

describe("a change under a management lock", () => {
  it("names a read-only network group in the preview, does not start while it stands, and runs once it is lifted", async () => {
    slack.sim.state.locks.push({ name: "network-freeze", level: "ReadOnly", scope: GROUP("rg-network") });

    const message = await slack.requestChange("connect orders-worker vnet-hub");
    const warned = textOf(message);
    const refused = await approve(message);

    expect(warned).toContain(":lock: The ReadOnly lock network-freeze on resource group rg-network refuses changes to gateway gw-hub: have it lifted before approving, or the change stops there.");
    expect(refused).toContain("The ReadOnly lock network-freeze on resource group rg-network refuses changes to gateway gw-hub, so the change did not start. Nothing was changed.");
    expect(refused).toContain("`az lock list --resource-group rg-network`");
    expect(refused).not.toMatch(/busy|in a minute/);
    expect(slack.azureWrites()).toEqual([]);

    slack.sim.state.locks.length = 0;
    const again = await slack.requestAndApprove("connect orders-worker vnet-hub");

    expect(again.plan).not.toContain(":lock:");
    expect(again.final).toContain("Done: 5 of 5 steps");
    expect(packageOf("orders-worker")).toContain("sig=");
  });

  it("adds a peered VNet's missing plan route under a read-only network group: the peerings in place are not written", async () => {
    slack.sim.state.locks.push({ name: "network-freeze", level: "ReadOnly", scope: GROUP("rg-network") });

    const { plan, final } = await slack.requestAndApprove("peer plan-orders vnet-hub vnet-spoke");

    expect(plan).not.toContain(":lock:");
    expect(final).toContain("Done: 1 of 1 steps");
  });

  it("runs a change whose lock was lifted between the request and the approval", async () => {
    slack.sim.state.locks.push({ name: "network-freeze", level: "ReadOnly", scope: GROUP("rg-network") });
    const message = await slack.requestChange("connect orders-worker vnet-hub");

    slack.sim.state.locks.length = 0;

    expect(await approve(message)).toContain("Done: 5 of 5 steps");
  });

  it("refuses a disconnect of an app that may lose nothing (CanNotDelete) before it restarts anything", async () => {
    slack.sim.state.locks.push({ name: "keep", level: "CanNotDelete", scope: slack.sim.state.apps.named("orders-web").id });

    const { plan, final } = await slack.requestAndApprove("disconnect orders-web");

    expect(plan).toContain(":lock: The CanNotDelete lock keep on app orders-web (resource group rg-apps) refuses deletions in app orders-web");
    expect(final).toContain("so the change did not start. Nothing was changed.");
    expect(slack.sim.state.apps.named("orders-web")).toMatchObject({ vnetName: "vnet-hub", restarts: 0 });
  });

  it("warns of a lock on a step that may not be needed, and runs: orders-api still holds the certificate on gw-hub", async () => {
    slack.sim.state.locks.push({ name: "network-freeze", level: "ReadOnly", scope: GROUP("rg-network") });

    const { plan, final } = await slack.requestAndApprove("disconnect orders-web");

    expect(plan).toContain("refuses changes to gateway gw-hub (if that step is needed)");
    expect(final).toContain("Done: 2 of 2 steps");
    expect(slack.sim.state.apps.named("orders-web").vnetName).toBeUndefined();
  });

  it("says plainly when it cannot read the locks, and lets the change go on: Azure still refuses what a lock forbids", async () => {
    slack.sim.faults.add({ method: "GET", path: /\/providers\/Microsoft\.Authorization\/locks$/, status: 403, code: "AuthorizationFailed" });

    const { plan, final } = await slack.requestAndApprove("route add plan-orders vnet-hub 10.20.0.0/16");

    expect(plan).toMatch(/Management locks could not be read \(The bot is not allowed to do this on the management locks of subscription [^)]*: it needs Microsoft\.Authorization\/locks\/read\.\); a lock in the way would stop this change at its step\./);
    expect(final).toContain("Done: 1 of 1 steps");
  });

  it("lets every read through a read-only lock: show answers as before", async () => {
    slack.sim.state.locks.push({ name: "freeze", level: "ReadOnly", scope: GROUP("rg-apps") }, { name: "freeze", level: "ReadOnly", scope: GROUP("rg-network") });

    const shown = textOf(await slack.ask(PEOPLE.bystander, "show orders-web"));

    expect(shown).toContain("vnet-hub");
    expect(shown).not.toMatch(/lock|could not/i);
  });
});
