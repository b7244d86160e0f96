/**
 * How a plan with more gateway VNets than its two regional integrations migrates (migration.md, "Limits"): the
 * VNets that fit move one to one, and the others' apps share a subnet of the plan, reaching their own VNets through
 * peerings. Which subnet each shares, and which VNets get a subnet of their own, so that the fewest new peerings
 * are needed and none that Azure would refuse is asked for.
 */
import type { Integration } from "../inventory.ts";
import type { PeeringInfo, VnetInfo } from "../model.ts";
import type { AzureReader } from "../ports.ts";
import { nameOf, sameId } from "../resource-id.ts";
import { leftVnetReach, needsRouteAll, overlappingPrefixes, usable, type LeftVnetReach, type PeeringSide } from "./network-changes.ts";
import { reasonOf } from "./plan-regional-facts.ts";
import { subjectOf, type Assessment } from "./readiness.ts";

type Ready = Extract<Assessment, { verdict: "ready" }>;

/** A subnet of the plan others can share: one it uses, or one proposed for a VNet that moves one to one. */
interface Hub {
  vnet: PeeringSide;
  subnet: string;
  /** The subnet's address ranges: the source range of its apps' traffic once they share it (empty when unread). */
  range: string[];
  /** The integration whose move makes or first uses the subnet; undefined for one the plan uses already. */
  firstMove: string | undefined;
  ready: Ready | undefined;
  sharers: Integration[];
  /** Why the subnet's VNet could not be read: nothing is placed there blind. */
  unread?: string;
}

/**
 * The VNets each VNet is to be peered with for sharing, by its lower-cased id (both sides of each peering), across
 * the plans of one assessment: two plans sharing subnets in one hub must not send it overlapping VNets either.
 */
export type PlannedPeers = Map<string, PlannedPeer[]>;
interface PlannedPeer {
  vnetId: string;
  name: string;
  space: readonly string[];
  planId: string;
  plan: string;
}

/** What the planner is given: the plan's VNets that need a subnet (readable, movable), and how to judge one alone. */
export interface SharingPlan {
  reader: AzureReader;
  /** Lower-cased ids of the subnets the plan's apps use for regional integration already. */
  inUse: readonly string[];
  /** How many more regional integrations the plan may take. */
  room: number;
  candidates: readonly Integration[];
  /** Gateway VNets whose integration could not be read: they count toward the limit, but cannot be placed. */
  unreadable: readonly Integration[];
  gatewayVnets: number;
  /** The one-to-one verdict; it reserves the address range it proposes. */
  oneToOne(integration: Integration): Assessment;
  /** Whether the one-to-one verdict would be ready (same region, room for a subnet), reserving nothing. */
  movesAlone(integration: Integration): boolean;
  /** The verdict of a VNet that can neither share nor have a subnet of its own. */
  overTheLimit(integration: Integration): Assessment;
  planned: PlannedPeers;
}

/**
 * The verdicts of the candidates. The first subnet to share is the one the plan uses, else the one proposed for the
 * VNet already peered with most of the others. The regional integrations left go to VNets that could share no subnet
 * (overlapping it, a VNet peered or to be peered with it, or peered with a VNet that overlaps it), then to one of two
 * VNets that overlap each other, then to those that would need a new peering; the others share the subnet they are
 * best peered with.
 */
