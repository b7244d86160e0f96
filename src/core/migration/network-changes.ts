/**
 * What moving to regional integration changes for an app's traffic, worked out before anything moves: which plan
 * routes still lead somewhere, and which rules of the integration subnet's NSG would stop a known target. Facts from
 * azure-docs articles/app-service/overview-vnet-integration.md ("Routes", "Network security groups"): plan routes do not
 * apply to regional integration; without route-all only RFC 1918 traffic enters the VNet, and from there the VNet's
 * own routing (peerings, its gateway, route tables) carries it; NSG rules on the integration subnet apply to it.
 */
import { formatRange, isPrivateRange, rangesOverlap, readRoute, tryParseRange, type AddressRange } from "../address-range.ts";
import { matchesPort } from "../diagnose/nsg-evaluation.ts";
import type { NsgInfo, NsgRule, PeeringInfo, PlanRoute, VnetInfo } from "../model.ts";
import { sameId } from "../resource-id.ts";
import type { KnownTarget } from "./migration-records.ts";
import type { Site, SiteToSite } from "./site-to-site.ts";

/** Where a plan route's traffic goes after the move. */
export type RouteFate = "covered" | "route-all" | "site-to-site" | "vnet-routing" | "lost";

/** One plan route and what becomes of it. */
export interface RouteOutcome {
  route: PlanRoute;
  range: string;
  fate: RouteFate;
  /** "site-to-site": the connection whose local network announces the range. */
  via?: Site;
  /** "vnet-routing": connections that may announce it over BGP, which the bot does not read. */
  bgp?: Site[];
}

/**
 * Each plan route's fate: inside the VNet or a peer's address space and private, still reached ("covered"); outside
 * RFC 1918, reached only with route-all ("route-all" when it is on, "lost" when it is not); private but outside the
 * VNet and its peers (on-premises through the old gateway), reached only if the VNet itself routes it on
 * ("vnet-routing": its gateway's site-to-site connections or a route table).
 */
export function routeFates(routes: readonly PlanRoute[], vnet: Pick<VnetInfo, "addressSpace" | "peerings">, routeAll: boolean, siteToSite?: SiteToSite): RouteOutcome[] {
  const spaces = vnetSpaces(vnet);
  const sites = siteToSite?.sites ?? [];
  return routes.map((route): RouteOutcome => {
    const range = readRoute(route);
    if (!range) return { route, range: route.startAddress, fate: "vnet-routing" };
    const inVnet = spaces.some((space) => space.start <= range.start && range.end <= space.end);
    const isPrivate = isPrivateRange(range);
    if (!isPrivate) return { route, range: formatRange(range), fate: routeAll ? "route-all" : "lost" };
    if (inVnet) return { route, range: formatRange(range), fate: "covered" };
    // A connected site first: of two announcing the range, the one that carries traffic now says most.
    const announcing = sites.filter((site) => site.prefixes.flatMap(tryRange).some((p) => p.start <= range.start && range.end <= p.end));
    const via = announcing.find((site) => site.status === "Connected") ?? announcing[0];
    if (via) return { route, range: formatRange(range), fate: "site-to-site", via };
    const bgp = sites.filter((site) => site.bgp);
    return { route, range: formatRange(range), fate: "vnet-routing", ...(bgp.length > 0 ? { bgp } : {}) };
  });
}

/** Whether a route can only be reached through what the VNet routes on, so that its site-to-site connections matter. */
export function needsSiteToSite(routes: readonly PlanRoute[], vnet: Pick<VnetInfo, "addressSpace" | "peerings">): boolean {
  const spaces = vnetSpaces(vnet);
  return routes.some((route) => {
    const range = readRoute(route);
    return range !== undefined && isPrivateRange(range) && !spaces.some((space) => space.start <= range.start && range.end <= space.end);
  });
}

/**
 * Whether the apps still reach the VNet they leave, when their integration subnet is in another VNet (a VNet in the
 * app's region for a cross-region integration, or a subnet a plan with more gateway VNets than regional integrations
 * shares). A gateway-required connection put the whole VNet's address space in reach; from a subnet of another VNet
 * only a peering does (regional integration reaches "resources across peering connections": azure-docs
 * articles/app-service/overview-vnet-integration.md), Connected, with VNet access allowed on each side (each side's
 * peering has its own allowVirtualNetworkAccess); and VNets whose address spaces overlap cannot be peered
 * (articles/virtual-network/virtual-network-manage-peering.md, "Requirements and constraints").
 */
