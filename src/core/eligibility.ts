/**
 * The rules of gateway-required VNet integration, each a named check that explains itself. Source: azure-docs
 * articles/app-service/configure-gateway-required-vnet-integration.md (01/30/2026).
 */
import { BotError } from "../errors.ts";
import { isPrivatePrefix } from "./address-range.ts";
import { isRetired } from "./format.ts";
import type { AppInfo, GatewayInfo, PlanInfo, VnetInfo } from "./model.ts";
import { sameId, subnetLabel } from "./resource-id.ts";

/** The name of a rule, stable for tests and for the audit trail. */
export type EligibilityRule =
  | "windows-only"
  | "no-windows-containers"
  | "supported-tier"
  | "one-vnet-per-app"
  | "five-vnets-per-plan"
  | "gateway-exists"
  | "gateway-type-vpn"
  | "gateway-route-based"
  | "gateway-provisioned"
  | "p2s-configured"
  | "p2s-pool-private"
  | "sstp-enabled"
  | "certificate-auth"
  | "no-ikev2"
  | "no-expressroute"
  | "same-subscription"
  | "root-certificate-room"
  | "not-retired"
  // Regional integration, for /vnet migrate (migration/regional-rules.ts).
  | "regional-tier"
  | "regional-scale-unit"
  | "regional-per-plan"
  | "regional-same-region"
  | "regional-resource-manager"
  | "regional-one-per-app"
  | "regional-ipv4-only"
  | "subnet-not-gateway"
  | "subnet-reserved"
  | "subnet-delegation"
  | "subnet-other-user"
  | "subnet-unused"
  | "subnet-endpoint-policies"
  | "subnet-size"
  | "subnet-inside-vnet";

/** One broken rule: what is wrong and what to do about it. */
export interface EligibilityProblem {
  rule: EligibilityRule;
  message: string;
  fix: string;
}

/** Plan tiers that support gateway-required integration (Premium v4 since the Jan 2026 doc). */
export const SUPPORTED_TIERS: readonly string[] = ["Basic", "Standard", "Premium", "PremiumV2", "PremiumV3", "PremiumV4"];

/** How many VNets one plan may integrate. */
export const MAX_VNETS_PER_PLAN = 5;

const TO_REGIONAL = "use regional VNet integration instead.";
const REGIONAL = TO_REGIONAL.charAt(0).toUpperCase() + TO_REGIONAL.slice(1);

/**
 * The most P2S root certificates a VPN gateway takes: "Point-to-site root certificates per Azure VPN Gateway: 20"
 * (azure-docs includes/azure-virtual-network-limits.md); "you can add up to 20 trusted root certificates"
 * (articles/vpn-gateway/point-to-site-certificate-gateway.md).
 */
export const MAX_ROOT_CERTIFICATES = 20;

/** Windows plans only: Linux plans (reserved) cannot use it. */
export function checkWindows(subject: Pick<PlanInfo | AppInfo, "name" | "isLinux">, noun: "Plan" | "App"): EligibilityProblem[] {
  if (!subject.isLinux) return [];
  return [{ rule: "windows-only", message: `${noun} ${subject.name} runs Linux; gateway-required integration is Windows-only.`, fix: REGIONAL }];
}

/** Windows containers (hyperV / isXenon) cannot use it. */
export function checkNoContainers(subject: Pick<PlanInfo | AppInfo, "name" | "isWindowsContainer">, noun: "Plan" | "App"): EligibilityProblem[] {
  if (!subject.isWindowsContainer) return [];
  return [
    {
      rule: "no-windows-containers",
      message: `${noun} ${subject.name} runs Windows containers; gateway-required integration does not support them.`,
      fix: REGIONAL,
    },
  ];
}

