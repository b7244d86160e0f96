import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runGatewayCheck } from "../../src/core/alerts/gateway-check.ts";
import { silentLogger } from "../../src/log.ts";
import { loadEstate, parseEstate } from "../../src/stand-ins/arm/index.ts";
import { startAzureHarness } from "../support/azure-harness.ts";
import { demo, NOW, SHARED } from "../support/demo-estate.ts";
import { CHANNELS, PEOPLE, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";

// The kept inventory lives in the bot's store: each test starts with an empty one.
let slack: SlackHarness;
let now: Date;
beforeEach(async () => {
  now = NOW;
  slack = await startSlackHarness({ clock: { now: () => now } });
});
afterEach(() => slack.close());

/** Asks as a bystander; resolves with the answer's text and how many requests ARM saw meanwhile. */
async function ask(text: string) {
  const before = slack.sim.requests.length;
  const reply = textOf(await slack.ask(PEOPLE.bystander, text));
  return { reply, armRequests: slack.sim.requests.length - before };
}

const AGE = "Inventory as of 09:00 UTC (12 minutes ago); `--fresh` reads Azure now.";

describe("reads from the kept inventory", () => {
  it("reads Azure for the first /vnet list, then answers the next without one ARM request, saying how old it is", async () => {
    const first = await ask("list");
    now = new Date(NOW.getTime() + 12 * 60_000);

    const second = await ask("list");

    expect(first.armRequests).toBeGreaterThan(0);
    expect(first.reply).not.toContain("Inventory as of");
    expect(second.armRequests).toBe(0);
    expect(second.reply).toContain("10 gateway-required integrations in 6 plans");
    expect(second.reply).toContain(AGE);
  });

  it.each([
    { command: "list --plan plan-orders", shows: "*plan-orders* → *vnet-hub*" },
    { command: "show orders-web", shows: "*Gateway*\\ngw-hub (VpnGw1, Succeeded; 2 of 20 root certificates)" },
    { command: "show orders-api/staging", shows: "*VNet*\\nvnet-hub" },
    { command: "plan plan-platform", shows: "5 of 5 VNets" },
    { command: "expiring", shows: "billing-legacy" },
    { command: "gateways", shows: "gw-legacy" },
  ])("answers /vnet $command from it without reading Azure", async ({ command, shows }) => {
    await ask("list");
    now = new Date(NOW.getTime() + 12 * 60_000);

    const { reply, armRequests } = await ask(command);

    expect(armRequests).toBe(0);
    expect(reply).toContain(shows);
    expect(reply).toContain(AGE);
  });

  it.each([
    { row: "an app without gateway-required integration", command: "show linux-api", shows: "linux-api has no gateway-required VNet integration." },
    { row: "a plan without integrations", command: "plan plan-linux", shows: "0 of 5 VNets" },
  ])("reads Azure for $row, which the kept inventory does not know", async ({ command, shows }) => {
    await ask("list");

    const { reply, armRequests } = await ask(command);

    expect(armRequests).toBeGreaterThan(0);
    expect(reply).toContain(shows);
    expect(reply).not.toContain("Inventory as of");
  });

  it("reads Azure with --fresh, and keeps what it read for the next answer", async () => {
    await ask("list");
    slack.sim.state.gateways.named("gw-hub").provisioningState = "Failed";

    const kept = await ask("gateways");
    const fresh = await ask("gateways --fresh");
    const after = await ask("gateways");

    expect(kept.reply).not.toContain("*Gateway gw-hub (vnet-hub)* is down");
    expect(fresh.armRequests).toBeGreaterThan(0);
    expect(fresh.reply).toContain("*Gateway gw-hub (vnet-hub)* is down");
    expect(fresh.reply).not.toContain("Inventory as of");
    expect(after.armRequests).toBe(0);
    expect(after.reply).toContain("*Gateway gw-hub (vnet-hub)* is down");
  });

  it("shows a change the bot made in the next /vnet list, which still reads nothing from Azure", async () => {
    await ask("list");
    const message = await slack.requestChange("disconnect orders-web");
    await slack.click(PEOPLE.approver, "approve", /request `(req\d+)`/.exec(textOf(message))?.[1] ?? "", message);
    await slack.bot.idle();

    const { reply, armRequests } = await ask("list");

    expect(textOf(slack.current(message))).toContain("Done");
    expect(armRequests).toBe(0);
    expect(reply).toContain("*plan-orders* → *vnet-hub* · apps: orders-api, orders-api/staging\\ngateway gw-hub");
    expect(reply).not.toContain("orders-web");
  });
});

describe("gateways as the gateway check last read them", () => {
  const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);
  /** The scheduled gateway check at `at`, as main.ts wires it: from the kept inventory, gateways read live. */
  const check = (at: Date) =>
    runGatewayCheck({ reader: slack.azure.reader, subscriptions: slack.azure.subscriptions, store: slack.stores.alerts, chat: slack.bot.chat, channel: CHANNELS.alerts, logger: silentLogger, inventory: slack.bot.inventory }, at);
  const gwHub = () => slack.sim.state.gateways.named("gw-hub");

  it("shows a gateway the check found down, then its recovery, in /vnet gateways and show without reading Azure", async () => {
    await ask("list");
    gwHub().provisioningState = "Failed";
    now = minutes(5);
    expect((await check(now)).opened).toContain("Gateway gw-hub (vnet-hub)");
    now = minutes(7);

    const down = await ask("gateways");
    const shown = await ask("show orders-web");

    expect(down.armRequests + shown.armRequests).toBe(0);
    expect(down.reply).toContain("*Gateway gw-hub (vnet-hub)* is down (provisioning state Failed)");
    expect(down.reply).toContain("Inventory as of 09:00 UTC (7 minutes ago), gateways as of 09:05 UTC; `--fresh` reads Azure now.");
    expect(shown.reply).toContain("gw-hub (VpnGw1, Failed;");

    gwHub().provisioningState = "Succeeded";
    now = minutes(10);
    expect((await check(now)).resolved).toContain("Gateway gw-hub (vnet-hub)");
    const up = await ask("gateways");

    expect(up.armRequests).toBe(0);
    expect(up.reply).not.toContain("gw-hub (vnet-hub)* is down");
    expect(up.reply).toContain("gateways as of 09:10 UTC");
  });

  it("gives a resync across subscriptions the fix that works there, not /vnet sync, which is refused", async () => {
    const message = await slack.requestChange(`connect orders-worker ${demo.sharedVnet}`);
    await slack.click(PEOPLE.approver, "approve", /request `(req\d+)`/.exec(textOf(message))![1]!, message);
    await slack.bot.idle();
    slack.sim.state.connectionsOf(demo.app("orders-worker"))[0]!.resyncRequired = true;
    await ask("list --fresh");

    await check(now);
    const alert = textOf(slack.api.workspace.messages(CHANNELS.alerts).find((m) => m.text.includes("vnet-shared")));
    const gateways = await ask("gateways");
    const list = await ask("list --plan plan-orders");

    expect(alert).toContain("Disconnect and reconnect each app instead");
    expect(alert).not.toContain("/vnet sync plan-orders vnet-shared");
    expect(gateways.reply).not.toContain("`/vnet sync plan-orders vnet-shared`");
    expect(list.reply).toContain("resync required (the VNet is in another subscription, where sync does not work: disconnect and reconnect each app)");
    // Nor is a certificate missing from that gateway mended by a sync.
    slack.sim.state.gateways.named("gw-shared").rootCertificates = [];
    const missing = await ask("list --plan plan-orders --fresh");
    expect(missing.reply).toContain("certificate not on the gateway (the VNet is in another subscription, where sync does not work: disconnect and reconnect each app)");
    expect(missing.reply).not.toContain("(`/vnet sync`)");
  });

  it("marks the plan's certificate missing from a gateway the check read without it, as show does", async () => {
    await ask("list");
    gwHub().rootCertificates = [];
    now = minutes(5);
    await check(now);

    const listed = await ask("list --plan plan-orders");

    expect(listed.armRequests).toBe(0);
    expect(listed.reply).toContain("0 of 20 root certificates");
    expect(listed.reply).toContain("certificate not on the gateway");
  });

  it("shows Resource Health as the check read it, and a health it could not read as unknown, not as up", async () => {
    await ask("list");
    slack.sim.state.setHealth(gwHub().id, "Unavailable");
    now = minutes(5);
    await check(now);

    const down = await ask("gateways");
    slack.sim.faults.add({ method: "GET", path: /gw-hub\/providers\/Microsoft\.ResourceHealth\/availabilityStatuses\/current$/i, status: 403, code: "AuthorizationFailed", message: "no health read" });
    now = minutes(10);
    await check(now);
    const unread = await ask("gateways");

    expect(down.reply).toContain("*Gateway gw-hub (vnet-hub)* is down (Resource Health: Unavailable)");
    expect(unread.armRequests).toBe(0);
    expect(unread.reply).toContain("*Gateway gw-hub (vnet-hub)* could not be checked (Resource Health could not be read)");
  });

  it("reads again at the next check a gateway an earlier check found gone", async () => {
    await ask("list");
    slack.sim.faults.add({ method: "GET", path: /virtualNetworkGateways\/gw-hub$/i, status: 404, code: "ResourceNotFound", message: "gone", times: 1 });
    now = minutes(5);
    await check(now);
    const gone = await ask("gateways");
    now = minutes(10);

    const back = await check(now);

    expect(gone.reply).toContain("the gateway of vnet-hub no longer exists in Azure");
    expect(back.resolved).toContain("The gateway of vnet-hub");
    expect((await ask("gateways")).reply).not.toContain("no longer exists");
  });

  it("finds a gateway made again after an inventory refresh saw its VNet without one, at the next check", async () => {
    await ask("list");
    const gateway = gwHub();
    slack.sim.state.gateways.delete(gateway.id);
    now = minutes(5);
    await check(now);
    now = minutes(15);
    await slack.bot.inventory.refreshDue(now);
    slack.sim.state.gateways.set(gateway);
    now = minutes(20);

    const back = await check(now);
    const gateways = await ask("gateways");

    expect(back.resolved).toContain("The gateway of vnet-hub");
    expect(gateways.armRequests).toBe(0);
    expect(gateways.reply).not.toContain("vnet-hub* is down");
    expect(gateways.reply).toContain("gateways as of 09:20 UTC");
  });

  it("keeps the gateways of an inventory read after the check", async () => {
    await ask("list");
    gwHub().provisioningState = "Failed";
    now = minutes(5);
    await check(now);
    gwHub().provisioningState = "Succeeded";
    now = minutes(6);
    await ask("list --fresh");

    const { reply, armRequests } = await ask("gateways");

    expect(armRequests).toBe(0);
    expect(reply).not.toContain("gw-hub (vnet-hub)* is down");
    expect(reply).toContain("Inventory as of 09:06 UTC (under a minute ago); `--fresh` reads Azure now.");
  });
});

