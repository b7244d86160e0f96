import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ids } from "../../src/core/resource-id.ts";
import { PRODUCTION } from "../support/demo-estate.ts";
import { PEOPLE, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";


// Reading commands change nothing, so one demo estate and one bot serve the whole file.
let slack: SlackHarness;
beforeAll(async () => {
  slack = await startSlackHarness();
});
afterAll(() => slack.close());

/** The part of a reply about one plan → VNet integration (list shows one section each). */
const sectionAbout = (reply: string, heading: string) => reply.split('{"type":"section"').find((s) => s.includes(heading)) ?? "";

describe("read commands against the demo estate", () => {
  it("acknowledges at once, then answers the plan's routes through the response URL", async () => {
    const { ack } = await slack.command(PEOPLE.bystander, "routes plan-orders vnet-hub");
    await slack.bot.idle();

    expect(ack?.text).toBe(":hourglass_flowing_sand: Working on `/vnet routes plan-orders vnet-hub`…");
    const answer = slack.api.workspace.ephemerals(PEOPLE.bystander).at(-1);
    expect(answer?.text).toBe("Routes of plan-orders into vnet-hub: 1 route");
    expect(textOf(answer)).toContain("`onprem-datacenter` (192.168.0.0/16, STATIC)");
    expect(slack.azureWrites()).toEqual([]);
  });

  it("says an integration on a classic VNet is beyond Resource Manager, in the list, in show and among the gateways", async () => {
    const list = textOf(await slack.ask(PEOPLE.bystander, "list"));
    const show = textOf(await slack.ask(PEOPLE.bystander, "show erp-connector"));
    const gateways = textOf(await slack.ask(PEOPLE.bystander, "gateways"));

    expect(sectionAbout(list, "*plan-erp* → *vnet-classic-erp*")).toContain(":warning: classic VNet: Resource Manager cannot read it or its gateway");
    expect(sectionAbout(list, "*plan-erp* → *vnet-classic-erp*")).not.toContain("no longer exists");
    expect(show).toContain("classic VNet: Resource Manager cannot read it or its gateway");
    expect(gateways).toContain("*The gateway of vnet-classic-erp* could not be checked (vnet-classic-erp is a classic VNet");
    expect(gateways).not.toMatch(/vnet-classic-erp\S* is down/);
  });

  it("lists every integration, marking the expired certificate and the one that expires within six months", async () => {
    const reply = textOf(await slack.ask(PEOPLE.bystander, "list"));

    expect(reply).toContain("10 gateway-required integrations in 6 plans (6 plans scanned). 1 app uses regional integration (deployment slots not counted). Certificates: 1 expired, 1 expiring within six months.");
    // The fixed clock is 2026-03-01: 395 days before the retirement.
    expect(reply).toContain("retired on 31 March 2027: 0 of 10 integrations migrated to regional VNet integration, 395 days left.");
    expect(sectionAbout(reply, "*plan-platform* → *vnet-legacy*")).toContain("apps: billing-legacy");
    expect(sectionAbout(reply, "*plan-platform* → *vnet-legacy*")).toContain(":x: expired 2026-02-09 09:00 UTC (20 days ago)");
    expect(sectionAbout(reply, "*plan-basic* → *vnet-finance*")).toContain(":warning: expires 2026-05-30 09:00 UTC (in 90 days)");
    expect(sectionAbout(reply, "*plan-orders* → *vnet-hub*")).not.toContain(":warning:");
    expect(sectionAbout(reply, "*plan-platform* → *vnet-finance*")).toContain(":warning: certificate not on the gateway (`/vnet sync`)");
    expect(slack.azureWrites()).toEqual([]);
  });

  it("marks a gateway that is down or busy on its rows, as /vnet gateways judges it", async () => {
    const hub = slack.sim.state.gateways.named("gw-hub");
    hub.provisioningState = "Updating";
    const reply = textOf(await slack.ask(PEOPLE.bystander, "list --fresh"));
    const onePlan = textOf(await slack.ask(PEOPLE.bystander, "list --plan plan-platform --fresh"));
    hub.provisioningState = "Succeeded";
    await slack.ask(PEOPLE.bystander, "list --fresh");

    expect(sectionAbout(reply, "*plan-platform* → *vnet-legacy*")).toContain(":red_circle: gateway down (provisioning state Failed");
    expect(sectionAbout(reply, "*plan-orders* → *vnet-hub*")).toContain(":large_blue_circle: gateway busy (provisioning state Updating)");
    expect(sectionAbout(reply, "*plan-platform* → *vnet-data*")).not.toContain("gateway down");
    // One plan read live judges its gateways as the whole answer does.
    expect(sectionAbout(onePlan, "*plan-platform* → *vnet-legacy*")).toContain(":red_circle: gateway down (provisioning state Failed");
  });

  it("marks a gateway Resource Health calls unavailable as down, in one plan's answer read live too", async () => {
    const gateway = slack.sim.state.gateways.named("gw-data").id;
    slack.sim.state.setHealth(gateway, "Unavailable");
    const onePlan = textOf(await slack.ask(PEOPLE.bystander, "list --plan plan-platform --fresh"));
    slack.sim.state.setHealth(gateway, "Available");
    await slack.ask(PEOPLE.bystander, "list --fresh");

    expect(sectionAbout(onePlan, "*plan-platform* → *vnet-data*")).toContain(":red_circle: gateway down (Resource Health: Unavailable");
  });

  it.each(["list --plan plan-ordres", "migration --plan plan-ordres"])("says no plan has a mistyped name, rather than that it has nothing: /vnet %s", async (command) => {
    const reply = textOf(await slack.ask(PEOPLE.bystander, command));

    expect(reply).toContain('No plan \\"plan-ordres\\" in the subscriptions vnetbot manages.');
    expect(reply).not.toContain("nothing to migrate");
    expect(reply).not.toContain("0 gateway-required integrations");
  });

  it.each(["show platform-finance", "show platform-finance --fresh", "plan plan-platform"])("marks a certificate missing from the gateway as /vnet list does: /vnet %s", async (command) => {
    await slack.ask(PEOPLE.bystander, "list");

    const reply = textOf(await slack.ask(PEOPLE.bystander, command));

    expect(reply).toContain(":warning: certificate not on the gateway (`/vnet sync`)");
  });

  it.each(["list --fresh", "migration --fresh"])("names an app whose connections could not be read on its plan's rows, not \"apps: none\": /vnet %s", async (command) => {
    const fault = slack.sim.faults.add({ method: "GET", path: /\/sites\/platform-hr\/virtualNetworkConnections$/i, status: 403, code: "AuthorizationFailed", message: "no access" });

    const reply = textOf(await slack.ask(PEOPLE.bystander, command));
    slack.sim.faults.remove(fault);

    expect(reply).toMatch(/\*plan-platform\* → \*vnet-hr\* · apps: maybe platform-hr \(could not be read\)/);
    expect(reply).not.toMatch(/\*plan-platform\* → \*vnet-hr\* · apps: none/);
  });

  it("names a deployment slot whose connections could not be read on its plan's row", async () => {
    const fault = slack.sim.faults.add({ method: "GET", path: /\/sites\/orders-api\/slots\/staging\/virtualNetworkConnections$/i, status: 403, code: "AuthorizationFailed", message: "no access" });

    const list = textOf(await slack.ask(PEOPLE.bystander, "list --fresh"));
    const plan = textOf(await slack.ask(PEOPLE.bystander, "plan plan-orders"));
    slack.sim.faults.remove(fault);
    await slack.ask(PEOPLE.bystander, "list --fresh");

    expect(list).toMatch(/\*plan-orders\* → \*vnet-hub\* · apps: orders-api, orders-web, and maybe orders-api\/staging \(could not be read\)/);
    expect(plan).toContain("*vnet-hub* · apps: orders-api, orders-web, and maybe orders-api/staging (could not be read)");
  });

  it("shows a gateway ARM no longer finds, though its VNet names it, as not found", async () => {
    const fault = slack.sim.faults.add({ method: "GET", path: /\/virtualNetworkGateways\/gw-hub$/i, status: 404, code: "ResourceNotFound", message: "gone" });

    const reply = textOf(await slack.ask(PEOPLE.bystander, "show orders-web --fresh"));
    slack.sim.faults.remove(fault);

    expect(reply).toContain("*Gateway*\\nnot found");
  });

  it("says why a plan that cannot have gateway-required integration has none", async () => {
    const reply = textOf(await slack.ask(PEOPLE.bystander, "plan plan-linux"));

    expect(reply).toContain("0 of 5 VNets");
    expect(reply).toContain("Plan plan-linux runs Linux; gateway-required integration is Windows-only.");
  });

  it("lists one plan without the subscription's regional count, which is not the plan's", async () => {
    const reply = textOf(await slack.ask(PEOPLE.bystander, "list --plan plan-orders"));

    expect(reply).toContain("1 gateway-required integration in 1 plan");
    expect(reply).not.toContain("regional integration (deployment slots not counted)");
  });

  it("shows one app's VNet, gateway, P2S pool, certificate thumbprint and expiry, routes and DNS, and never its certificate blob or a SAS token", async () => {
    const certificate = slack.sim.state.certificateFor(ids.plan(PRODUCTION, "rg-apps", "plan-orders"), ids.vnet(PRODUCTION, "rg-network", "vnet-hub"));

    const reply = textOf(await slack.ask(PEOPLE.bystander, "show orders-api"));

    expect(reply).toContain("orders-api: vnet-hub");
    expect(reply).toContain(`*Certificate*\\n\`${certificate?.thumbprint}\`\\nexpires 2033-02-27 09:00 UTC (in 2555 days)`);
    expect(reply).toContain("`onprem-datacenter` (192.168.0.0/16, STATIC)");
    expect(reply).toContain("*DNS*\\n10.10.0.4, 10.10.0.5");
    expect(certificate?.blob.length).toBeGreaterThan(100);
    expect(reply).not.toContain(certificate?.blob.slice(0, 40));
    expect(reply).toContain("*Gateway*\\ngw-hub (VpnGw1, Succeeded; 2 of 20 root certificates)");
    expect(reply).toContain("*P2S pool (firewalls must allow all of it)*\\n172.16.201.0/24");
    expect(reply).not.toContain("sig=");
  });

  it("shows a connection's DNS servers once", async () => {
    const reply = textOf(await slack.ask(PEOPLE.bystander, "show orders-api --fresh"));

    expect(reply.split("10.10.0.4, 10.10.0.5").length - 1).toBe(1);
  });

  it("shows a connection without DNS servers as Azure-provided or not reported, which Azure may leave out", async () => {
    const reply = textOf(await slack.ask(PEOPLE.bystander, "show platform-hr --fresh"));

    expect(reply).toContain("Azure-provided, or not reported");
  });

  it("shows the subnet of an app on regional integration, rather than only that it has no gateway-required one", async () => {
    const reply = textOf(await slack.ask(PEOPLE.bystander, "show catalog-regional"));

    expect(reply).toContain("catalog-regional uses regional VNet integration: subnet vnet-spoke/snet-integration.");
    expect(reply).not.toContain("has no gateway-required VNet integration");
  });

  it("refuses to list a subscription vnetbot does not manage, without asking Azure", async () => {
    const before = slack.sim.requests.length;

    const reply = textOf(await slack.ask(PEOPLE.bystander, "list --subscription 00000000-0000-0000-0000-0000000000ff"));

    expect(reply).toContain("Subscription 00000000-0000-0000-0000-0000000000ff is not one vnetbot manages");
    expect(slack.sim.requests.length).toBe(before);
  });

  it("shows a deployment slot's own integration when asked for APP/SLOT", async () => {
    const reply = textOf(await slack.ask(PEOPLE.bystander, "show orders-api/staging"));

    expect(reply).toContain('"text":"orders-api/staging"');
    expect(reply).toContain("*VNet*\\nvnet-hub");
  });

  it("shows a plan's VNets out of five and the apps on each", async () => {
    const orders = textOf(await slack.ask(PEOPLE.bystander, "plan plan-orders"));
    const platform = textOf(await slack.ask(PEOPLE.bystander, "plan plan-platform"));

    expect(orders).toContain("1 of 5 VNets");
    expect(orders).toContain("*vnet-hub* · apps: orders-api, orders-api/staging, orders-web");
    expect(platform).toContain("5 of 5 VNets");
    expect(platform).toContain("*vnet-data* · apps: platform-data · :warning: resync required");
  });

  it("answers a name that does not exist with the resolver's message, not an internal error", async () => {
    const answer = (await slack.ask(PEOPLE.bystander, "show no-such-app"))?.text ?? "";

    expect(answer).not.toContain("Something went wrong");
    expect(answer).toContain("no-such-app");
  });
});