/** The plan's tier must be Basic, Standard or one of the Premium tiers. */
export function checkTier(plan: Pick<PlanInfo, "name" | "tier" | "skuName">): EligibilityProblem[] {
  if (SUPPORTED_TIERS.some((tier) => tier.toLowerCase() === plan.tier.toLowerCase())) return [];
  return [
    {
      rule: "supported-tier",
      message: `Plan ${plan.name} is on the ${plan.tier} tier (${plan.skuName}); gateway-required integration needs Basic, Standard, Premium, PremiumV2, PremiumV3 or PremiumV4.`,
      fix: `Scale plan ${plan.name} up to a supported tier (for example S1 or P1v3), then try again.`,
    },
  ];
}

/** Every plan-level rule. */
export function checkPlan(plan: PlanInfo): EligibilityProblem[] {
  return [...checkWindows(plan, "Plan"), ...checkNoContainers(plan, "Plan"), ...checkTier(plan)];
}

/** An app connects to one VNet at a time; reconnecting to the VNet it already has is fine. */
export function checkOneVnetPerApp(app: Pick<AppInfo, "name">, current: string | undefined, vnetName: string): EligibilityProblem[] {
  if (!current || current.toLowerCase() === vnetName.toLowerCase()) return [];
  return [
    {
      rule: "one-vnet-per-app",
      message: `App ${app.name} is already connected to ${current}; an app connects to one VNet at a time.`,
      fix: `Disconnect it first (/vnet disconnect ${app.name}), then connect it to ${vnetName}.`,
    },
  ];
}

/**
 * An app has one VNet integration at a time (overview-vnet-integration.md: "An app can only have a single virtual
 * network integration at a given time"; migration.md): an app on regional integration takes no gateway-required one.
 */
export function checkNoRegionalIntegration(app: Pick<AppInfo, "name" | "regionalSubnetId">, vnet: Pick<VnetInfo, "id" | "name" | "peerings">): EligibilityProblem[] {
  if (!app.regionalSubnetId) return [];
  const label = subnetLabel(app.regionalSubnetId);
  const ownVnetId = app.regionalSubnetId.replace(/\/subnets\/[^/]+$/i, "");
  const ownVnet = label.split("/")[0];
  const peering = vnet.peerings.find((p) => sameId(p.remoteVnetId, ownVnetId) && /^connected$/i.test(p.peeringState));
  const fix = sameId(ownVnetId, vnet.id)
    ? `Its subnet is in ${vnet.name}, so it reaches ${vnet.name} already, without a gateway.`
    : peering
      ? `${vnet.name} is peered with ${ownVnet} (peering ${peering.name}), so it reaches ${vnet.name} already${peering.allowVirtualNetworkAccess ? "" : " once that peering allows VNet access"}, without a gateway.`
      : `To reach ${vnet.name} from there, peer ${vnet.name} with ${ownVnet} (VNet access allowed on both sides) rather than add a gateway-required integration, which is retired on 31 March 2027.`;
  return [{ rule: "one-vnet-per-app", message: `App ${app.name} uses regional VNet integration (${label}); an app has one VNet integration at a time.`, fix }];
}

/** A plan integrates at most five VNets; apps sharing a VNet count once, and a VNet the plan has is fine. */
export function checkPlanVnetLimit(plan: Pick<PlanInfo, "name">, planVnetNames: readonly string[], vnetName: string): EligibilityProblem[] {
  const distinct = new Set(planVnetNames.map((name) => name.toLowerCase()));
  if (distinct.has(vnetName.toLowerCase()) || distinct.size < MAX_VNETS_PER_PLAN) return [];
  return [
    {
      rule: "five-vnets-per-plan",
      message: `Plan ${plan.name} already integrates ${distinct.size} VNets (${[...distinct].sort().join(", ")}); a plan can integrate at most ${MAX_VNETS_PER_PLAN}.`,
      fix: `Disconnect the apps of one of those VNets, or move the app to another plan.`,
    },
  ];
}

/** No ExpressRoute gateway on the VNet, not even in coexistence mode. */
export function checkNoExpressRoute(vnetName: string, gateways: readonly GatewayInfo[]): EligibilityProblem[] {
  const expressRoute = gateways.find((gateway) => gateway.gatewayType.toLowerCase() === "expressroute");
  if (!expressRoute) return [];
  return [
    {
      rule: "no-expressroute",
      message: `VNet ${vnetName} has the ExpressRoute gateway ${expressRoute.name}; gateway-required integration does not work with ExpressRoute, even in coexistence mode.`,
      fix: REGIONAL,
    },
  ];
}

