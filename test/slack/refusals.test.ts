import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHANNELS, PEOPLE, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";

// A refused change writes nothing and holds nothing, so one demo estate and one bot serve the whole file.
let slack: SlackHarness;
beforeAll(async () => {
  slack = await startSlackHarness();
});
afterAll(() => slack.close());

describe("changes the bot refuses, with the reason and without touching Azure", () => {
  it.each([
    ["to connect a Linux app", "connect linux-api vnet-hub", "Plan plan-linux runs Linux; gateway-required integration is Windows-only. Use regional VNet integration instead."],
    ["to connect an app on a Free plan", "connect free-site vnet-hub", "Plan plan-free is on the Free tier (F1); gateway-required integration needs Basic, Standard, Premium"],
    ["to connect a sixth VNet to plan-platform, which has five", "connect platform-new vnet-hub", "Plan plan-platform already integrates 5 VNets (vnet-data, vnet-finance, vnet-hr, vnet-legacy, vnet-ops); a plan can integrate at most 5."],
    ["to connect to a VNet without a VPN gateway", "connect orders-worker vnet-nogateway", "has no VPN gateway"],
    ["to connect to a VNet that does not exist", "connect orders-worker vnet-nosuch", 'No VNet "vnet-nosuch" in the subscriptions vnetbot manages.'],
    ["to add a range that overlaps an existing route", "route add plan-orders vnet-hub 192.168.10.0/24", "192.168.10.0/24 overlaps route onprem-datacenter"],
    ["to renew an app with no integration", "renew orders-worker", "orders-worker has no gateway-required VNet integration"],
    ["to remove a route the plan does not have", "route remove plan-orders vnet-hub nosuchroute", 'plan-orders has no route "nosuchroute" on vnet-hub: there is nothing to do.'],
    ["to add a route the plan already has", "route add plan-orders vnet-hub 192.168.0.0/16", "Route onprem-datacenter already sends 192.168.0.0/16 into vnet-hub: there is nothing to do."],
    ["to add a route inside the VNet's own address space", "route add plan-orders vnet-hub 10.10.5.0/24", "10.10.5.0/24 is inside vnet-hub's address space (10.10.0.0/16), which the apps reach through the gateway without a route: there is nothing to do."],
    ["to route a Linux plan, which cannot have gateway-required integration", "route add plan-linux vnet-hub 10.20.0.0/16", "Plan plan-linux has no gateway-required integration with vnet-hub, and cannot have one: Plan plan-linux runs Linux"],
    ["to connect an app that uses regional integration", "connect catalog-regional vnet-hub", "App catalog-regional uses regional VNet integration (vnet-spoke/snet-integration); an app has one VNet integration at a time."],
    ["to disconnect an app that uses regional integration", "disconnect catalog-regional", "catalog-regional has no gateway-required VNet integration, so there is nothing to disconnect."],
  ])("refuses %s", async (_case, text, reason) => {
    const writesBefore = slack.azureWrites().length;

    const answer = await slack.ask(PEOPLE.requester, text);

    expect(answer?.text).toContain(reason);
    expect(answer?.text).not.toContain("Something went wrong");
    expect(slack.azureWrites()).toHaveLength(writesBefore);
    expect(slack.api.workspace.messages(CHANNELS.approvals)).toEqual([]);
  });

  it.each([
    ["its own subnet's VNet", "connect catalog-regional vnet-spoke", "Its subnet is in vnet-spoke, so it reaches vnet-spoke already, without a gateway."],
    ["a VNet peered with its subnet's", "connect catalog-regional vnet-hub", "vnet-hub is peered with vnet-spoke (peering hub-to-spoke), so it reaches vnet-hub already, without a gateway."],
  ])("tells an app on regional integration asked to connect to %s that it reaches it already, not to peer it", async (_case, text, fix) => {
    const answer = textOf(await slack.ask(PEOPLE.requester, text));

    expect(answer).toContain(fix);
    expect(answer).not.toMatch(/peer (\S+) with \1/);
  });

  it("suggests the migrate form a typo meant when no app has that name, and nothing when one has", async () => {
    const typo = textOf(await slack.ask(PEOPLE.requester, "migrate rolback orders-api"));
    const app = textOf(await slack.ask(PEOPLE.requester, "migrate nosuchapp"));

    expect(typo).toContain('No app "rolback"');
    expect(typo).toContain("Did you mean `/vnet migrate rollback orders-api`?");
    expect(app).not.toContain("Did you mean `/vnet migrate");
  });

  it("tells a Linux app it has nothing to renew without offering to connect it, which Linux cannot", async () => {
    const answer = textOf(await slack.ask(PEOPLE.requester, "renew linux-api"));

    expect(answer).toContain("linux-api runs on Linux, which gateway-required integration does not support: it can have regional VNet integration only.");
    expect(answer).not.toContain("/vnet connect");
  });

  it("tells an app on regional integration it has nothing to disconnect, offering the rollback rather than a connect", async () => {
    const answer = textOf(await slack.ask(PEOPLE.requester, "disconnect catalog-regional"));

    expect(answer).toContain("It uses regional VNet integration (vnet-spoke/snet-integration). If vnetbot moved it there, `/vnet migrate rollback catalog-regional` puts its gateway-required integration back");
    expect(answer).not.toContain("/vnet connect");
  });

  it.each([
    ["a prefix longer than 32 bits", "route add plan-orders vnet-hub 10.0.0.0/33", "10.0.0.0/33"],
    ["an address that is not IPv4", "route add plan-orders vnet-hub 300.1.2.3/8", "\"300.1.2.3\" is not an IPv4 address"],
  ])("refuses %s in the acknowledgement itself, before reading Azure", async (_case, text, shown) => {
    const requestsBefore = slack.sim.requests.length;

    const { ack } = await slack.command(PEOPLE.requester, text);
    await slack.bot.idle();

    expect(ack?.text).toContain(shown);
    expect(JSON.stringify(ack?.blocks)).toContain("Usage: `/vnet route add PLAN VNET CIDR|START-END`");
    expect(slack.sim.requests).toHaveLength(requestsBefore);
    expect(slack.api.workspace.messages(CHANNELS.approvals)).toEqual([]);
  });
});
