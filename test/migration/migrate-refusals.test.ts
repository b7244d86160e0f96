// Every migration the bot refuses, before any approval: the reason and what to do, and nothing written to Azure.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { regionalEstate } from "../stand-ins/arm/regional-estate.ts";
import { startAzureHarness } from "../support/azure-harness.ts";
import { NOW, PEOPLE, refusedChange, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";

/**
 * The regional estate, with a subnet delegated to another service, a /27 another plan holds, an empty Bastion subnet, a
 * dual-stack VNet and an app on a scale unit without regional.
 */
function estate() {
  const seed = regionalEstate();
  const [web, net] = seed.subscriptions[0]!.resourceGroups!;
  web!.apps!.find((app) => app.name === "app-old")!.vnetConnection = { vnet: "vnet-hub" };
  net!.vnets!.find((vnet) => vnet.name === "vnet-apps")!.subnets!.push(
    { name: "snet-sql", addressPrefix: "10.30.10.0/26", delegations: ["Microsoft.Sql/managedInstances"] },
    { name: "snet-small-taken", addressPrefix: "10.30.12.0/27" },
    { name: "AzureBastionSubnet", addressPrefix: "10.30.14.0/26" },
  );
  net!.vnets!.push({ name: "vnet-dual", addressSpace: ["10.40.0.0/16", "fd00:db8:40::/48"], subnets: [{ name: "snet-dual", addressPrefix: "10.40.1.0/26" }] });
  web!.plans!.push({ name: "plan-p2", sku: { name: "P1v3", tier: "PremiumV3" } });
  web!.apps!.push({ name: "app-small", plan: "plan-p2", regionalIntegration: { vnet: "vnet-apps", subnet: "snet-small-taken" } });
  return seed;
}

let slack: SlackHarness;
beforeAll(async () => {
  slack = await startSlackHarness({ azure: await startAzureHarness({ estate: estate(), now: () => NOW }) });
});
afterAll(async () => {
  await slack.close();
  await slack.azure.close();
});

describe("migrations refused before approval", () => {
  it.each([
    ["a subnet smaller than the plan needs", "migrate app-gw vnet-apps/snet-tiny", "snet-tiny is a /29; plan plan-std runs 1 instance and needs a /28 or larger"],
    ["a subnet with service endpoint policies", "migrate app-gw vnet-apps/snet-policy", "Subnet snet-policy has service endpoint policies, which regional integration does not allow."],
    ["a subnet that network interfaces use", "migrate app-gw vnet-apps/snet-used", "Subnet snet-used holds 1 network interface or endpoint address; regional integration needs an unused subnet."],
    ["a subnet another plan holds, too small to share", "migrate app-gw vnet-apps/snet-small-taken", "Subnet snet-small-taken is already used by plan plan-p2, and plans share a subnet only when it is a /26 or larger (multi-plan subnet join); it is a /27."],
    ["a subnet delegated to another service", "migrate app-gw vnet-apps/snet-sql", "Subnet snet-sql is delegated to Microsoft.Sql/managedInstances."],
    ["the gateway subnet", "migrate app-gw GatewaySubnet", "GatewaySubnet is the VNet's gateway subnet."],
    ["a subnet Azure reserves for another service", "migrate app-gw vnet-apps/AzureBastionSubnet", "AzureBastionSubnet is the subnet Azure reserves for Azure Bastion, even while it is empty."],
    ["a VNet with an IPv6 address space", "migrate app-gw vnet-dual/snet-dual", "vnet-dual has an IPv6 address space (fd00:db8:40::/48), and regional integration cannot use a VNet that has one."],
    ["a subnet in another region", "migrate app-gw vnet-north/snet-north", "vnet-north is in northeurope and plan plan-std in westeurope: regional integration needs a VNet in the app's region."],
    // The way out peers the VNet the app leaves (vnet-hub), not the one it named: migrate peer takes only the former.
    ["a subnet in another region, pointing to a peering with the VNet left", "migrate app-gw vnet-north/snet-north", "/vnet migrate peer plan-std vnet-hub NEWVNET"],
    ["a dual-stack VNet, pointing to a peering with the VNet left", "migrate app-gw vnet-dual/snet-dual", "(/vnet migrate peer plan-std vnet-hub OTHERVNET if they are not peered)"],
    ["a new range that overlaps a subnet", "migrate app-gw vnet-apps/snet-new --new-subnet 10.30.1.0/26", "10.30.1.0/26 overlaps subnet snet-ready of vnet-apps."],
    ["a new range outside the VNet", "migrate app-gw vnet-apps/snet-new --new-subnet 10.99.0.0/26", "10.99.0.0/26 is not inside vnet-apps's address space (10.30.0.0/16)."],
    ["a subnet that does not exist, without --new-subnet", "migrate app-gw vnet-apps/snet-nothere", "vnet-apps has no subnet vnet-apps/snet-nothere."],
    ["a scale unit without regional integration", "migrate app-old vnet-apps/snet-ready", "app-old's scale unit does not support regional VNet integration"],
    ["an app already on regional integration", "migrate app-taken", "app-taken has no gateway-required VNet integration, so there is nothing to migrate."],
    ["an app without any integration", "migrate app-two", "app-two has no gateway-required VNet integration, so there is nothing to migrate."],
    ["a classic VNet, with no Resource Manager subnet named", "migrate app-classic", "vnet-classic is a classic VNet: regional integration cannot use it"],
  ])("refuses %s", async (_case, text, reason) => {
    const answer = await refusedChange(slack, text);

    expect(answer).toContain(reason);
    expect(answer).not.toContain("Something went wrong");
  });

  it("refuses a --new-subnet that is not a CIDR range in the acknowledgement, before reading Azure", async () => {
    const requests = slack.sim.requests.length;

    const { ack } = await slack.command(PEOPLE.requester, "migrate app-gw vnet-apps/snet-new --new-subnet 10.30.20.1/26");
    await slack.bot.idle();

    expect(textOf(ack as never)).toContain("has host bits set: a /26 range starts at 10.30.20.0");
    expect(slack.sim.requests.length).toBe(requests);
  });

  it("proposes a migration off a classic VNet into a Resource Manager subnet of the app's region", async () => {
    const message = await slack.requestChange("migrate app-classic vnet-apps/snet-ready");

    expect(textOf(message)).toContain("Migrate app-classic to regional integration (vnet-apps/snet-ready)");
    expect(textOf(message)).toContain("instead of the point-to-site pool of vnet-classic's gateway");
  });

  it("keeps a plan of many apps' approval message within Slack's limits, Approve button and status included", async () => {
    await slack.close();
    await slack.azure.close();
    const seed = estate();
    const web = seed.subscriptions[0]!.resourceGroups![0]!;
    for (let i = 1; i <= 14; i += 1) web.apps!.push({ name: `app-many-${i}`, plan: "plan-std", vnetConnection: { vnet: "vnet-hub" } });
    slack = await startSlackHarness({ azure: await startAzureHarness({ estate: seed, now: () => NOW }) });

    const message = await slack.requestChange("migrate plan-std vnet-hub vnet-apps/snet-many --new-subnet 10.30.64.0/26 --route-all");

    const blocks = JSON.stringify(message.blocks);
    expect(blocks.length).toBeLessThanOrEqual(12_000);
    expect(blocks).toContain("Waiting for an approver");
    expect(blocks).toContain('"action_id":"vnet:approve"');
    expect(blocks).toContain("app-many-14");
  });
});