/**
 * The gateway App Service connects through: the VNet's gateway that is not ExpressRoute (a VPN and an ExpressRoute
 * gateway may coexist in one GatewaySubnet). A gateway of another type is returned too, so that checkGateway says so.
 */
export function findVpnGateway(gateways: readonly GatewayInfo[]): GatewayInfo | undefined {
  return gateways.find((gateway) => gateway.gatewayType.toLowerCase() !== "expressroute");
}

/** The VNet must have a gateway that is not ExpressRoute. */
export function checkGatewayExists(vnetName: string, gateways: readonly GatewayInfo[]): EligibilityProblem[] {
  if (findVpnGateway(gateways)) return [];
  return [
    {
      rule: "gateway-exists",
      message: `VNet ${vnetName} has no VPN gateway; gateway-required integration connects through one.`,
      fix: `A new gateway cannot be made usable for it any more (SSTP can no longer be enabled since 31 March 2026): ${TO_REGIONAL}`,
    },
  ];
}

/** Gateway-level rules: type, VPN type, provisioning, P2S pool and protocols. */
export function checkGateway(gateway: GatewayInfo): EligibilityProblem[] {
  const problems: EligibilityProblem[] = [];
  const name = gateway.name;
  if (gateway.gatewayType.toLowerCase() !== "vpn") {
    problems.push({ rule: "gateway-type-vpn", message: `Gateway ${name} is of type ${gateway.gatewayType}; it must be a VPN gateway.`, fix: `Use a VNet whose gateway is of type Vpn.` });
  }
  if (gateway.vpnType.toLowerCase() !== "routebased") {
    problems.push({ rule: "gateway-route-based", message: `Gateway ${name} is ${gateway.vpnType}; gateway-required integration needs a RouteBased VPN gateway.`, fix: `Recreate the gateway as RouteBased (the VPN type cannot be changed in place).` });
  }
  if (gateway.provisioningState !== "Succeeded") {
    problems.push({ rule: "gateway-provisioned", message: `Gateway ${name} is ${gateway.provisioningState}, not Succeeded.`, fix: `Wait until the gateway's update finishes (or repair it if it Failed), then try again.` });
  }
  problems.push(...checkPointToSite(gateway));
  return problems;
}

function checkPointToSite(gateway: GatewayInfo): EligibilityProblem[] {
  const name = gateway.name;
  if (gateway.addressPool.length === 0) {
    return [{ rule: "p2s-configured", message: `Gateway ${name} has no point-to-site configuration (no address pool).`, fix: `It cannot be given one that App Service can use, since SSTP can no longer be enabled (since 31 March 2026): ${TO_REGIONAL}` }];
  }
  const problems: EligibilityProblem[] = [];
  const auth = gateway.authenticationTypes.map((type) => type.toLowerCase());
  if (auth.length > 0 && !auth.includes("certificate")) {
    problems.push({
      rule: "certificate-auth",
      message: `Gateway ${name}'s point-to-site authentication is ${gateway.authenticationTypes.join(" and ")}; App Service authenticates with a client certificate.`,
      fix: `Add Azure certificate authentication to ${name}'s point-to-site configuration.`,
    });
  }
  const publicPools = gateway.addressPool.filter((pool) => !isPrivatePrefix(pool));
  if (publicPools.length > 0) {
    problems.push({ rule: "p2s-pool-private", message: `Gateway ${name}'s point-to-site pool ${publicPools.join(", ")} is not inside the RFC 1918 ranges.`, fix: `Change the pool to a range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16.` });
  }
  const protocols = gateway.protocols.map((protocol) => protocol.toLowerCase());
  if (!protocols.includes("sstp")) {
    problems.push({
      rule: "sstp-enabled",
      message: `Gateway ${name}'s point-to-site tunnel types (${gateway.protocols.join(", ") || "none"}) do not include SSTP, which App Service connects with.`,
      fix: `SSTP can no longer be enabled on a gateway since 31 March 2026 (azure-docs vpn-gateway/ikev2-openvpn-from-sstp.md): ${TO_REGIONAL}`,
    });
  }
  // Without SSTP, removing IKEv2 would leave no tunnel App Service can use: the refusal above is the whole answer.
  if (protocols.includes("sstp") && !gateway.skuName.toLowerCase().startsWith("basic") && protocols.includes("ikev2")) {
    problems.push({ rule: "no-ikev2", message: `Gateway ${name} (${gateway.skuName}) has IKEv2 enabled; above the Basic SKU it must be disabled for gateway-required integration.`, fix: `Remove IKEv2 from the point-to-site tunnel types of ${name} and keep SSTP.` });
  }
  return problems;
}

