import { afterEach, describe, expect, it } from "vitest";
import { ACTIONS } from "../../src/core/reply.ts";
import { startAzureHarness } from "../support/azure-harness.ts";
import { CHANNELS, PEOPLE, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";
import { NOW } from "./estates.ts";

let slack: SlackHarness | undefined;
afterEach(async () => {
  await slack?.close();
  await slack?.azure.close();
  slack = undefined;
});

const clock = { now: () => NOW };

/** A bot on the missing-route estate whose diagnosis' Fix buttons are wired as the composition root wires them. */
async function slackWithFixes(operators?: string[]): Promise<SlackHarness> {
  const azure = await startAzureHarness({ estate: "diagnose-missing-route", now: () => NOW });
  slack = await startSlackHarness({
    azure, clock, ...(operators ? { operators } : {})
  });
  return slack;
}

/** The Fix buttons of a message as label → value. */
function fixButtons(message: { blocks: unknown[] } | undefined): Map<string, string> {
  const blocks = (message?.blocks ?? []) as Array<{ type: string; elements?: Array<{ action_id: string; value: string; text: { text: string } }> }>;
  const buttons = blocks.filter((b) => b.type === "actions").flatMap((b) => b.elements ?? []).filter((e) => e.action_id === ACTIONS.diagnoseFix);
  return new Map(buttons.map((b) => [b.text.text, b.value]));
}

describe("a diagnosis' Fix button", () => {
  it("is not offered while the gateway is down, whose repair every offered change would wait for", async () => {
    // The demo's billing-legacy: its gateway gw-legacy is Failed and its certificate has expired.
    slack = await startSlackHarness({ azure: await startAzureHarness({ estate: "demo", now: () => NOW }), clock });

    const diagnosis = await slack.ask(PEOPLE.requester, "diagnose billing-legacy 10.30.1.4:1433");

    expect(textOf(diagnosis)).toMatch(/Gateway gw-legacy is down/);
    expect(textOf(diagnosis)).toMatch(/expired on \d{4}-\d\d-\d\d/);
    expect([...fixButtons(diagnosis).keys()].filter((label) => label.includes("renew"))).toEqual([]);
    expect(textOf(diagnosis)).toContain("No Fix button for a change that needs the gateway while it is down or busy.");
    // The command is still shown, to run once the gateway is up.
    expect(textOf(diagnosis)).toContain("/vnet renew billing-legacy");
  });

  it("still offers a plan route while the gateway is busy: the route is the plan's alone", async () => {
    const bot = await slackWithFixes();
    bot.sim.state.gateways.named("gw-hub").provisioningState = "Updating";

    const diagnosis = await bot.ask(PEOPLE.requester, "diagnose shop-api 10.20.2.10:443");

    expect(textOf(diagnosis)).toContain("Gateway gw-hub is busy");
    expect(fixButtons(diagnosis).has("Fix: route add plan-shop vnet-hub 10.20.0.0/16")).toBe(true);
    expect(textOf(diagnosis)).not.toContain("No Fix button for a change that needs the gateway");
  });


  it("opens the normal approval flow for the offered route, and after approval the diagnosis is clean", async () => {
    const bot = await slackWithFixes();
    const diagnosis = await bot.ask(PEOPLE.requester, "diagnose shop-api catalog.shop.internal:443");
    const offer = fixButtons(diagnosis).get("Fix: route add plan-shop vnet-hub 10.20.0.0/16");

    await bot.click(PEOPLE.requester, ACTIONS.diagnoseFix, offer ?? "", { channel: CHANNELS.ops, ts: "1" });
    await bot.bot.idle();
    const request = bot.api.workspace.messages(CHANNELS.approvals)[0];
    const nothingYet = bot.azureWrites();
    await bot.click(PEOPLE.approver, "approve", /request `(req\d+)`/.exec(textOf(request))?.[1] ?? "", request!);
    await bot.bot.idle();
    const after = await bot.ask(PEOPLE.requester, "diagnose shop-api catalog.shop.internal:443");

    expect(textOf(request)).toContain("10.20.0.0/16");
    expect(nothingYet).toEqual([]);
    expect(bot.sim.state.routesOf(bot.sim.state.plans.named("plan-shop").id, "vnet-hub").map((r) => r.startAddress)).toContain("10.20.0.0/16");
    expect(after?.text).toMatch(/all \d+ checks pass/);
    expect(fixButtons(after).size).toBe(0);
  });

  it("refuses a clicker who may not request changes, audits it, and asks for nothing", async () => {
    const bot = await slackWithFixes([PEOPLE.operator]);
    const diagnosis = await bot.ask(PEOPLE.bystander, "diagnose shop-api catalog.shop.internal:443");
    const [offer] = fixButtons(diagnosis).values();

    await bot.click(PEOPLE.bystander, ACTIONS.diagnoseFix, offer ?? "", { channel: CHANNELS.ops, ts: "1" });
    await bot.bot.idle();

    expect(bot.ephemeralTexts(PEOPLE.bystander).at(-1)).toContain("Only operators can request changes, Fix buttons included.");
    expect(bot.api.workspace.messages(CHANNELS.approvals)).toEqual([]);
    expect((await bot.stores.audit.latest(1))[0]).toMatchObject({ actor: PEOPLE.bystander, action: "refuse" });
  });

  /**
   * vnet-hub's DNS servers change, shop-api's diagnosis offers a sync for the drift, and someone puts them back before
   * the click; `meanwhile` changes more first. Resolves with the diagnosis and the offer, once the click is handled.
   */
  async function driftFixedBeforeClick(bot: SlackHarness, meanwhile: () => void = () => undefined) {
    const vnet = bot.sim.state.vnets.named("vnet-hub");
    const before = vnet.dnsServers;
    vnet.dnsServers = ["10.10.0.9"];
    const diagnosis = await bot.ask(PEOPLE.requester, "diagnose shop-api");
    const offer = fixButtons(diagnosis).get("Fix: sync plan-shop vnet-hub");
    vnet.dnsServers = before;
    meanwhile();
    await bot.click(PEOPLE.requester, ACTIONS.diagnoseFix, offer ?? "", { channel: CHANNELS.ops, ts: "1" });
    await bot.bot.idle();
    return { diagnosis, offer };
  }

  it("files nothing when what it was offered for was fixed since, and says so", async () => {
    const bot = await slackWithFixes();

    const { diagnosis, offer } = await driftFixedBeforeClick(bot);

    expect(textOf(diagnosis)).toContain("but the app still has");
    expect(offer).toBeDefined();
    expect(bot.api.workspace.messages(CHANNELS.approvals)).toEqual([]);
    expect(bot.ephemeralTexts(PEOPLE.requester).at(-1)).toContain("What this Fix was offered for is fixed already, so nothing was filed: The app uses the VNet's current DNS servers");
  });

  it("files the sync when what it was offered for is fixed but Azure still flags the connection for a resync", async () => {
    const bot = await slackWithFixes();

    // The DNS servers are put back, but the connection is still flagged: the sync is still wanted.
    await driftFixedBeforeClick(bot, () => void (bot.sim.state.connectionsOf(bot.sim.state.apps.named("shop-api").id)[0]!.resyncRequired = true));

    expect(textOf(bot.api.workspace.messages(CHANNELS.approvals)[0])).toContain("sync");
    expect(bot.ephemeralTexts(PEOPLE.requester).at(-1)).not.toContain("fixed already");
  });

  it("files the sync it offered while the problem is still there", async () => {
    const bot = await slackWithFixes();
    bot.sim.state.vnets.named("vnet-hub").dnsServers = ["10.10.0.9"];
    const diagnosis = await bot.ask(PEOPLE.requester, "diagnose shop-api");

    await bot.click(PEOPLE.requester, ACTIONS.diagnoseFix, fixButtons(diagnosis).get("Fix: sync plan-shop vnet-hub") ?? "", { channel: CHANNELS.ops, ts: "1" });
    await bot.bot.idle();

    expect(textOf(bot.api.workspace.messages(CHANNELS.approvals)[0])).toContain("sync");
  });

  it("says a button it does not know has expired, and asks for a fresh diagnosis", async () => {
    const bot = await slackWithFixes();

    await bot.click(PEOPLE.requester, ACTIONS.diagnoseFix, "fix-0000000000", { channel: CHANNELS.ops, ts: "1" });
    await bot.bot.idle();

    expect(bot.ephemeralTexts(PEOPLE.requester).at(-1)).toContain("This Fix button has expired");
  });
});
