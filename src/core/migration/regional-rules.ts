/**
 * The rules of regional VNet integration that decide whether an integration can move to it, each explaining itself
 * as the gateway-required rules do (eligibility.ts). Sources: azure-docs articles/app-service/overview-vnet-integration.md
 * and configure-vnet-integration-enable.md (2026), migrate-gateway-based-vnet-integration.md (06/19/2025), and the
 * App Service spec's createOrUpdateSwiftVirtualNetworkConnectionWithCheck ("requires that 1) swiftSupported is true …
 * and 2) that the target Subnet has already been delegated, and is not in use by another App Service Plan").
 */
import { CLASSIC_VNET_ADVICE } from "../classic-vnet.ts";
import type { EligibilityProblem } from "../eligibility.ts";
import type { PlanInfo, SubnetInfo, VnetInfo } from "../model.ts";
import { isClassicVnetId, nameOf, sameId, subnetLabel } from "../resource-id.ts";
import { blockSize, instancesServed, neededPrefixLength, RESERVED_ADDRESSES, subnetPrefixLength } from "./subnet-plan.ts";

/** The delegation regional integration needs on its subnet. */
export const APP_SERVICE_DELEGATION = "Microsoft.Web/serverFarms";
/** What App Service calls its service association link on the subnet. */
export const APP_SERVICE_LINK_TYPE = "Microsoft.Web/serverfarms";
/** Regional integrations one Windows plan may hold (overview-vnet-integration.md, "Limitations"). */
export const REGIONAL_PER_PLAN = 2;

// Regional integration is offered on these tiers; Isolated plans live in an App Service Environment, which sits in its
// own subnet and needs no integration at all.
const REGIONAL_TIERS = ["basic", "standard", "premium", "premiumv2", "premiumv3", "premiumv4", "elasticpremium"];

const NEW_PLAN = "Create a plan in a new resource group (it lands on a current scale unit), move the apps there (blue-green), and migrate them on it.";

/** Whether the plan's tier offers regional integration. */
export function checkRegionalTier(plan: Pick<PlanInfo, "name" | "tier" | "skuName">): EligibilityProblem[] {
  if (REGIONAL_TIERS.includes(plan.tier.toLowerCase())) return [];
  return [{ rule: "regional-tier", message: `Plan ${plan.name} is ${plan.tier} (${plan.skuName}), which has no regional VNet integration.`, fix: "Scale the plan to Basic, Standard or a Premium tier first." }];
}

/**
 * Whether the app's scale unit supports regional integration (the site's swiftSupported flag). On an older scale unit
 * a Premium v2 plan still has it (azure-docs overview-vnet-integration.md, "Limitations": "If you're on an older App
 * Service deployment, you can only use the feature from a Premium v2 App Service plan"), so a plan below Premium v2 is
 * offered that scale-up first: it keeps the plan and the apps' names. A PremiumV2 plan told no has only a new plan.
 */
export function checkScaleUnit(appName: string, swiftSupported: boolean, plan: Pick<PlanInfo, "name" | "tier">): EligibilityProblem[] {
  if (swiftSupported) return [];
  const belowPremiumV2 = ["basic", "standard", "premium"].includes(plan.tier.toLowerCase());
  const fix = belowPremiumV2 ? `Scale plan ${plan.name} up to PremiumV2 (on an older scale unit, Microsoft offers regional integration from Premium v2), then ask again; or: ${NEW_PLAN}` : NEW_PLAN;
  return [{ rule: "regional-scale-unit", message: `${appName}'s scale unit does not support regional VNet integration (Azure reports swiftSupported false; the portal says "Regional VNET Integration is unsupported in this scale unit").`, fix }];
}

/** A classic VNet cannot take a regional integration. */
export function checkResourceManagerVnet(vnetId: string): EligibilityProblem[] {
  if (!isClassicVnetId(vnetId)) return [];
  return [{ rule: "regional-resource-manager", message: `${nameOf(vnetId)} is a classic VNet; regional integration needs a Resource Manager VNet.`, fix: CLASSIC_VNET_ADVICE }];
}