export async function shareSubnets(plan: SharingPlan): Promise<Map<Integration, Assessment>> {
  const verdicts = new Map<Integration, Assessment>();
  const ranked = rankByPeerings(plan.candidates);
  const hubs: Hub[] = await Promise.all(plan.inUse.map((id) => hubInUse(plan.reader, id)));
  let room = plan.room;
  const ownSubnet = (integration: Integration) => {
    room -= 1;
    const verdict = plan.oneToOne(integration);
    verdicts.set(integration, verdict);
    if (verdict.verdict === "ready") {
      const subnet = verdict.target.kind === "existing" ? verdict.target.subnet.name : verdict.target.name;
      const range = verdict.target.kind === "existing" ? verdict.target.subnet.addressPrefixes : [verdict.target.prefix];
      hubs.push({ vnet: integration.vnet!, subnet, range, firstMove: integration.vnetName, ready: verdict, sharers: [] });
    }
  };
  if (hubs.length === 0) {
    const first = ranked.find((i) => plan.movesAlone(i));
    if (first) ownSubnet(first);
  }
  if (hubs.length === 0) {
    // Nothing to share: as many as the plan takes are judged alone, the others are over its limit.
    for (const integration of ranked) verdicts.set(integration, room-- > 0 ? plan.oneToOne(integration) : plan.overTheLimit(integration));
    return verdicts;
  }
  while (room > 0) {
    const left = ranked.filter((i) => !verdicts.has(i));
    const rest = left.filter((i) => plan.movesAlone(i));
    const next =
      // A VNet no subnet can take gets the plan's regional integration even if it cannot move alone yet: its own
      // verdict (a subnet to make room for, a VNet in the region) is then the way, not a plan of its own.
      left.find((i) => hubs.every((hub) => placement(i, hub, plan).kind === "refused")) ??
      // Of two VNets that overlap, only one can be peered with a hub: the other is better off alone.
      rest.find((i) => left.some((other) => other !== i && overlappingPrefixes(i.vnet!.addressSpace, other.vnet!.addressSpace).length > 0)) ??
      rest.find((i) => hubs.every((hub) => placement(i, hub, plan).kind !== "peered"));
    if (!next) break;
    ownSubnet(next);
  }
  for (const integration of ranked) if (!verdicts.has(integration)) verdicts.set(integration, share(integration, hubs, plan));
  for (const hub of hubs) {
    if (hub.ready) hub.ready.sharedBy = [...hub.sharers.map((i) => i.vnetName), ...(hub === hubs[0] && room <= 0 ? plan.unreadable.map((i) => i.vnetName) : [])];
    if (hub.ready) hub.ready.sharedPools = [...new Set(hub.sharers.flatMap((i) => i.gateway?.addressPool ?? []))];
  }
  return verdicts;
}

/** Where a VNet's apps may go in a hub: a peering there is, one that is to be made, or none Azure would allow. */
type Placement =
  | { kind: "peered" | "peering-not-ready" | "not-peered"; reach: Exclude<LeftVnetReach, { kind: "same" | "overlap" }> }
  | { kind: "refused"; message: string };

function placement(integration: Integration, hub: Hub, plan: Pick<SharingPlan, "planned">): Placement {
  const vnet = integration.vnet!;
  const space = `${vnet.name} (${vnet.addressSpace.join(", ")})`;
  if (hub.unread) return { kind: "refused", message: `${hub.vnet.name}, which holds subnet ${hub.subnet}, could not be read (${hub.unread})` };
  const reach = leftVnetReach(hub.vnet, vnet);
  if (reach.kind === "same") return { kind: "refused", message: `${vnet.name} holds the shared subnet itself` };
  if (reach.kind === "overlap") return { kind: "refused", message: `${space} overlaps ${hub.vnet.name} (${reach.ranges.join(", ")}), so the two cannot be peered` };
  if (reach.kind === "peered") return { kind: "peered", reach };
  // Azure refuses a peering of two VNets when either is peered with a VNet that overlaps the other
  // (VnetAddressSpaceOverlapsWithAlreadyPeeredVnet: Azure/ResourceModules#731); the VNets planned to share the hub,
  // this plan's and other plans', will be peered with it too. Whether Azure counts a peering that is only Initiated
  // or Disconnected is not known: every peering that exists counts, so that no step is proposed that Azure may refuse.
  const peersOf = (side: PeeringSide, other: PeeringSide) => [
    ...(side.peerings ?? []).filter((p) => !sameId(p.remoteVnetId, other.id)).map((p) => ({ name: nameOf(p.remoteVnetId), space: p.remoteAddressSpace, how: `is peered with ${side.name}` })),
    ...(plan.planned.get(side.id.toLowerCase()) ?? [])
      .filter((peer) => !sameId(peer.vnetId, other.id))
      .map((peer) => ({ name: peer.name, space: peer.space, how: sameId(peer.planId, integration.plan.id) ? `is to be peered with ${side.name} too` : `is to be peered with ${side.name} for plan ${peer.plan}` })),
  ];
  for (const [side, other] of [[hub.vnet, vnet], [vnet, hub.vnet]] as const) {
    for (const peer of peersOf(side, other)) {
      const ranges = overlappingPrefixes(peer.space, other.addressSpace);
      if (ranges.length > 0) return { kind: "refused", message: `${other.name} overlaps ${peer.name} (${ranges.join(", ")}), which ${peer.how}: Azure peers no VNet with two VNets whose address spaces overlap` };
    }
  }
  return { kind: reach.kind, reach };
}

