import { afterEach, describe, expect, it } from "vitest";
import { expectGolden } from "../support/slack-golden.ts";
import { startAzureHarness } from "../support/azure-harness.ts";
import { PEOPLE, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";
import { NOW } from "./estates.ts";

let slack: SlackHarness | undefined;
afterEach(async () => {
  await slack?.close();
  await slack?.azure.close();
  slack = undefined;
});

async function slackOn(fault: string): Promise<SlackHarness> {
  const azure = await startAzureHarness({ estate: `diagnose-${fault}`, now: () => NOW });
  slack = await startSlackHarness({ azure, clock: { now: () => NOW } });
  return slack;
}

const MARK = { pass: ":white_check_mark:", warn: ":warning:", fail: ":x:" } as const;

/** The checks of a diagnosis message with this mark, each with its fix lines. */
function marked(message: { blocks: unknown[] } | undefined, mark: keyof typeof MARK): string[] {
  const texts = (message?.blocks ?? []).map((block) => (block as { text?: { text?: string } }).text?.text ?? "");
  const checks = texts.join("\n").split(/\n(?=:(?:white_check_mark|warning|x): )/);
  return checks.filter((check) => check.startsWith(`${MARK[mark]} `));
}

/** What the bot wrote to Azure; Kudu commands are POSTs but change nothing. */
const writesOf = (bot: SlackHarness) => bot.azureWrites().filter((write) => !write.includes("/kudu/"));

describe("/vnet diagnose over signed Slack requests", () => {
  it("passes a healthy integration clean", async () => {
    const bot = await slackOn("healthy");

    const answer = await bot.ask(PEOPLE.bystander, "diagnose shop-api sql.shop.internal:1433");

    expect(answer?.text).toBe("Diagnosis of shop-api: shop-api → vnet-hub → sql.shop.internal:1433: all 12 checks pass.");
    expect(marked(answer, "fail")).toEqual([]);
    expect(marked(answer, "warn")).toEqual([]);
    expect(writesOf(bot)).toEqual([]);
  });

  it.each([
    ["nsg-deny", "sql.shop.internal:1433", /NSG nsg-data on subnet snet-data denies TCP 1433 from 172\.16\.201\.0\/24 with rule deny-p2s-sql/],
    ["peering-flag", "catalog.shop.internal:443", /spoke-to-hub lacks useRemoteGateways/],
    ["missing-route", "catalog.shop.internal:443", /plan plan-shop has no route for it[\s\S]*\/vnet route add plan-shop vnet-hub 10\.20\.0\.0\/16/],
    ["resync-needed", "", /needing a resync[\s\S]*\/vnet sync plan-shop vnet-hub/],
    ["dns-drift", "sql.shop.internal:1433", /VNet vnet-hub uses 10\.10\.0\.4 but the app still has 10\.10\.0\.5/],
    ["cert-missing", "10.10.1.4:1433", /Gateway gw-hub does not have the plan's certificate/],
    ["gateway-failed", "10.10.1.4:1433", /Gateway gw-hub is down \(provisioning Failed, Resource Health Unavailable\)/],
    ["unreachable-host", "sql.shop.internal:1433", /tcpping timed out/],
  ])("%s: names the fault and its fix", async (fault, target, named) => {
    const bot = await slackOn(fault);

    const answer = await bot.ask(PEOPLE.bystander, `diagnose shop-api ${target}`.trim());

    const failing = marked(answer, "fail");
    expect(failing.length).toBeGreaterThan(0);
    expect(failing[0]).toMatch(named);
    expect(writesOf(bot)).toEqual([]);
  });

  it("renders a diagnosis as reviewed", async () => {
    const bot = await slackOn("missing-route");

    const answer = await bot.ask(PEOPLE.bystander, "diagnose shop-api catalog.shop.internal:443");

    // Certificates are issued afresh by each simulator and offer ids are random: both are masked.
    const stable = JSON.parse(JSON.stringify(answer?.blocks).replace(/\b[0-9A-F]{40}\b/g, "THUMBPRINT").replace(/fix-[0-9a-f]{10}/g, "fix-ID"));
    expectGolden("diagnose-missing-route", stable);
  });

  it("answers a host that does not parse with the reason, without reading Azure", async () => {
    const bot = await slackOn("healthy");

    const { ack } = await bot.command(PEOPLE.bystander, "diagnose shop-api https://sql.shop.internal");

    expect(ack?.text).toMatch(/is a URL; give only the host and port/);
    expect(bot.sim.requests).toEqual([]);
  });

  it("runs tcpping and resolve on their own", async () => {
    const bot = await slackOn("healthy");

    const tcp = await bot.ask(PEOPLE.bystander, "tcpping shop-api sql.shop.internal:1433");
    const dns = await bot.ask(PEOPLE.bystander, "resolve shop-api catalog.shop.internal");

    expect(tcp?.text).toBe("tcpping from shop-api: shop-api (vnet-hub): tcpping connected (4/4 attempts).");
    expect(dns?.text).toBe("DNS lookup from shop-api: shop-api (vnet-hub): catalog.shop.internal is 10.20.2.10 (server 10.10.0.4).");
  });

  it("says a stopped app is stopped when asked to tcpping from it, not that vnetbot lacks a role", async () => {
    const bot = await slackOn("healthy");
    bot.sim.state.apps.named("shop-api").state = "Stopped";

    const tcp = textOf(await bot.ask(PEOPLE.bystander, "tcpping shop-api sql.shop.internal:1433"));

    expect(tcp).toContain("App shop-api is stopped, so it has no worker to run the test on");
    expect(tcp).toContain("az webapp start");
    expect(tcp).not.toContain("custom role");
  });

  it("shows the gateway down when ARM no longer finds the gateway its VNet still names, rather than give up", async () => {
    const bot = await slackOn("healthy");
    bot.sim.faults.add({ method: "GET", path: /\/virtualNetworkGateways\/[^/]+$/i, status: 404, code: "ResourceNotFound", message: "The gateway was not found." });

    const reply = textOf(await bot.ask(PEOPLE.bystander, "diagnose shop-api sql.shop.internal:1433"));

    expect(reply).toContain("has no VPN gateway");
    expect(reply).not.toContain("Azure could not find");
  });

  it("diagnoses an app on regional integration through its subnet, naming the NSG rule that denies the subnet where the target lives", async () => {
    slack = await startSlackHarness({ azure: await startAzureHarness({ estate: "demo", now: () => NOW }), clock: { now: () => NOW } });
    slack.sim.state.nsgs.named("nsg-data").rules.push({ name: "deny-spoke-sql", priority: 220, direction: "Inbound", access: "Deny", protocol: "Tcp", sourceAddressPrefix: "10.20.0.0/16", destinationAddressPrefix: "*", destinationPortRange: "1433" });

    const reply = textOf(await slack.ask(PEOPLE.bystander, "diagnose catalog-regional 10.10.1.4:1433"));

    expect(reply).toContain("*Regional VNet integration*: Subnet vnet-spoke/snet-integration (10.20.1.0/24)");
    expect(reply).toContain("*NSG nsg-data on vnet-hub/snet-data lets 10.20.1.0/24 in to 10.10.1.4:1433*: Inbound rule `deny-spoke-sql` (priority 220) denies 10.20.1.0/24.");
    expect(reply).toContain("Allow TCP 1433 from 10.20.1.0/24 (the app's subnet) in NSG nsg-data, above rule `deny-spoke-sql`.");
    expect(reply).not.toContain("Network troubleshooter");
  });

  it("reads an NSG once when it guards both the app's subnet and the subnet where the target lives", async () => {
    slack = await startSlackHarness({ azure: await startAzureHarness({ estate: "demo", now: () => NOW }), clock: { now: () => NOW } });
    const nsgData = slack.sim.state.nsgs.named("nsg-data");
    slack.sim.state.vnets.named("vnet-spoke").subnets.find((subnet) => subnet.name === "snet-integration")!.nsgId = nsgData.id;
    const before = slack.sim.requests.length;

    const reply = textOf(await slack.ask(PEOPLE.bystander, "diagnose catalog-regional 10.10.1.4:6380"));

    expect(reply).toContain("*NSG nsg-data lets the app out to 10.10.1.4:6380*: No outbound rule denies it.");
    expect(reply).toContain("*NSG nsg-data on vnet-hub/snet-data lets 10.20.1.0/24 in to 10.10.1.4:6380*");
    expect(slack.sim.requests.slice(before).filter((r) => r.method === "GET" && /\/networkSecurityGroups\/nsg-data$/i.test(r.path))).toHaveLength(1);
  });

  it("says, where the reply shows, that an app without VNet integration has none, and that connecting it is the fix", async () => {
    slack = await startSlackHarness({ azure: await startAzureHarness({ estate: "demo", now: () => NOW }), clock: { now: () => NOW } });

    const reply = await slack.ask(PEOPLE.bystander, "tcpping orders-worker sql-orders.contoso.internal:1433");

    const shown = JSON.stringify(reply?.blocks);
    expect(shown).toContain("From orders-worker (no VNet integration).");
    expect(shown).toContain("orders-worker has no VNet integration, so it reaches sql-orders.contoso.internal only over the internet, if the name resolves to a public address. If sql-orders.contoso.internal lives in a VNet, give orders-worker regional VNet integration with a subnet there");
    expect(shown).not.toContain("/vnet connect");
    expect(shown).not.toContain("see the route and NSG checks");
  });

  it("runs tcpping from an app on regional integration too, saying so, without pointing to the gateway-required checklist", async () => {
    slack = await startSlackHarness({ azure: await startAzureHarness({ estate: "demo", now: () => NOW }), clock: { now: () => NOW } });

    const tcp = textOf(await slack.ask(PEOPLE.bystander, "tcpping catalog-regional 10.1.0.4:443"));

    expect(tcp).toContain("catalog-regional (regional integration, vnet-spoke/snet-integration):");
    expect(tcp).not.toContain("/vnet diagnose");
    // Its traffic leaves from its subnet: there is no point-to-site pool to blame.
    expect(tcp).toContain("Something between subnet vnet-spoke/snet-integration and 10.1.0.4:443 drops the traffic");
    expect(tcp).not.toContain("P2S pool");
    // Without route-all a public address is reached over the internet: the subnet is not on its way.
    const outside = textOf(await slack.ask(PEOPLE.bystander, "tcpping catalog-regional 203.0.113.9:443"));
    expect(outside).toContain("Something between the app's outbound addresses, over the internet (203.0.113.9 is outside RFC 1918 and route-all is off, so it does not go through subnet vnet-spoke/snet-integration) and 203.0.113.9:443 drops the traffic");
  });
});