/** The subnet's VNet must be in the plan's region. */
export function checkSameRegion(plan: Pick<PlanInfo, "name" | "location">, vnet: Pick<VnetInfo, "name" | "location">, left: string = vnet.name): EligibilityProblem[] {
  if (sameRegion(plan.location, vnet.location)) return [];
  return [
    {
      rule: "regional-same-region",
      message: `${vnet.name} is in ${vnet.location} and plan ${plan.name} in ${plan.location}: regional integration needs a VNet in the app's region.`,
      // `left`: the gateway VNet the apps leave, which the peering must reach (a named target may be another VNet).
      fix: `Create or pick a VNet in ${plan.location}, peer it with ${left} (/vnet migrate peer ${plan.name} ${left} NEWVNET), then migrate into a subnet of it (/vnet migrate APP NEWVNET/SUBNET).`,
    },
  ];
}

/**
 * Regional integration cannot use a VNet with an IPv6 address space (overview-vnet-integration.md, "Limitations": "The
 * integration virtual network can't have IPv6 address spaces defined"; App Service's IPv6 announcements of 2025 still
 * list VNet outbound IPv6 as backlog). Refused before approval: the regional step comes after the gateway connection
 * is removed, so a refusal there would leave the apps without their VNet.
 */
export function checkIpv4OnlyVnet(plan: Pick<PlanInfo, "name">, vnet: Pick<VnetInfo, "name" | "addressSpace">, left: string = vnet.name): EligibilityProblem[] {
  const ipv6 = vnet.addressSpace.filter((prefix) => prefix.includes(":"));
  if (ipv6.length === 0) return [];
  return [
    {
      rule: "regional-ipv4-only",
      message: `${vnet.name} has an IPv6 address space (${ipv6.join(", ")}), and regional integration cannot use a VNet that has one.`,
      fix: `Migrate into a subnet of an IPv4-only VNet in the app's region peered with ${left} (/vnet migrate peer ${plan.name} ${left} OTHERVNET if they are not peered), then /vnet migrate APP OTHERVNET/SUBNET.`,
    },
  ];
}

/**
 * The plan ends with at most two regional integrations: the subnets its apps use already plus the one being added.
 * (Counting the gateway VNets the plan still has: each needs a subnet of its own once it moves.)
 */
export function checkRegionalPerPlan(
  plan: Pick<PlanInfo, "name">,
  regionalSubnetIds: readonly string[],
  gatewayVnetNames: readonly string[],
  move?: { subnetId: string; vnetName: string; app?: string },
): EligibilityProblem[] {
  const subnets = new Set(regionalSubnetIds.map((id) => id.toLowerCase()));
  const total = subnets.size + gatewayVnetNames.length;
  if (total <= REGIONAL_PER_PLAN) return [];
  // A subnet in the VNet being left needs no peering: it comes first.
  const inLeft = (id: string) => subnetLabel(id).split("/")[0]!.toLowerCase() === move?.vnetName.toLowerCase();
  const used = [...subnets].filter((id) => !move || id !== move.subnetId.toLowerCase()).sort((a, b) => Number(inLeft(b)) - Number(inLeft(a)) || a.localeCompare(b));
  if (move && used.length === subnets.size - 1 && used.length > 0) {
    // One migration asking for one subnet too many: name the subnets it could join and the commands that do it.
    const first = used[0]!;
    const hub = subnetLabel(first).split("/")[0]!;
    const migrate = move.app ? `/vnet migrate ${move.app} ${subnetLabel(first)}` : `/vnet migrate ${plan.name} ${move.vnetName} ${subnetLabel(first)}`;
    return [
      {
        rule: "regional-per-plan",
        message: `Plan ${plan.name} already uses its ${REGIONAL_PER_PLAN} regional integrations (${used.map(subnetLabel).join(", ")}), so ${move.vnetName}'s apps cannot move into ${subnetLabel(move.subnetId)}, a subnet of their own.`,
        fix: `Move them into a subnet the plan uses: ${hub.toLowerCase() === move.vnetName.toLowerCase() ? "" : `\`/vnet migrate peer ${plan.name} ${move.vnetName} ${hub}\` (if ${move.vnetName} and ${hub} are not peered yet), then `}\`${migrate}\`${used.length > 1 ? ` (or ${used.slice(1).map(subnetLabel).join(", ")})` : ""}; or split the plan so that each has at most ${REGIONAL_PER_PLAN} VNets.`,
      },
    ];
  }
  const parts = [
    subnets.size > 0 && `${subnets.size} subnet${subnets.size === 1 ? "" : "s"} (${[...subnets].map(subnetLabel).sort().join(", ")})`,
    gatewayVnetNames.length > 0 && `one for each VNet it reaches through a gateway (${[...gatewayVnetNames].sort().join(", ")})`,
  ].filter(Boolean);
  return [
    {
      rule: "regional-per-plan",
      message: `Plan ${plan.name} would need ${total} regional integrations: ${parts.join(" and ")}; a plan takes at most ${REGIONAL_PER_PLAN}, so its VNets cannot move one to one.`,
      fix:
        subnets.size > 0
          ? `Move the other VNets' apps into a subnet the plan already uses (${[...subnets].map(subnetLabel).sort().join(", ")}), their VNets peered with its VNet (VNet access allowed on both sides), then /vnet migrate ${plan.name} VNET ${subnetLabel([...subnets].sort()[0]!)}, or split the plan so that each has at most two VNets.`
          : "Peer the VNets with one hub VNet and migrate every app into a subnet of the hub, or split the plan so that each has at most two VNets.",
    },
  ];
}