const PREFERENCE = { peered: 0, "peering-not-ready": 1, "not-peered": 2 } as const;

function share(integration: Integration, hubs: readonly Hub[], plan: SharingPlan): Assessment {
  const options = hubs.map((hub) => ({ hub, place: placement(integration, hub, plan) }));
  const open = options.flatMap(({ hub, place }) => (place.kind === "refused" ? [] : [{ hub, place }])).sort((a, b) => PREFERENCE[a.place.kind] - PREFERENCE[b.place.kind]);
  const subject = subjectOf(integration);
  const best = open[0];
  if (!best) {
    const unread = options.find(({ hub }) => hub.unread);
    if (unread) return { verdict: "unknown", subject, reason: `no subnet of plan ${integration.plan.name} could be chosen for it: ${options.map(({ place }) => (place.kind === "refused" ? place.message : "")).filter(Boolean).join("; ")}` };
    const why = options.map(({ place }) => (place.kind === "refused" ? place.message : "")).filter(Boolean);
    return {
      verdict: "blocked",
      subject,
      problems: [{
        message: `${why.join("; ")}: its apps cannot share a subnet of plan ${integration.plan.name}, and the plan has no regional integration left for it.`,
        fix: `Move ${subject.apps.join(", ")} to a plan of ${subject.apps.length === 1 ? "its" : "their"} own (each plan takes two regional integrations), or change ${integration.vnetName}'s address space.`,
      }],
    };
  }
  best.hub.sharers.push(integration);
  const record = (side: PeeringSide, peer: PeeringSide) =>
    plan.planned.set(side.id.toLowerCase(), [...(plan.planned.get(side.id.toLowerCase()) ?? []), { vnetId: peer.id, name: peer.name, space: peer.addressSpace, planId: integration.plan.id, plan: integration.plan.name }]);
  record(best.hub.vnet, integration.vnet!);
  record(integration.vnet!, best.hub.vnet);
  const { hub, place } = best;
  const routeAll = needsRouteAll(integration.connection.routes);
  return {
    verdict: "shares-subnet",
    subject,
    gatewayVnets: plan.gatewayVnets,
    subnetsInUse: plan.inUse.length,
    hubVnet: hub.vnet.name,
    subnet: hub.subnet,
    firstMove: hub.firstMove,
    reach: place.reach,
    pool: integration.gateway?.addressPool ?? [],
    range: hub.range,
    command: `/vnet migrate ${integration.plan.name} ${integration.vnetName} ${hub.vnet.name}/${hub.subnet}${routeAll ? " --route-all" : ""}`,
  };
}

async function hubInUse(reader: AzureReader, subnetId: string): Promise<Hub> {
  const vnetId = subnetId.slice(0, subnetId.toLowerCase().lastIndexOf("/subnets/"));
  // Read for its names as Azure spells them (the plan's subnet ids come lower-cased), its address space and its
  // peerings.
  try {
    const vnet: VnetInfo = await reader.getVnet(vnetId);
    const found = vnet.subnets.find((s) => sameId(s.id, subnetId));
    return { vnet, subnet: found?.name ?? nameOf(subnetId), range: found?.addressPrefixes ?? [], firstMove: undefined, ready: undefined, sharers: [] };
  } catch (error) {
    // Nothing is placed in a hub whose address space and peerings are unknown; the verdicts say why.
    const reason = reasonOf(error);
    return { vnet: { id: vnetId, name: nameOf(vnetId), addressSpace: [] }, subnet: nameOf(subnetId), range: [], firstMove: undefined, ready: undefined, sharers: [], unread: reason };
  }
}

/** Most peerings (Connected, VNet access) with the plan's other gateway VNets first, then most apps, then by name. */
function rankByPeerings(integrations: readonly Integration[]): Integration[] {
  const peered = (integration: Integration) =>
    integrations.filter((other) => other !== integration && integration.vnet!.peerings.some((p: PeeringInfo) => sameId(p.remoteVnetId, other.vnetId) && usable(p))).length;
  const score = new Map(integrations.map((i) => [i, peered(i)]));
  return [...integrations].sort((a, b) => score.get(b)! - score.get(a)! || b.apps.length - a.apps.length || a.vnetName.localeCompare(b.vnetName));
}