export type LeftVnetReach =
  | { kind: "same" }
  | { kind: "peered"; peering: PeeringInfo }
  | { kind: "peering-not-ready"; peering: PeeringInfo; owner: string; why: string }
  | { kind: "overlap"; ranges: string[] }
  | { kind: "not-peered" };

/** A VNet as far as peering goes; `peerings` undefined when that side could not be read. */
export type PeeringSide = Pick<VnetInfo, "id" | "name" | "addressSpace"> & { peerings?: readonly PeeringInfo[] };

export function leftVnetReach(left: PeeringSide, target: PeeringSide): LeftVnetReach {
  if (sameId(left.id, target.id)) return { kind: "same" };
  const sides = [
    { owner: target.name, peering: target.peerings?.find((p) => sameId(p.remoteVnetId, left.id)) },
    { owner: left.name, peering: left.peerings?.find((p) => sameId(p.remoteVnetId, target.id)) },
  ];
  const notReady = sides.find(({ peering }) => peering && !usable(peering));
  if (notReady) {
    const { peering } = notReady as { owner: string; peering: PeeringInfo };
    const why = [peering.peeringState !== "Connected" && `is ${peering.peeringState || "in no state"}`, !peering.allowVirtualNetworkAccess && "does not allow VNet access"].filter(Boolean).join(" and ");
    return { kind: "peering-not-ready", peering, owner: notReady.owner, why };
  }
  // Connected means both sides exist; a side that could not be read is taken on the other side's word.
  const connected = sides.find(({ peering }) => peering)?.peering;
  if (connected) return { kind: "peered", peering: connected };
  const ranges = overlappingPrefixes(left.addressSpace, target.addressSpace);
  return ranges.length > 0 ? { kind: "overlap", ranges } : { kind: "not-peered" };
}

/** The prefixes that overlap any of the others (prefixes that cannot be read overlap nothing). */
export function overlappingPrefixes(prefixes: readonly string[], others: readonly string[]): string[] {
  const theirs = others.flatMap(tryRange);
  return prefixes.filter((prefix) => tryRange(prefix).some((range) => theirs.some((other) => rangesOverlap(range, other))));
}

/** A peering that carries traffic from this side: Connected, with VNet access allowed. */
export function usable(peering: Pick<PeeringInfo, "peeringState" | "allowVirtualNetworkAccess">): boolean {
  return peering.peeringState === "Connected" && peering.allowVirtualNetworkAccess;
}

// The VNet and the peers it reaches: a peering only initiated, or without VNet access, carries nothing.
function vnetSpaces(vnet: Pick<VnetInfo, "addressSpace" | "peerings">): AddressRange[] {
  return [...vnet.addressSpace, ...vnet.peerings.filter(usable).flatMap((peering) => peering.remoteAddressSpace)].flatMap(tryRange);
}

/**
 * The VNet's own address ranges that lie outside RFC 1918 (a carrier-grade NAT range such as 100.64.0.0/10, or public
 * ranges used privately). Gateway-required integration routes the VNet's address space to the app (sync network pushes
 * it with the VPN package); regional integration without route-all sends only RFC 1918 traffic into the VNet
 * (azure-docs articles/app-service/overview-vnet-integration.md, "Routes"), so these are reached after the move only
 * with route-all, as a plan route outside RFC 1918 is. A peer's ranges are not counted: the gateway reached a peer only
 * through a plan route (domain.md, "peering"), which the plan-route check judges.
 */
export function spacesOutsideRfc1918(vnet: Pick<VnetInfo, "addressSpace">): string[] {
  return [...new Set(vnet.addressSpace.filter((prefix) => {
    const range = tryRange(prefix)[0];
    return range !== undefined && !isPrivateRange(range);
  }))];
}

/** True when some plan route needs route-all to be reached after the move. */
export function needsRouteAll(routes: readonly PlanRoute[]): boolean {
  return routes.some((route) => {
    const range = readRoute(route);
    return range !== undefined && !isPrivateRange(range);
  });
}

/** A known target the subnet's NSG would stop, with the rule that stops it. */
export interface BlockedTarget {
  target: KnownTarget;
  rule: NsgRule;
  /** For a target known by name: the address it last resolved to that the rule denies. */
  address?: string;
}

// Azure's default outbound rules, for NSGs read without them.
const DEFAULT_OUTBOUND: readonly NsgRule[] = [
  outbound("AllowVnetOutBound", 65000, "Allow", ["VirtualNetwork"]),
  outbound("AllowInternetOutBound", 65001, "Allow", ["Internet"]),
  outbound("DenyAllOutBound", 65500, "Deny", ["*"]),
];