/**
 * What a move leaves for the plan's other gateway VNets, when they cannot each get a subnet of their own after it: a
 * warning, not a refusal, since moving them into a subnet the plan already uses (a hub, peered with their VNets) is
 * how such a plan migrates at all (migration.md, "Limits"). Undefined when there is room.
 */
export function regionalRoomWarning(plan: Pick<PlanInfo, "name">, subnetsAfter: readonly string[], otherGatewayVnets: readonly string[]): string | undefined {
  const subnets = new Set(subnetsAfter.map((id) => id.toLowerCase()));
  if (otherGatewayVnets.length === 0 || subnets.size + otherGatewayVnets.length <= REGIONAL_PER_PLAN) return undefined;
  const others = [...otherGatewayVnets].sort().join(", ");
  const used = [...subnets].map(subnetLabel).sort().join(", ");
  return `After this move plan ${plan.name} uses ${subnets.size} of its ${REGIONAL_PER_PLAN} regional integrations (${used}), and still reaches ${others} through a gateway: those cannot each get a subnet of their own. Move their apps into a subnet it already uses, with their VNets peered to that subnet's VNet (VNet access allowed on both sides), or split the plan.`;
}

/**
 * A subnet the bot would choose itself (none named) when the plan's VNets cannot each get one: which move one to one
 * and which share a subnet is the plan's choice, which /vnet migration works out across all its VNets, so the bot
 * does not make it alone by spending one of the plan's two regional integrations.
 */
export function checkProposalLeavesRoom(plan: Pick<PlanInfo, "name">, subnetsAfter: readonly string[], otherGatewayVnets: readonly string[]): EligibilityProblem[] {
  if (regionalRoomWarning(plan, subnetsAfter, otherGatewayVnets) === undefined) return [];
  return [
    {
      rule: "regional-per-plan",
      message: `Plan ${plan.name} reaches more VNets through gateways than its ${REGIONAL_PER_PLAN} regional integrations, so some of them must share a subnet: vnetbot will not choose the subnet for this move alone.`,
      fix: `Name the subnet: /vnet migration --plan ${plan.name} proposes one for each VNet (a subnet of its own, or one the plan shares) with the command to run.`,
    },
  ];
}

/** An app holds one integration: one already on regional integration elsewhere is not migrated again. */
export function checkNotOnOtherSubnet(appName: string, currentSubnetId: string | undefined, targetSubnetId: string): EligibilityProblem[] {
  if (!currentSubnetId || sameId(currentSubnetId, targetSubnetId)) return [];
  return [{ rule: "regional-one-per-app", message: `${appName} already uses regional integration with subnet ${subnetLabel(currentSubnetId)}.`, fix: "There is nothing to migrate for it; /vnet show says what it uses." }];
}

/** The smallest subnet several plans may share (multi-plan subnet join): a /26. */
const SHARED_SUBNET_PREFIX = 26;

/**
 * The other App Service plans whose service association links the subnet carries. Several plans may join one subnet
 * ("multi-plan subnet join": migrate-gateway-based-vnet-integration.md, "Migration path and planning"); the App
 * Service team's announcement (azure-app-service blog, "Announcing Multi-plan subnet join", Mads Damgård) sets the
 * rules: every plan joining a subnet in one subscription, and a /26 or larger.
 */
