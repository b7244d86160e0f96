// Management locks, as the simulator enforces them like ARM (src/stand-ins/arm/locks.ts): a change they refuse says
// so, names the lock's scope and whom to ask, never "busy, try again"; lifted, running the change again finishes it.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PRODUCTION } from "../support/demo-estate.ts";
import { PEOPLE, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";

const GROUP = (name: string) => `/subscriptions/${PRODUCTION}/resourceGroups/${name}`;
const packageOf = (app: string) => slack.sim.state.connectionsOf(slack.sim.state.apps.named(app).id)[0]?.vpnPackageUri;

let slack: SlackHarness;
beforeEach(async () => {
  slack = await startSlackHarness();
});
afterEach(() => slack.close());

describe("a change under a management lock", () => {
  it("stops a connect at the gateway when the network's group is read-only, names the lock, and finishes once it is lifted", async () => {
    slack.sim.state.locks.push({ name: "network-freeze", level: "ReadOnly", scope: GROUP("rg-network") });

    const { final } = await slack.requestAndApprove("connect orders-worker vnet-hub");

    // The VPN client package is a POST on the gateway, which a ReadOnly lock refuses like any write.
    expect(final).toContain("Failed at step 3 of 5: Step 3 of 5 (Generate gateway gw-hub's VPN client package) failed: A management lock on resource group rg-network refuses this change of gateway rg-network/gw-hub.");
    expect(final).toContain("Ask whoever owns it to lift it for this change (`az lock list --resource-group rg-network` names it)");
    expect(final).toContain("Steps 1-2 finished before it.");
    expect(final).not.toMatch(/busy|try again in a minute/);
    expect(packageOf("orders-worker")).toBeUndefined();

    slack.sim.state.locks.length = 0;
    const again = await slack.requestAndApprove("connect orders-worker vnet-hub");

    expect(again.final).toContain("Done: 5 of 5 steps");
    expect(packageOf("orders-worker")).toContain("sig=");
  });

  it("stops a disconnect when the app may not lose anything (CanNotDelete), and changes nothing", async () => {
    const app = slack.sim.state.apps.named("orders-web");
    slack.sim.state.locks.push({ name: "keep", level: "CanNotDelete", scope: app.id });

    const { final } = await slack.requestAndApprove("disconnect orders-web");

    expect(final).toContain("Failed at step 1 of 2: Step 1 of 2 (Delete orders-web's connection to vnet-hub (the app restarts)) failed: A management lock on app orders-web (resource group rg-apps) refuses this deletion of the connection of app rg-apps/orders-web to vnet-hub.");
    expect(final).toContain("No step had run, so nothing changed.");
    expect(slack.sim.state.apps.named("orders-web")).toMatchObject({ vnetName: "vnet-hub", restarts: 0 });
  });

  it("lets every read through a read-only lock: list and show answer as before", async () => {
    slack.sim.state.locks.push({ name: "freeze", level: "ReadOnly", scope: GROUP("rg-apps") }, { name: "freeze", level: "ReadOnly", scope: GROUP("rg-network") });

    const shown = textOf(await slack.ask(PEOPLE.bystander, "show orders-web"));

    expect(shown).toContain("vnet-hub");
    expect(shown).not.toMatch(/lock|could not/i);
  });
});