describe("the bot's locks", () => {
  it("judge a lease by the bot's clock (the database's time where replicas share PostgreSQL), not the host's", async () => {
    const ahead = { now: () => new Date(Date.now() + 400 * 86_400_000) };
    const skewed = await startSlackHarness({ clock: ahead });
    try {
      // Another replica's refresh lock, held for an hour by this host's clock: by the bot's, it ran out long ago.
      const host = new Date();
      await skewed.stores.leases.claim("lock:inventory-refresh", "replica-b/1", host, new Date(host.getTime() + 3_600_000));

      await skewed.bot.inventory.refreshDue(ahead.now());

      expect((await skewed.bot.inventory.kept(skewed.azure.subscriptions))?.inventory.integrations.length).toBeGreaterThan(0);
    } finally {
      await skewed.close();
    }
  });
});

describe("the --fresh switch", () => {
  it.each(["show --fresh orders-web", "show orders-web --fresh"])("is taken before or after the app: /vnet %s", async (command) => {
    await ask("list");

    const { reply, armRequests } = await ask(command);

    expect(armRequests).toBeGreaterThan(0);
    expect(reply).toContain("*VNet*\\nvnet-hub");
    expect(reply).not.toContain("Inventory as of");
  });
});

describe("names the kept inventory shares with apps and plans it does not hold", () => {
  // The demo estate and, in the other subscription, a plan and an app without integration named like integrated ones.
  let shared: SlackHarness;
  beforeEach(async () => {
    const seed = loadEstate("demo");
    seed.subscriptions.find((s) => s.id === SHARED)!.resourceGroups.push(
      parseEstate({ subscriptions: [{ id: SHARED, resourceGroups: [{ name: "rg-legacy", plans: [{ name: "plan-orders", sku: { name: "S1", tier: "Standard" } }], apps: [{ name: "orders-web", plan: "plan-orders" }] }] }] }).subscriptions[0]!.resourceGroups[0]!,
    );
    const azure = await startAzureHarness({ estate: seed, now: () => NOW });
    shared = await startSlackHarness({ azure, clock: { now: () => now } });
    await shared.ask(PEOPLE.bystander, "list");
  });
  afterEach(async () => {
    await shared?.close();
    await shared?.azure.close();
  });

  it.each([
    { command: "show orders-web", ambiguous: /rg-apps\/orders-web.*rg-legacy\/orders-web|rg-legacy\/orders-web.*rg-apps\/orders-web/ },
    { command: "plan plan-orders", ambiguous: /rg-apps\/plan-orders.*rg-legacy\/plan-orders|rg-legacy\/plan-orders.*rg-apps\/plan-orders/ },
  ])("$command reads Azure and says the name is ambiguous, rather than answer for the integrated one", async ({ command, ambiguous }) => {
    const reply = textOf(await shared.ask(PEOPLE.bystander, command));

    expect(reply).toMatch(ambiguous);
    expect(reply).not.toContain("Inventory as of");
  });

  it("lists the integrations of a plan name two plans share when reading Azure, as from the kept inventory", async () => {
    const fresh = textOf(await shared.ask(PEOPLE.bystander, "list --plan plan-orders --fresh"));

    expect(fresh).toContain("*plan-orders* → *vnet-hub*");
  });

  it("still answers from the kept inventory for the name qualified by its group", async () => {
    const reply = textOf(await shared.ask(PEOPLE.bystander, "show rg-apps/orders-web"));

    expect(reply).toContain("Inventory as of");
    expect(reply).toContain("vnet-hub");
  });
});