export function otherPlansOn(subnet: SubnetInfo, plan: Pick<PlanInfo, "id">): string[] {
  return subnet.serviceAssociationLinks.filter((link) => link.linkedResourceType.toLowerCase() === APP_SERVICE_LINK_TYPE.toLowerCase() && !sameId(link.link, plan.id)).map((link) => link.link);
}

/**
 * Subnets whose name Azure reserves for one service, which deploys into it alone: delegating one to App Service would
 * take it from that service (azure-docs, Bastion's quickstart: "The subnet will be dedicated to the Bastion host …
 * must be named AzureBastionSubnet"; Azure Firewall, its forced-tunnelling management and Route Server likewise take
 * AzureFirewallSubnet, AzureFirewallManagementSubnet and RouteServerSubnet).
 */
const RESERVED_SUBNETS = new Map([
  ["azurebastionsubnet", "Azure Bastion"],
  ["azurefirewallsubnet", "Azure Firewall"],
  ["azurefirewallmanagementsubnet", "Azure Firewall's management traffic"],
  ["routeserversubnet", "Azure Route Server"],
]);

/**
 * Whether an existing subnet can serve as the plan's integration subnet: not the GatewaySubnet or a subnet reserved for
 * another service, delegated to nothing but App Service, used by no other service, unused by NICs and endpoints,
 * without service endpoint policies, and big enough for twice the plan's instances. Another plan's link is allowed only with `join` (a subnet the user named,
 * not one the bot proposes: it cannot tell how many addresses the other plans take) and within the multi-plan rules.
 */
export function checkSubnet(subnet: SubnetInfo, plan: Pick<PlanInfo, "id" | "name" | "workers">, options: { join?: boolean } = {}): EligibilityProblem[] {
  const problems: EligibilityProblem[] = [];
  const name = subnet.name;
  if (name.toLowerCase() === "gatewaysubnet") {
    problems.push({ rule: "subnet-not-gateway", message: `${name} is the VNet's gateway subnet.`, fix: "Pick another subnet or create one with --new-subnet CIDR." });
    return problems;
  }
  const service = RESERVED_SUBNETS.get(name.toLowerCase());
  if (service) {
    problems.push({ rule: "subnet-reserved", message: `${name} is the subnet Azure reserves for ${service}, even while it is empty.`, fix: "Pick another subnet or create one with --new-subnet CIDR." });
    return problems;
  }
  const others = subnet.delegations.filter((service) => service.toLowerCase() !== APP_SERVICE_DELEGATION.toLowerCase());
  if (others.length > 0) problems.push({ rule: "subnet-delegation", message: `Subnet ${name} is delegated to ${others.join(", ")}.`, fix: "Pick a subnet delegated to nothing or to Microsoft.Web/serverFarms, or create one with --new-subnet CIDR." });
  const plans = otherPlansOn(subnet, plan);
  const services = subnet.serviceAssociationLinks.filter((link) => link.linkedResourceType.toLowerCase() !== APP_SERVICE_LINK_TYPE.toLowerCase());
  if (services.length > 0) {
    problems.push({ rule: "subnet-other-user", message: `Subnet ${name} is already used by ${services.map((link) => `${link.linkedResourceType} ${nameOf(link.link)}`).join(", ")} (service association link).`, fix: "Pick another subnet or create one with --new-subnet CIDR." });
  } else if (plans.length > 0) {
    const who = `plan ${plans.map(nameOf).join(", plan ")}`;
    const bits = subnetPrefixLength(subnet);
    const otherSubscription = plans.find((id) => subscriptionOf(id) !== subscriptionOf(plan.id));
    if (!options.join) {
      problems.push({ rule: "subnet-other-user", message: `Subnet ${name} is already used by ${who} (service association link).`, fix: "Pick another subnet or create one with --new-subnet CIDR; a subnet shared with other plans is used only when named." });
    } else if (bits === undefined || bits > SHARED_SUBNET_PREFIX) {
      problems.push({ rule: "subnet-other-user", message: `Subnet ${name} is already used by ${who}, and plans share a subnet only when it is a /${SHARED_SUBNET_PREFIX} or larger (multi-plan subnet join); it is ${bits === undefined ? "not an IPv4 range" : `a /${bits}`}.`, fix: "Pick another subnet or create one with --new-subnet CIDR." });
    } else if (otherSubscription) {
      problems.push({ rule: "subnet-other-user", message: `Subnet ${name} is already used by plan ${nameOf(otherSubscription)} of subscription ${subscriptionOf(otherSubscription)}: plans share a subnet only within one subscription (multi-plan subnet join).`, fix: "Pick another subnet or create one with --new-subnet CIDR." });
    }
  }
  if (subnet.ipConfigurationCount > 0) problems.push({ rule: "subnet-unused", message: `Subnet ${name} holds ${subnet.ipConfigurationCount} network interface or endpoint address${subnet.ipConfigurationCount === 1 ? "" : "es"}; regional integration needs an unused subnet.`, fix: "Pick an empty subnet or create one with --new-subnet CIDR." });
  if (subnet.hasServiceEndpointPolicies) problems.push({ rule: "subnet-endpoint-policies", message: `Subnet ${name} has service endpoint policies, which regional integration does not allow.`, fix: "Remove the policies from the subnet, or pick another." });
  problems.push(...checkSubnetSize(name, subnetPrefixLength(subnet), plan));
  return problems;
}

