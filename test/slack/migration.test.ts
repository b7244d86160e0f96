import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMigrationRecords, type MigrationRecord } from "../../src/core/migration/migration-records.ts";
import { startAzureHarness } from "../support/azure-harness.ts";
import { demo, NOW } from "../support/demo-estate.ts";
import { PEOPLE, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";
import { readinessEstate } from "../migration/readiness-estate.ts";
import { SUB as SHARING_SUB, sharingEstate } from "../migration/sharing-estate.ts";

const OTHER_SUB = "55555555-6666-7777-8888-999999999999";

/** What a reply shows, as the lines of each block (sections and context), in order. */
function blocksOf(message: { blocks: unknown[] } | undefined): string[] {
  return ((message?.blocks ?? []) as Array<{ type: string; text?: { text: string }; elements?: Array<{ text?: string }> }>).map((b) => b.text?.text ?? (b.elements ?? []).map((e) => e.text ?? "").join("\n"));
}

/** The section about one plan → VNet integration. */
const sectionAbout = (blocks: readonly string[], plan: string, vnet: string) => blocks.find((b) => b.startsWith(`*${plan}* → *${vnet}*`)) ?? "";

/** The heading of the group a section sits under. */
const groupOf = (blocks: readonly string[], plan: string, vnet: string) => {
  // A section the message does not hold (cut to fit one Slack message) is in no group.
  const at = blocks.indexOf(sectionAbout(blocks, plan, vnet));
  return at < 0 || !sectionAbout(blocks, plan, vnet) ? undefined : blocks.slice(0, at).findLast((b) => /^:[a-z_]+: \*[^*]+\*$/.test(b));
};

const GROUPS = { ready: ":large_green_circle: *Ready: can move today*", shares: ":large_blue_circle: *Shares a subnet of its plan*", crossRegion: ":large_orange_circle: *VNet in another region*", blocked: ":red_circle: *Blocked*", unknown: ":warning: *Could not assess*", needsSubnet: ":large_yellow_circle: *Needs a subnet first*" };

describe("/vnet migration on the demo estate", () => {
  let slack: SlackHarness;
  beforeAll(async () => {
    slack = await startSlackHarness();
  });
  afterAll(() => slack.close());

  it("gives each integration its verdict with the reason and what to do, the ones that can move today first", async () => {
    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration"));

    expect(blocks[1]).toBe(":hourglass: Gateway-required integration is retired on 31 March 2027: 0 of 10 integrations migrated to regional VNet integration, 395 days left.\n10 integrations assessed: 5 ready, 3 share a subnet, 1 cross-region, 1 blocked.");
    expect(blocks.indexOf(GROUPS.ready)).toBeLessThan(blocks.indexOf(GROUPS.shares));
    expect(blocks.indexOf(GROUPS.shares)).toBeLessThan(blocks.indexOf(GROUPS.crossRegion));
    expect(blocks.indexOf(GROUPS.crossRegion)).toBeLessThan(blocks.indexOf(GROUPS.blocked));
    expect(slack.azureWrites()).toEqual([]);
  });

  it("proposes inventory-api's empty subnet, says its NSG and route table will now apply, and asks for route-all for the route outside RFC 1918", async () => {
    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration"));
    const inventory = sectionAbout(blocks, "plan-inventory", "vnet-inventory");

    expect(groupOf(blocks, "plan-inventory", "vnet-inventory")).toBe(GROUPS.ready);
    expect(inventory).toContain("apps: inventory-api\nSubnet *snet-inventory-apps* (10.86.2.0/26) can take the plan (the plan runs 1 instance and needs a /28); it will be delegated to Microsoft.Web/serverFarms.");
    expect(inventory).toContain("Its NSG nsg-inventory-apps and route table rt-inventory will now apply to the apps' outbound traffic, and its service endpoints (Microsoft.Storage) become usable.");
    expect(inventory).toContain("*Do:* `/vnet migrate plan-inventory vnet-inventory snet-inventory-apps --route-all`");
    expect(inventory).toContain("route partner-cgnat (100.64.20.0/24, STATIC) is outside RFC 1918");
    expect(inventory).toContain("allow the point-to-site pool 172.16.212.0/24 must allow 10.86.2.0/26 too.");
  });

  it("proposes new subnets in free space where no subnet is free, without route-all for private routes, and the staging slot first", async () => {
    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration"));
    const orders = sectionAbout(blocks, "plan-orders", "vnet-hub");
    const basic = sectionAbout(blocks, "plan-basic", "vnet-finance");

    // vnet-hub's subnets hold the DNS servers and the databases; 10.10.0.64/26 is the first free /26, the size
    // Microsoft recommends.
    expect(orders).toContain("New subnet *snet-plan-orders* 10.10.0.64/26 in free space (a /26 serves 29 instances with room to scale; the plan runs 2 instances and needs a /28).");
    expect(orders).toContain("*Do:* `/vnet migrate plan-orders vnet-hub --new-subnet 10.10.0.64/26`\n");
    expect(orders).toContain("Slot first: `/vnet migrate orders-api/staging …`");
    expect(basic).toContain("*Do:* `/vnet migrate plan-basic vnet-finance --new-subnet 10.30.0.0/26`\n");
    expect(groupOf(blocks, "plan-orders", "vnet-hub")).toBe(GROUPS.ready);
  });

  it("sends reports-api to a VNet in its own region, naming both regions", async () => {
    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration"));

    expect(groupOf(blocks, "plan-reports", "vnet-reports-ne")).toBe(GROUPS.crossRegion);
    expect(sectionAbout(blocks, "plan-reports", "vnet-reports-ne")).toContain("vnet-reports-ne is in northeurope and plan plan-reports in westeurope: regional integration needs a VNet in the app's region.\n*Do:* Create or pick a VNet in westeurope, peer it with vnet-reports-ne (/vnet migrate peer plan-reports vnet-reports-ne NEWVNET), then migrate into a subnet of it");
  });

  it("blocks erp-connector's classic VNet, with what to do", async () => {
    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration"));

    expect(groupOf(blocks, "plan-erp", "vnet-classic-erp")).toBe(GROUPS.blocked);
    expect(sectionAbout(blocks, "plan-erp", "vnet-classic-erp")).toContain("vnet-classic-erp is a classic VNet; regional integration needs a Resource Manager VNet.\n*Do:* Migrate the VNet to Resource Manager first");
  });

  it("moves two of plan-platform's five VNets one to one and has the other three share the first one's subnet, peered with it", async () => {
    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration"));
    const data = sectionAbout(blocks, "plan-platform", "vnet-data");
    const hr = sectionAbout(blocks, "plan-platform", "vnet-hr");

    expect(groupOf(blocks, "plan-platform", "vnet-data")).toBe(GROUPS.ready);
    expect(groupOf(blocks, "plan-platform", "vnet-finance")).toBe(GROUPS.ready);
    expect(data).toContain("*Do:* `/vnet migrate plan-platform vnet-data snet-sql`\nThe plan's other gateway VNets (vnet-hr, vnet-legacy, vnet-ops) will share this subnet (below): move this one first.");
    for (const vnet of ["vnet-hr", "vnet-legacy", "vnet-ops"]) expect(groupOf(blocks, "plan-platform", vnet)).toBe(GROUPS.shares);
    expect(hr).toContain("Plan plan-platform takes at most 2 regional integrations and reaches 5 VNets through gateways, so vnet-hr's apps share subnet *snet-sql* in vnet-data, which the move of *plan-platform* → *vnet-data* (above) makes: that one goes first.");
    expect(hr).toContain("*Do first:* `/vnet migrate peer plan-platform vnet-hr vnet-data`: from vnet-data the apps reach vnet-hr only through a peering.");
    // The reason is said once; the plan's other sharers refer to it.
    expect(sectionAbout(blocks, "plan-platform", "vnet-ops")).toContain("Shares subnet *snet-sql* in vnet-data, as vnet-hr above.\n*Do first:* `/vnet migrate peer plan-platform vnet-ops vnet-data`");
    expect(hr).toContain("*Do:* `/vnet migrate plan-platform vnet-hr vnet-data/snet-sql`");
    // Each VNet's apps leave their own gateway's pool for the shared subnet: firewalls must follow, said once for all.
    expect(data).toContain("Firewalls and ACLs that allow the point-to-site pools of this VNet and of those that will share the subnet (172.16.204.0/24, 172.16.205.0/24, 172.16.207.0/24, 172.16.206.0/24) must allow 10.40.1.0/24 too.");
    expect(hr).not.toContain("Firewalls");
  });

  it("asks one app per plan whether its scale unit takes regional integration, not every app", async () => {
    const before = slack.sim.requests.length;

    await slack.ask(PEOPLE.bystander, "migration");

    const asked = slack.sim.requests.slice(before).filter((r) => r.method === "GET" && r.path.endsWith("/networkConfig/virtualNetwork")).map((r) => r.path.split("/sites/")[1]!.split("/")[0]);
    // Six plans with gateway-required integrations (none of a tier without regional integration), eleven apps and slots.
    expect(asked.sort()).toEqual(["erp-connector", "inventory-api", "orders-api", "payments-api", "platform-data", "reports-api"]);
  });

  it("answers one plan with --plan, its countdown counting that plan alone", async () => {
    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration --plan plan-reports"));

    expect(blocks[1]).toContain("0 of 1 integration migrated to regional VNet integration");
    expect(blocks.filter((b) => b.startsWith("*plan-"))).toHaveLength(1);
    expect(sectionAbout(blocks, "plan-reports", "vnet-reports-ne")).toContain("northeurope");
  });
});

describe("/vnet migration of a VNet in another region peered with one in the plan's region", () => {
  let slack: SlackHarness;
  beforeEach(async () => {
    slack = await startSlackHarness();
    // vnet-reports-ne (North Europe) and vnet-finance (West Europe, plan-reports' region) are peered, both sides Connected.
    const peering = (name: string, remoteVnetId: string) => ({ name, remoteVnetId, allowVirtualNetworkAccess: true, allowForwardedTraffic: false, allowGatewayTransit: false, useRemoteGateways: false, peeringState: "Connected" });
    slack.sim.state.vnets.get(demo.vnet("vnet-reports-ne"))!.peerings.push(peering("reports-to-finance", demo.vnet("vnet-finance")));
    slack.sim.state.vnets.get(demo.vnet("vnet-finance"))!.peerings.push(peering("finance-to-reports", demo.vnet("vnet-reports-ne")));
  });
  afterEach(() => slack.close());

  it("proposes a subnet in the peer in the plan's region, with a command whose preview keeps the old VNet reached", async () => {
    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration"));
    const section = sectionAbout(blocks, "plan-reports", "vnet-reports-ne");

    expect(groupOf(blocks, "plan-reports", "vnet-reports-ne")).toBe(GROUPS.ready);
    expect(section).toContain("vnet-reports-ne is in another region than the plan, which regional integration cannot use; vnet-finance is in the plan's region and peered with it (reports-to-finance, Connected)");
    // vnet-finance's first free /26 is plan-basic's own proposal; plan-reports gets one after those of its own plans.
    expect(sectionAbout(blocks, "plan-basic", "vnet-finance")).toContain("--new-subnet 10.30.0.0/26`");
    expect(section).toContain("*Do:* `/vnet migrate plan-reports vnet-reports-ne vnet-finance/snet-plan-reports --new-subnet 10.30.0.128/26`");
    const preview = textOf(await slack.requestChange("migrate plan-reports vnet-reports-ne vnet-finance/snet-plan-reports --new-subnet 10.30.0.128/26"));
    expect(preview).toContain("vnet-reports-ne (10.87.0.0/16) stays reached: vnet-finance is peered with it");
  });
});

describe("/vnet migration and the countdown after a move", () => {
  let slack: SlackHarness;
  beforeEach(async () => {
    slack = await startSlackHarness();
  });
  afterEach(() => slack.close());

  /** Moves the app as /vnet migrate would (disconnect, delegate, regional integration), through the real SDK. */
  async function migrate(app: string, vnet: string, subnet: string) {
    const subnetId = `${demo.vnet(vnet)}/subnets/${subnet}`;
    await slack.azure.writer.deleteAppVnetConnection(demo.app(app), vnet);
    await slack.azure.writer.delegateSubnet(subnetId);
    await slack.azure.writer.putRegionalIntegration(demo.app(app), subnetId);
    return subnetId;
  }

  function record(app: string, plan: string, vnet: string, subnetId: string, status: MigrationRecord["status"]): MigrationRecord {
    return { appId: demo.app(app), appName: app, planId: demo.plan(plan), vnetId: demo.vnet(vnet), vnetName: vnet, routes: [], dnsServers: [], pool: [], certThumbprint: undefined, certBlob: undefined, subnetId, routeAllBefore: false, status, requestId: "req-moved", updatedAt: NOW };
  }

  it("counts an integration vnetbot moved completely as 1 of 10 migrated, in /vnet migration and /vnet list, and no longer assesses it", async () => {
    const records = createMigrationRecords(slack.stores.alerts, { now: () => NOW });
    const subnetId = await migrate("inventory-api", "vnet-inventory", "snet-inventory-apps");
    await records.put(record("inventory-api", "plan-inventory", "vnet-inventory", subnetId, "migrated"));
    // orders-web is half-way: its plan still has vnet-hub through the gateway for orders-api, so nothing counts.
    await records.put(record("orders-web", "plan-orders", "vnet-hub", `${demo.vnet("vnet-hub")}/subnets/snet-plan-orders`, "moving"));

    const migration = blocksOf(await slack.ask(PEOPLE.bystander, "migration --fresh"));
    const list = blocksOf(await slack.ask(PEOPLE.bystander, "list"));

    expect(migration[1]).toContain("1 of 10 integrations migrated to regional VNet integration, 395 days left.\n9 integrations assessed");
    expect(list[1]).toContain("1 of 10 integrations migrated to regional VNet integration, 395 days left.");
    // The plans counted are those with an integration left; plan-inventory is still scanned.
    expect(list[1]).toContain("9 gateway-required integrations in 5 plans (6 plans scanned).");
    expect(sectionAbout(migration, "plan-inventory", "vnet-inventory")).toBe("");
  });

  it("does not count a move whose integration is still there", async () => {
    const records = createMigrationRecords(slack.stores.alerts, { now: () => NOW });
    await records.put(record("orders-web", "plan-orders", "vnet-hub", `${demo.vnet("vnet-hub")}/subnets/snet-plan-orders`, "migrated"));

    const migration = blocksOf(await slack.ask(PEOPLE.bystander, "migration"));

    expect(migration[1]).toContain("0 of 10 integrations migrated");
  });
});

describe("/vnet migration where the demo estate has no example", () => {
  let slack: SlackHarness;
  beforeEach(async () => {
    slack = await startSlackHarness({ azure: await startAzureHarness({ estate: readinessEstate(), now: () => NOW }) });
  });
  afterEach(async () => {
    await slack.close();
    await slack.azure.close();
  });

  it("blocks a plan whose scale unit says swiftSupported false, with the way out", async () => {
    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration"));
    const old = sectionAbout(blocks, "plan-oldstamp", "vnet-a");

    expect(groupOf(blocks, "plan-oldstamp", "vnet-a")).toBe(GROUPS.blocked);
    expect(old).toContain("app-old's scale unit does not support regional VNet integration (Azure reports swiftSupported false");
    expect(old).toContain("*Do:* Scale plan plan-oldstamp up to PremiumV2 (on an older scale unit, Microsoft offers regional integration from Premium v2), then ask again; or: Create a plan in a new resource group (it lands on a current scale unit)");
  });

  it("offers a PremiumV2 plan whose scale unit says swiftSupported false only a new plan", async () => {
    await slack.close();
    await slack.azure.close();
    const seed = readinessEstate();
    seed.subscriptions[0]!.resourceGroups![0]!.plans!.find((plan) => plan.name === "plan-oldstamp")!.sku = { name: "P1v2", tier: "PremiumV2", capacity: 1 };
    slack = await startSlackHarness({ azure: await startAzureHarness({ estate: seed, now: () => NOW }) });

    const old = sectionAbout(blocksOf(await slack.ask(PEOPLE.bystander, "migration")), "plan-oldstamp", "vnet-a");

    expect(old).toContain("*Do:* Create a plan in a new resource group (it lands on a current scale unit)");
    expect(old).not.toContain("Scale plan");
  });

  it("says could not assess, and not ready, when the scale unit cannot be read", async () => {
    slack.sim.faults.add({ method: "GET", path: /\/sites\/app-broken\/networkConfig\/virtualNetwork$/, status: 403, code: "AuthorizationFailed", message: "no access to app-broken" });

    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration"));
    const broken = sectionAbout(blocks, "plan-broken", "vnet-b");

    expect(groupOf(blocks, "plan-broken", "vnet-b")).toBe(GROUPS.unknown);
    expect(broken).toContain("Could not assess: whether plan plan-broken's scale unit supports regional integration could not be read (asked app-broken):");
    expect(broken).not.toContain("/vnet migrate");
    expect(blocks[1]).toContain(":warning: 1 could not be assessed");
  });

  it("says could not assess when the VNet cannot be read", async () => {
    slack.sim.faults.add({ method: "GET", path: /\/virtualNetworks\/vnet-b$/, status: 403, code: "AuthorizationFailed", message: "no access to vnet-b" });

    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration --fresh"));

    expect(groupOf(blocks, "plan-broken", "vnet-b")).toBe(GROUPS.unknown);
    expect(sectionAbout(blocks, "plan-broken", "vnet-b")).toContain("Could not assess: VNet vnet-b could not be read");
  });

  it("says could not assess for a plan whose connections cannot be read, rather than leaving it out", async () => {
    slack.sim.faults.add({ method: "GET", path: /\/serverfarms\/plan-broken\/virtualNetworkConnections$/, status: 403, code: "AuthorizationFailed", message: "no access to the plan's connections" });

    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration --fresh"));

    expect(blocks.find((b) => b.startsWith("*plan-broken*\nCould not assess:"))).toContain("it needs Microsoft.Web/serverfarms/virtualNetworkConnections/read");
    expect(blocks[1]).toContain(":warning: 1 could not be assessed");
  });

  it("gives three plans in one VNet subnets that do not overlap: the empty one, then new ranges each sized for its plan", async () => {
    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration"));

    expect(sectionAbout(blocks, "plan-one", "vnet-shared")).toContain("*Do:* `/vnet migrate plan-one vnet-shared snet-apps`");
    expect(sectionAbout(blocks, "plan-three", "vnet-shared")).toContain("*Do:* `/vnet migrate plan-three vnet-shared --new-subnet 10.60.0.0/26`");
    expect(sectionAbout(blocks, "plan-two", "vnet-shared")).toContain("*Do:* `/vnet migrate plan-two vnet-shared --new-subnet 10.60.0.64/26`");
  });

  it("gives a plan the smallest range that fits it where the VNet has no /26 for each of its plans, and says a /26 is what Microsoft recommends", async () => {
    await slack.close();
    await slack.azure.close();
    const seed = readinessEstate();
    seed.subscriptions[0]!.resourceGroups![1]!.vnets!.find((vnet) => vnet.name === "vnet-shared")!.addressSpace = ["10.60.0.0/27", "10.60.1.0/26", "10.60.255.0/27"];
    slack = await startSlackHarness({ azure: await startAzureHarness({ estate: seed, now: () => NOW }) });

    const section = sectionAbout(blocksOf(await slack.ask(PEOPLE.bystander, "migration")), "plan-three", "vnet-shared");

    expect(section).toContain("New subnet *snet-plan-three* 10.60.0.0/27 in free space (a /27 serves 13 instances with room to scale; the plan runs 6 instances and needs a /27; not the /26 Microsoft recommends, since a subnet in use cannot be resized: the VNet has no /26 free for each of its plans).");
  });

  it("says how many addresses a full VNet is short of the subnet the plan needs", async () => {
    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration"));

    expect(groupOf(blocks, "plan-full", "vnet-full")).toBe(GROUPS.needsSubnet);
    expect(sectionAbout(blocks, "plan-full", "vnet-full")).toContain("No free /28 in vnet-full (10.70.0.0/24): the largest free block is a /29 (8 addresses), 8 addresses short.");
    // vnet-a is not looked at (its peering with vnet-full is only Initiated), nor the classic VNet.
    expect(sectionAbout(blocks, "plan-full", "vnet-full")).toContain("The VNets it is peered with cannot take the subnet either: vnet-b (its side of the peering is not Connected with VNet access).");
  });

  it("proposes a subnet in a VNet peered with a full one, in the plan's region, with a command that previews", async () => {
    await slack.close();
    await slack.azure.close();
    const seed = readinessEstate();
    seed.subscriptions[0]!.resourceGroups![1]!.vnets!.find((vnet) => vnet.name === "vnet-b")!.peerings![0]!.allowVirtualNetworkAccess = true;
    slack = await startSlackHarness({ azure: await startAzureHarness({ estate: seed, now: () => NOW }) });

    const section = sectionAbout(blocksOf(await slack.ask(PEOPLE.bystander, "migration")), "plan-full", "vnet-full");

    expect(section).toContain("vnet-full has no room for a /28; vnet-b is in the plan's region and peered with it (full-to-b, Connected), so from there the apps still reach vnet-full's own addresses");
    // 10.55.0.0/26 is proposed to plan-broken, whose own VNet vnet-b is: the range after it is plan-full's.
    expect(section).toContain("New subnet *snet-plan-full* 10.55.0.64/26 in free space in vnet-b");
    expect(section).toContain("*Do:* `/vnet migrate plan-full vnet-full vnet-b/snet-plan-full --new-subnet 10.55.0.64/26`");
    // One plan's answer proposes what the estate's does: plan-broken, whose VNet is the peer, is taken in.
    expect(sectionAbout(blocksOf(await slack.ask(PEOPLE.bystander, "migration --plan plan-full")), "plan-full", "vnet-full")).toBe(section);
    const preview = textOf(await slack.requestChange("migrate plan-full vnet-full vnet-b/snet-plan-full --new-subnet 10.55.0.64/26"));
    expect(preview).toContain("vnet-full (10.70.0.0/24) stays reached: vnet-b is peered with it");
  });

  it("does not propose a subnet in a VNet with an IPv6 address space, however much room it has, and looks in its peers", async () => {
    await slack.close();
    await slack.azure.close();
    const seed = readinessEstate();
    const full = seed.subscriptions[0]!.resourceGroups![1]!.vnets!.find((vnet) => vnet.name === "vnet-full")!;
    full.addressSpace = ["10.70.0.0/24", "10.71.0.0/16", "fd00:db8:70::/48"];
    slack = await startSlackHarness({ azure: await startAzureHarness({ estate: seed, now: () => NOW }) });

    const section = sectionAbout(blocksOf(await slack.ask(PEOPLE.bystander, "migration")), "plan-full", "vnet-full");

    expect(section).toContain("vnet-full has an IPv6 address space (fd00:db8:70::/48), and regional integration cannot use a VNet that has one.");
    expect(section).toContain("*Do:* Migrate into a subnet of an IPv4-only VNet in the app's region peered with vnet-full");
    expect(section).toContain("The VNets it is peered with cannot take the subnet either: vnet-b (its side of the peering is not Connected with VNet access).");
    expect(section).not.toContain("10.71.");

    seed.subscriptions[0]!.resourceGroups![1]!.vnets!.find((vnet) => vnet.name === "vnet-b")!.peerings![0]!.allowVirtualNetworkAccess = true;
    await slack.close();
    await slack.azure.close();
    slack = await startSlackHarness({ azure: await startAzureHarness({ estate: seed, now: () => NOW }) });
    const viaPeer = sectionAbout(blocksOf(await slack.ask(PEOPLE.bystander, "migration")), "plan-full", "vnet-full");

    expect(viaPeer).toContain("vnet-full has an IPv6 address space, which regional integration cannot use; vnet-b is in the plan's region and peered with it (full-to-b, Connected)");
    expect(viaPeer).toContain("*Do:* `/vnet migrate plan-full vnet-full vnet-b/snet-plan-full --new-subnet 10.55.0.64/26`");
  });

  it("blocks an App Service Environment's plan without asking its scale unit", async () => {
    const before = slack.sim.requests.length;

    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration"));

    expect(sectionAbout(blocks, "plan-ase", "vnet-a")).toContain("Plan plan-ase is IsolatedV2 (I1v2): an App Service Environment, which has no regional VNet integration");
    expect(slack.sim.requests.slice(before).some((r) => r.path.includes("/sites/app-ase/networkConfig"))).toBe(false);
  });
});

describe("/vnet migration for plans with more gateway VNets than the two regional integrations a plan takes", () => {
  let slack: SlackHarness;
  beforeEach(async () => {
    slack = await startSlackHarness({ azure: await startAzureHarness({ estate: sharingEstate(), now: () => NOW }) });
  });
  afterEach(async () => {
    await slack.close();
    await slack.azure.close();
  });

  it("has a plan with more gateway VNets than regional integrations share the subnet of the VNet already peered with most of them", async () => {
    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration --plan plan-many"));
    const section = (vnet: string) => sectionAbout(blocks, "plan-many", `vnet-m-${vnet}`);

    expect(groupOf(blocks, "plan-many", "vnet-m-hub")).toBe(GROUPS.ready);
    expect(section("hub")).toContain("The plan's other gateway VNets (vnet-m-four, vnet-m-one, vnet-m-three) will share this subnet (below): move this one first.");
    // vnet-m-two overlaps the hub, so it could not be peered with it: the plan's second regional integration is its.
    expect(groupOf(blocks, "plan-many", "vnet-m-two")).toBe(GROUPS.ready);
    expect(section("two")).toContain("*Do:* `/vnet migrate plan-many vnet-m-two --new-subnet 10.80.128.64/26`");
    expect(section("one")).toContain("vnet-m-one is peered with vnet-m-hub (vnet-m-one-to-vnet-m-hub, Connected), so the apps still reach it from there.");
    expect(section("one")).toContain("*Do:* `/vnet migrate plan-many vnet-m-one vnet-m-hub/snet-plan-many`");
    expect(section("three")).toContain("*Do first:* `/vnet migrate peer plan-many vnet-m-three vnet-m-hub`: vnet-m-three's peering vnet-m-three-to-vnet-m-hub is Initiated, and the apps lose vnet-m-three unless both sides are Connected with VNet access.");
    for (const vnet of ["one", "three", "four"]) expect(groupOf(blocks, "plan-many", `vnet-m-${vnet}`)).toBe(GROUPS.shares);
  });

  it("lets VNets without room for a subnet share the one VNet that has room, rather than keep them all waiting", async () => {
    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration --plan plan-fullpeers"));

    expect(groupOf(blocks, "plan-fullpeers", "vnet-f-c")).toBe(GROUPS.ready);
    expect(sectionAbout(blocks, "plan-fullpeers", "vnet-f-c")).toContain("The plan's other gateway VNets (vnet-f-a, vnet-f-b) will share this subnet (below)");
    for (const vnet of ["vnet-f-a", "vnet-f-b"]) {
      expect(groupOf(blocks, "plan-fullpeers", vnet)).toBe(GROUPS.shares);
      expect(sectionAbout(blocks, "plan-fullpeers", vnet)).toContain(`*Do:* \`/vnet migrate plan-fullpeers ${vnet} vnet-f-c/snet-plan-fullpeers\``);
    }
  });

  it("picks, among the subnets a plan already uses, one each VNet can be peered with: never one it or another sharer overlaps", async () => {
    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration --plan plan-pair"));
    const section = (vnet: string) => sectionAbout(blocks, "plan-pair", vnet);

    expect(section("vnet-p-g1")).toContain("Plan plan-pair takes at most 2 regional integrations, uses 2 already and reaches 4 VNets through gateways, so vnet-p-g1's apps share subnet *snet-p* in vnet-p-p, which the plan already uses.");
    // A subnet the plan already uses: its range is read with its VNet.
    expect(section("vnet-p-g1")).toMatch(/Firewalls and ACLs that allow the point-to-site pools? of the VNets that share snet-p \([\d./, ]+\) must allow 10\.91\.[\d.]+\/\d+ too\./);
    // vnet-p-g2 has vnet-p-g1's address space: once vnet-p-g1 is peered with vnet-p-p, Azure refuses vnet-p-g2 there.
    expect(section("vnet-p-g2")).toContain("*Do:* `/vnet migrate plan-pair vnet-p-g2 vnet-p-q/snet-q`");
    // vnet-p-g3 overlaps vnet-p-p, and is peered with vnet-p-q already.
    expect(section("vnet-p-g3")).toContain("vnet-p-g3 is peered with vnet-p-q (vnet-p-g3-to-vnet-p-q, Connected), so the apps still reach it from there.\n*Do:* `/vnet migrate plan-pair vnet-p-g3 vnet-p-q/snet-q`");
    expect(groupOf(blocks, "plan-pair", "vnet-p-g4")).toBe(GROUPS.blocked);
    expect(section("vnet-p-g4")).toContain("vnet-p-g4 (10.88.0.0/13) overlaps vnet-p-p (10.91.0.0/16), so the two cannot be peered; vnet-p-g4 (10.88.0.0/13) overlaps vnet-p-q (10.92.0.0/16), so the two cannot be peered: its apps cannot share a subnet of plan plan-pair, and the plan has no regional integration left for it.");
    expect(section("vnet-p-g4")).toContain("*Do:* Move app-p-g4 to a plan of its own (each plan takes two regional integrations), or change vnet-p-g4's address space.");
  });

  it("counts a VNet it could not read toward the plan's two regional integrations, and says it will have to share", async () => {
    slack.sim.faults.add({ method: "GET", path: /\/virtualNetworks\/vnet-t-z$/, status: 403, code: "AuthorizationFailed", message: "no access to vnet-t-z" });

    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration --plan plan-twins"));

    expect(groupOf(blocks, "plan-twins", "vnet-t-z")).toBe(GROUPS.unknown);
    expect(sectionAbout(blocks, "plan-twins", "vnet-t-hub")).toContain("The plan's other gateway VNets (vnet-t-y, vnet-t-z) will share this subnet (below): move this one first.");
    expect(groupOf(blocks, "plan-twins", "vnet-t-x")).toBe(GROUPS.ready);
  });

  it("gives the plan's second regional integration to one of two VNets that overlap each other, since only one could share", async () => {
    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration --plan plan-twins"));

    expect(groupOf(blocks, "plan-twins", "vnet-t-hub")).toBe(GROUPS.ready);
    expect(groupOf(blocks, "plan-twins", "vnet-t-y")).toBe(GROUPS.ready);
    expect(groupOf(blocks, "plan-twins", "vnet-t-x")).toBe(GROUPS.shares);
    expect(groupOf(blocks, "plan-twins", "vnet-t-z")).toBe(GROUPS.shares);
  });

  /** The estate of these plans alone, whose whole answer fits in one Slack message (the full estate's does not). */
  async function restartWith(plans: readonly string[]) {
    await slack.close();
    await slack.azure.close();
    slack = await startSlackHarness({ azure: await startAzureHarness({ estate: sharingEstate({ plans }), now: () => NOW }) });
  }
  const onlyPlansOfVnetH = () => restartWith(["plan-ha", "plan-hb"]);

  it("does not send two plans' overlapping VNets to one hub VNet: Azure would refuse the second peering", async () => {
    await onlyPlansOfVnetH();
    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration"));

    // plan-ha's vnet-ha2 (10.30.0.0/16) is to be peered with vnet-h, so plan-hb's vnet-hb2 (the same space) moves alone.
    expect(groupOf(blocks, "plan-ha", "vnet-ha2")).toBe(GROUPS.shares);
    expect(groupOf(blocks, "plan-hb", "vnet-hb2")).toBe(GROUPS.ready);
    expect(sectionAbout(blocks, "plan-hb", "vnet-hb1")).toContain("/vnet migrate plan-hb vnet-hb1 vnet-h/snet-plan-hb`");
  });

  it("does not send a VNet to share a hub that is to be peered, for another plan, with a VNet it overlaps", async () => {
    await restartWith(["plan-pa", "plan-pb"]);
    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration"));

    // plan-pa sends vnet-sx to share vnet-sa1 (10.110.0.0/16); vnet-pz2 has that space, so it cannot share vnet-sx.
    expect(groupOf(blocks, "plan-pa", "vnet-sx")).toBe(GROUPS.shares);
    expect(groupOf(blocks, "plan-pb", "vnet-pz2")).toBe(GROUPS.ready);
    expect(groupOf(blocks, "plan-pb", "vnet-pz1")).toBe(GROUPS.shares);
  });

  it("answers one plan as the whole estate's answer does, other plans in its VNets included", async () => {
    await onlyPlansOfVnetH();
    const whole = blocksOf(await slack.ask(PEOPLE.bystander, "migration"));
    const before = slack.sim.requests.length;
    const one = blocksOf(await slack.ask(PEOPLE.bystander, "migration --plan plan-hb"));
    const asked = slack.sim.requests.slice(before).map((r) => r.path);

    expect(one[1]).toContain("0 of 3 integrations migrated");
    for (const vnet of ["vnet-h", "vnet-hb1", "vnet-hb2"]) expect(sectionAbout(one, "plan-hb", vnet)).toBe(sectionAbout(whole, "plan-hb", vnet));
    expect(groupOf(one, "plan-hb", "vnet-hb2")).toBe(GROUPS.ready);
    expect(one.some((block) => block.includes("plan-ha"))).toBe(false);
    // plan-ha comes first and proposes in vnet-h, so it is read; for plan-ha, plan-hb comes after and changes nothing.
    expect(asked.some((path) => /serverfarms\/plan-ha\//i.test(path))).toBe(true);
    const again = slack.sim.requests.length;
    await slack.ask(PEOPLE.bystander, "migration --plan plan-ha");
    expect(slack.sim.requests.slice(again).some((r) => /serverfarms\/plan-hb\//i.test(r.path))).toBe(false);
  });

  it("answers one plan read afresh as the whole estate's answer does, the plans before it taken from the kept inventory", async () => {
    await onlyPlansOfVnetH();
    const whole = blocksOf(await slack.ask(PEOPLE.bystander, "migration"));

    const one = blocksOf(await slack.ask(PEOPLE.bystander, "migration --fresh --plan plan-hb"));

    for (const vnet of ["vnet-h", "vnet-hb1", "vnet-hb2"]) expect(sectionAbout(one, "plan-hb", vnet)).toBe(sectionAbout(whole, "plan-hb", vnet));
    expect(one.join("\n")).not.toContain("Assessed without the rest");
  });

  it("answers one subscription as the whole estate's answer does, the plans of another subscription in its VNets included", async () => {
    await slack.close();
    await slack.azure.close();
    // plan-ha, which comes before plan-hb and shares vnet-h with it, moves to a subscription of its own.
    const seed = sharingEstate({ plans: ["plan-ha", "plan-hb"] });
    const web = seed.subscriptions[0]!.resourceGroups![0]!;
    const vnetId = (name: string) => `/subscriptions/${SHARING_SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/${name}`;
    const moved = web.apps!.filter((app) => app.plan === "plan-ha").map((app) => ({ ...app, vnetConnection: { vnet: vnetId(app.vnetConnection!.vnet!) } }));
    web.apps = web.apps!.filter((app) => app.plan !== "plan-ha");
    web.plans = web.plans!.filter((plan) => plan.name !== "plan-ha");
    seed.subscriptions.push({ id: OTHER_SUB, resourceGroups: [{ name: "rg-other", location: "westeurope", plans: [{ name: "plan-ha", sku: { name: "S1", tier: "Standard" } }], apps: moved }] });
    slack = await startSlackHarness({ azure: await startAzureHarness({ estate: seed, now: () => NOW }) });
    const whole = blocksOf(await slack.ask(PEOPLE.bystander, "migration"));

    const one = blocksOf(await slack.ask(PEOPLE.bystander, `migration --subscription ${SHARING_SUB}`));

    expect(groupOf(whole, "plan-ha", "vnet-ha2")).toBe(GROUPS.shares);
    for (const vnet of ["vnet-h", "vnet-hb1", "vnet-hb2"]) expect(sectionAbout(one, "plan-hb", vnet)).toBe(sectionAbout(whole, "plan-hb", vnet));
    expect(one.some((block) => block.includes("plan-ha"))).toBe(false);
  });

  it("counts, in one plan's answer read afresh, the kept slots of a plan before it in its VNets, as the whole estate's answer does", async () => {
    const withoutSlots = blocksOf(await slack.ask(PEOPLE.bystander, "migration"));
    await slack.close();
    await slack.azure.close();
    // Two staging slots of plan-ha use both of its regional integrations (in vnet-hs): plan-ha takes no new subnet in
    // vnet-h, so plan-hb gets the range plan-ha would otherwise have had.
    const seed = sharingEstate();
    const [web, net] = seed.subscriptions[0]!.resourceGroups!;
    web!.apps!.filter((app) => app.plan === "plan-ha" && app.vnetConnection?.vnet === "vnet-h").forEach((app, i) => {
      app.slots = [{ name: "staging", regionalIntegration: { vnet: "vnet-hs", subnet: `snet-s${i + 1}` } }];
    });
    net!.vnets!.push({ name: "vnet-hs", addressSpace: ["10.60.0.0/16"], subnets: [{ name: "snet-s1", addressPrefix: "10.60.1.0/26" }, { name: "snet-s2", addressPrefix: "10.60.2.0/26" }] });
    slack = await startSlackHarness({ azure: await startAzureHarness({ estate: seed, now: () => NOW }) });
    const whole = blocksOf(await slack.ask(PEOPLE.bystander, "migration"));

    const one = blocksOf(await slack.ask(PEOPLE.bystander, "migration --fresh --plan plan-hb"));

    expect(groupOf(whole, "plan-ha", "vnet-h")).toBe(GROUPS.shares);
    expect(sectionAbout(one, "plan-hb", "vnet-h")).toBe(sectionAbout(whole, "plan-hb", "vnet-h"));
    expect(sectionAbout(one, "plan-hb", "vnet-h")).not.toBe(sectionAbout(withoutSlots, "plan-hb", "vnet-h"));
  });

  it("says a Disconnected peering must be deleted in Azure before migrate peer can peer the two again", async () => {
    await slack.close();
    await slack.azure.close();
    // vnet-m-hub's side of its peering with vnet-m-three was deleted: vnet-m-three's side is Disconnected.
    const seed = sharingEstate();
    const vnets = seed.subscriptions[0]!.resourceGroups![1]!.vnets!;
    const hub = vnets.find((vnet) => vnet.name === "vnet-m-hub")!;
    hub.peerings = hub.peerings!.filter((peering) => peering.remoteVnet !== "vnet-m-three");
    vnets.find((vnet) => vnet.name === "vnet-m-three")!.peerings![0]!.peeringState = "Disconnected";
    slack = await startSlackHarness({ azure: await startAzureHarness({ estate: seed, now: () => NOW }) });

    // One plan, so that its answer is not cut to fit one Slack message.
    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration --plan plan-many"));

    expect(groupOf(blocks, "plan-many", "vnet-m-three")).toBe(GROUPS.shares);
    expect(sectionAbout(blocks, "plan-many", "vnet-m-three")).toContain("*Do first:* vnet-m-three's peering vnet-m-three-to-vnet-m-hub is Disconnected: delete it in Azure (portal or `az network vnet peering delete`), then `/vnet migrate peer plan-many vnet-m-three vnet-m-hub`, or the apps lose vnet-m-three.");
  });

  it("says a plan was assessed alone when no inventory is kept to find the other plans in its VNets", async () => {
    const alone = blocksOf(await slack.ask(PEOPLE.bystander, "migration --plan plan-hb"));

    expect(alone[1]).toContain(":warning: Assessed without the rest of the estate, whose inventory is not kept yet (or could not be read): other plans in these VNets were not taken in");
    await slack.ask(PEOPLE.bystander, "migration");
    expect(blocksOf(await slack.ask(PEOPLE.bystander, "migration --plan plan-hb")).join("\n")).not.toContain("Assessed without the rest");
  });

  it("does not have a VNet share a subnet whose VNet overlaps one of its own peers, and gives it the plan's other integration", async () => {
    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration --plan plan-c"));

    expect(groupOf(blocks, "plan-c", "vnet-c2")).toBe(GROUPS.ready);
    expect(groupOf(blocks, "plan-c", "vnet-c1")).toBe(GROUPS.shares);
  });

  it("counts a hub's peering that is only initiated against a VNet it overlaps: Azure may refuse the second peering", async () => {
    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration --plan plan-c"));

    // vnet-c3 has vnet-cy's space: it shares the other subnet of the plan, vnet-c2's, rather than vnet-ch's.
    expect(groupOf(blocks, "plan-c", "vnet-c3")).toBe(GROUPS.shares);
    expect(sectionAbout(blocks, "plan-c", "vnet-c3")).toContain("*Do:* `/vnet migrate plan-c vnet-c3 vnet-c2/snet-plan-c`");
  });

  it("gives a VNet that can share no subnet the plan's free integration, with its own verdict, rather than a plan of its own", async () => {
    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration --plan plan-d"));

    expect(groupOf(blocks, "plan-d", "vnet-d2")).toBe(GROUPS.crossRegion);
    expect(groupOf(blocks, "plan-d", "vnet-d1")).toBe(GROUPS.shares);
  });

  it("places nothing in a subnet whose VNet could not be read, and says so", async () => {
    slack.sim.faults.add({ method: "GET", path: /\/virtualNetworks\/vnet-p-p$/, status: 403, code: "AuthorizationFailed", message: "no access to vnet-p-p" });

    const blocks = blocksOf(await slack.ask(PEOPLE.bystander, "migration --plan plan-pair"));

    expect(sectionAbout(blocks, "plan-pair", "vnet-p-g1")).toContain("*Do:* `/vnet migrate plan-pair vnet-p-g1 vnet-p-q/snet-q`");
    expect(groupOf(blocks, "plan-pair", "vnet-p-g2")).toBe(GROUPS.unknown);
    expect(sectionAbout(blocks, "plan-pair", "vnet-p-g2")).toContain("vnet-p-p, which holds subnet snet-p, could not be read (The bot is not allowed to do this on VNet rg-net/vnet-p-p: it needs Microsoft.Network/virtualNetworks/read.)");
  });
});