/**
 * The known targets that the NSG's outbound rules deny from the subnet: rules by priority, first match wins; a rule
 * whose source covers part of the subnet counts, since workers take any of its addresses. A target named by host name
 * is judged by the addresses it last resolved to on the worker (DNS may answer otherwise by the move); one never
 * resolved cannot be placed, and is tested on the worker after the move instead.
 */
export function blockedTargets(nsg: NsgInfo, subnetPrefix: string, vnet: Pick<VnetInfo, "addressSpace" | "peerings">, targets: readonly KnownTarget[]): BlockedTarget[] {
  const rules = nsg.rules.some((rule) => rule.isDefault) ? nsg.rules : [...nsg.rules, ...DEFAULT_OUTBOUND];
  const ordered = rules.filter((rule) => rule.direction === "Outbound").sort((a, b) => a.priority - b.priority);
  const subnet = tryRange(subnetPrefix)[0];
  const vnetSpace = vnetSpaces(vnet);
  if (!subnet) return [];
  // The rule that decides TCP to one address and port, when it denies.
  const denying = (address: string, port: number) => {
    const ip = tryRange(address)[0];
    if (!ip || ip.start !== ip.end) return undefined;
    const rule = ordered.find((r) => isTcp(r.protocol) && matchesPort(r.destinationPorts, port) && r.sourcePrefixes.some((p) => sourceMatches(p, subnet)) && r.destinationPrefixes.some((p) => destinationMatches(p, ip, vnetSpace)));
    return rule?.access === "Deny" ? rule : undefined;
  };
  return targets.flatMap((target): BlockedTarget[] => {
    const byName = tryRange(target.host).length === 0;
    for (const address of byName ? (target.addresses ?? []) : [target.host]) {
      const rule = denying(address, target.port);
      if (rule) return [{ target, rule, ...(byName ? { address } : {}) }];
    }
    return [];
  });
}

/**
 * The outbound rule that decides the subnet's traffic to the internet as a whole: the first, by priority, whose
 * destination is the Internet service tag or everything ("*", 0.0.0.0/0), for TCP 443. When it denies, apps whose
 * traffic all enters the subnet (route-all) lose the internet: Microsoft Entra ID and certificate revocation lists
 * among it (migration.md, pitfalls). Rules for narrower public ranges before it are exceptions, not the verdict.
 */
export function internetDenyingRule(nsg: NsgInfo, subnetPrefix: string): NsgRule | undefined {
  const rules = nsg.rules.some((rule) => rule.isDefault) ? nsg.rules : [...nsg.rules, ...DEFAULT_OUTBOUND];
  const subnet = tryRange(subnetPrefix)[0];
  if (!subnet) return undefined;
  const wholeInternet = (prefix: string) => ["internet", "*", "any", "0.0.0.0/0"].includes(prefix.trim().toLowerCase());
  const decider = rules
    .filter((rule) => rule.direction === "Outbound")
    .sort((a, b) => a.priority - b.priority)
    .find((r) => isTcp(r.protocol) && matchesPort(r.destinationPorts, 443) && r.sourcePrefixes.some((p) => sourceMatches(p, subnet)) && r.destinationPrefixes.some(wholeInternet));
  return decider?.access === "Deny" ? decider : undefined;
}

function isTcp(protocol: string): boolean {
  return ["tcp", "*", "any"].includes(protocol.toLowerCase());
}

function sourceMatches(prefix: string, subnet: AddressRange): boolean {
  const lower = prefix.trim().toLowerCase();
  if (lower === "*" || lower === "any" || lower === "virtualnetwork") return true;
  return tryRange(prefix).some((range) => rangesOverlap(range, subnet));
}

// VirtualNetwork: the VNet, its peers (and what its gateway connects, which the bot does not read); Internet: public.
function destinationMatches(prefix: string, ip: AddressRange, vnetSpace: readonly AddressRange[]): boolean {
  const lower = prefix.trim().toLowerCase();
  if (lower === "*" || lower === "any") return true;
  if (lower === "virtualnetwork") return vnetSpace.some((space) => space.start <= ip.start && ip.end <= space.end);
  if (lower === "internet") return !isPrivateRange(ip);
  return tryRange(prefix).some((range) => range.start <= ip.start && ip.end <= range.end);
}

function tryRange(text: string): AddressRange[] {
  const range = tryParseRange(text);
  return range ? [range] : [];
}

function outbound(name: string, priority: number, access: "Allow" | "Deny", destinations: string[]): NsgRule {
  return { name, priority, direction: "Outbound", access, protocol: "*", sourcePrefixes: ["VirtualNetwork"], destinationPrefixes: destinations, destinationPorts: ["*"], isDefault: true };
}