/** The subnet (or the range given for a new one) holds twice the plan's instances and is at least a /28. */
export function checkSubnetSize(name: string, prefixLength: number | undefined, plan: Pick<PlanInfo, "name" | "workers">): EligibilityProblem[] {
  const needed = neededPrefixLength(plan.workers);
  if (prefixLength !== undefined && prefixLength <= needed) return [];
  const size = prefixLength === undefined ? "has no IPv4 range" : `is a /${prefixLength}`;
  return [
    {
      rule: "subnet-size",
      message: `${name} ${size}; plan ${plan.name} runs ${plan.workers} instance${plan.workers === 1 ? "" : "s"} and needs a /${needed} or larger (an address per instance, twice over for scaling, plus Azure's five; never smaller than a /28).`,
      fix: `Give a larger subnet, or --new-subnet with a free /${needed}.`,
    },
  ];
}

/**
 * Whether a subnet shared with other plans holds them all: each instance of each plan takes an address, and the
 * joining plan twice while it scales (the multi-plan announcement), besides Azure's five. `others` are the plans its
 * links name and could be read, so this is a lower bound: the preview says so.
 */
export function checkSharedSubnetRoom(subnet: SubnetInfo, plan: Pick<PlanInfo, "name" | "workers">, others: ReadonlyArray<Pick<PlanInfo, "name" | "workers">>): EligibilityProblem[] {
  const bits = subnetPrefixLength(subnet);
  if (bits === undefined || others.length === 0) return [];
  const room = blockSize(bits) - RESERVED_ADDRESSES;
  const theirs = others.reduce((sum, other) => sum + other.workers, 0);
  const needed = 2 * plan.workers + theirs;
  if (needed <= room) return [];
  const who = others.map((other) => `plan ${other.name} (${other.workers} instance${other.workers === 1 ? "" : "s"})`).join(", ");
  return [
    {
      rule: "subnet-size",
      message: `Subnet ${subnet.name} is a /${bits} with ${room} addresses for instances and is shared with ${who}: with plan ${plan.name}'s ${plan.workers} instance${plan.workers === 1 ? "" : "s"}, twice while it scales, it needs ${needed}.`,
      fix: "Pick a larger subnet, or give the plan one of its own with --new-subnet CIDR.",
    },
  ];
}

function subscriptionOf(id: string): string {
  return (/^\/subscriptions\/([^/]+)/i.exec(id)?.[1] ?? "").toLowerCase();
}

/** Azure region names compare without case or spaces ("West Europe" is "westeurope"). */
export function sameRegion(a: string, b: string): boolean {
  return a.replace(/\s+/g, "").toLowerCase() === b.replace(/\s+/g, "").toLowerCase();
}

/** Kept here for the migration's modules, which name subnets this way throughout. */
export { subnetLabel } from "../resource-id.ts";

/** How many instances a subnet serves, for the verdicts. */
export function servesLine(prefixLength: number): string {
  return `a /${prefixLength} serves ${instancesServed(prefixLength)} instances with room to scale`;
}