/** Every rule about the VNet's gateways, given all gateways the VNet has. */
export function checkVnetGateways(vnetName: string, gateways: readonly GatewayInfo[]): EligibilityProblem[] {
  const problems = [...checkNoExpressRoute(vnetName, gateways), ...checkGatewayExists(vnetName, gateways)];
  const vpn = findVpnGateway(gateways);
  if (vpn) problems.push(...checkGateway(vpn));
  return problems;
}

/** The gateway must have room for one more root certificate when the connect brings a certificate it lacks. */
export function checkRootCertificateRoom(gateway: GatewayInfo, bringsNewCertificate: boolean): EligibilityProblem[] {
  if (!bringsNewCertificate || gateway.rootCertificates.length < MAX_ROOT_CERTIFICATES) return [];
  return [
    {
      rule: "root-certificate-room",
      message: `Gateway ${gateway.name} already holds ${gateway.rootCertificates.length} of ${MAX_ROOT_CERTIFICATES} root certificates, the most a VPN gateway takes, and this connect adds one.`,
      fix: `Remove a root certificate no integration or VPN user needs any more from ${gateway.name} (point-to-site configuration), or ${TO_REGIONAL}`,
    },
  ];
}

/**
 * Gateway-required integration is retired on 31 March 2027, and existing SSTP gateways stop taking SSTP connections
 * that day (azure-docs vpn-gateway/ikev2-openvpn-from-sstp.md): after it, nothing connects.
 */
export function checkNotRetired(now: Date): EligibilityProblem[] {
  if (!isRetired(now)) return [];
  return [
    {
      rule: "not-retired",
      message: "Gateway-required integration was retired on 31 March 2027, and SSTP gateways no longer take its connections.",
      fix: REGIONAL,
    },
  ];
}

/** Sync network cannot work when the app or plan and the VNet are in different subscriptions. */
export function checkSameSubscription(subject: { name: string; subscriptionId: string }, vnet: { name: string; subscriptionId: string }): EligibilityProblem[] {
  if (subject.subscriptionId.toLowerCase() === vnet.subscriptionId.toLowerCase()) return [];
  return [
    {
      rule: "same-subscription",
      message: `${subject.name} is in subscription ${subject.subscriptionId} but VNet ${vnet.name} is in ${vnet.subscriptionId}; sync network does not work across subscriptions.`,
      // Not /vnet renew: it exists for a new certificate and fails when Azure keeps the old one, which a reconnect
      // that only has to pick up the VNet's settings does not care about.
      fix: `Disconnect and reconnect each app instead (/vnet disconnect APP, then /vnet connect APP ${vnet.name}): a connect picks up the VNet's routes and DNS servers. Or move the apps into the VNet's subscription.`,
    },
  ];
}

/** Throws BotError("ineligible") listing every problem, or returns when there are none. */
export function assertEligible(problems: readonly EligibilityProblem[], action: string): void {
  if (problems.length === 0) return;
  const lines = problems.map((problem) => `• ${problem.message} ${problem.fix}`).join("\n");
  throw new BotError("ineligible", `Cannot ${action}:\n${lines}`, { hint: "Nothing was changed in Azure." });
}
