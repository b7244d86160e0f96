/**
 * Readiness for the move off gateway-required integration (retired 31 March 2027: azure-docs
 * articles/app-service/configure-gateway-required-vnet-integration.md): one verdict per integration (plan × VNet),
 * following Microsoft's guide articles/app-service/migrate-gateway-based-vnet-integration.md (assess → a delegated
 * subnet in the app's region → disconnect → regional integration). Nothing here knows Slack; readiness-reply.ts words it.
 */
import { isPrivateRange, readRoute } from "../address-range.ts";
import type { EligibilityProblem } from "../eligibility.ts";
import { compareIntegrations, type Integration, type Inventory, type InventoryFailure } from "../inventory.ts";
import type { PlanInfo, PlanRoute, SubnetInfo, VnetInfo } from "../model.ts";
import type { AzureReader } from "../ports.ts";
import { isClassicVnetId, nameOf, parseResourceId, sameId } from "../resource-id.ts";
import type { MigrationRecord } from "./migration-records.ts";
import { readPlanRegionalFacts, type PlanRegionalFacts } from "./plan-regional-facts.ts";
import { checkIpv4OnlyVnet, checkRegionalPerPlan, checkRegionalTier, checkResourceManagerVnet, checkSameRegion, checkScaleUnit, REGIONAL_PER_PLAN } from "./regional-rules.ts";
import { leftVnetReach, spacesOutsideRfc1918, usable, type LeftVnetReach } from "./network-changes.ts";
import { shareSubnets, type PlannedPeers } from "./subnet-sharing.ts";
import { chooseSubnet, roomForRecommended, type SubnetChoice } from "./subnet-choice.ts";
import { neededPrefixLength } from "./subnet-plan.ts";

/** The verdicts, in the order an on-call engineer acts on them: what can be done today first. */
export const VERDICTS = ["ready", "shares-subnet", "needs-subnet", "cross-region", "blocked", "unknown"] as const;
/** One of the verdicts. */
export type Verdict = (typeof VERDICTS)[number];

/** What a verdict is about: an integration, or a plan or subscription whose integrations could not be read at all. */
export interface Subject {
  plan: string;
  /** Undefined for a plan or subscription that could not be read. */
  vnet: string | undefined;
  apps: string[];
  /** Apps of the plan whose connections could not be read, which may be on this VNet too. */
  unreadApps?: string[];
}

/** Why an integration cannot move as it is, and what to do (a rule of regional-rules.ts, or a fact of the estate). */
export type Obstacle = Pick<EligibilityProblem, "message" | "fix">;

/** Where the integration subnet comes from. */
export type SubnetTarget = { kind: "existing"; subnet: SubnetInfo } | { kind: "new"; name: string; prefix: string };

/** One verdict with what it rests on. */
export type Assessment =
  | {
      verdict: "ready";
      subject: Subject;
      target: SubnetTarget;
      /** The plan's instances now and the prefix length they need. */
      workers: number;
      neededPrefix: number;
      /** Plan routes outside RFC 1918, which only route-all keeps reaching; and routes Azure holds that cannot be read. */
      routesOutside: PlanRoute[];
      routesUnreadable: PlanRoute[];
      /** The VNet's (and its peers') address ranges outside RFC 1918, which only route-all keeps reaching too. */
      spacesOutside: string[];
      /** Deployment slots among the apps, which can go first. */
      slots: string[];
      /** The gateway's point-to-site pool: the source range firewalls allow today. */
      pool: string[];
      command: string;
      /** The plan's other gateway VNets that will share this subnet (a plan with more VNets than regional integrations). */
      sharedBy: string[];
      /** Their gateways' point-to-site pools: their traffic will come from this subnet too. */
      sharedPools: string[];
      /**
       * When the subnet is in a VNet peered with this one: that VNet, the peering, and why not this one (no room, an
       * IPv6 address space, another region than the plan's).
       */
      via?: { vnet: string; peering: string; because: PeerBecause };
    }
  | {
      /** One of a plan's gateway VNets beyond its regional integrations: its apps move into a subnet the plan shares. */
      verdict: "shares-subnet";
      subject: Subject;
      /** The plan's gateway VNets and the regional subnets it uses already. */
      gatewayVnets: number;
      subnetsInUse: number;
      hubVnet: string;
      subnet: string;
      /** The integration whose move creates or first uses the subnet, when the plan does not use it yet. */
      firstMove: string | undefined;
      /** Whether the hub's VNet reaches this one (a gateway connection reached all of it; a subnet elsewhere only by peering). */
      reach: Exclude<LeftVnetReach, { kind: "same" | "overlap" }>;
      /** The gateway's point-to-site pool, which firewalls allow today, and the shared subnet's ranges, which they must allow instead. */
      pool: string[];
      range: string[];
      command: string;
    }
  | {
      verdict: "needs-subnet";
      subject: Subject;
      neededPrefix: number;
      missingAddresses: number;
      largestFree: number | undefined;
      addressSpace: string[];
      /** Why the VNet can take no subnet whatever its free space (an IPv6 address space); undefined when it is full. */
      unusable?: Obstacle;
      /** The VNets it is peered with (Connected, VNet access from its side), and why none of them can take the subnet. */
      peers: Array<{ name: string; why: string }>;
    }
  | { verdict: "cross-region"; subject: Subject; problem: Obstacle }
  | { verdict: "blocked"; subject: Subject; problems: Obstacle[] }
  | { verdict: "unknown"; subject: Subject; reason: string };

/** Whether new subnets in a VNet get the recommended /26; `more`: plans beyond its own that it may take in. */
type Sizing = (vnet: VnetInfo, more?: number) => { recommended: boolean };

/** Why a subnet is proposed in a peer rather than the integration's own VNet. */
export type PeerBecause = "full" | "ipv6" | "region";

/** Tiers that run in an App Service Environment. */
const ISOLATED = /^isolated/i;

/**
 * One verdict per gateway-required integration, plus one "could not assess" per subscription or plan whose
 * integrations could not be read, so that nothing is silently left out. The inventory (possibly the kept one) gives
 * plans and VNets; the plan facts are read live, once per plan.
 */
export async function assessMigration(
  reader: AzureReader,
  inventory: Pick<Inventory, "integrations" | "failures" | "planSlots">,
  neighbours: readonly Integration[] = [],
  pending: readonly Pick<MigrationRecord, "planId" | "subnetId">[] = [],
): Promise<Assessment[]> {
  // Other plans with the same VNets are assessed too, in the order a whole-estate answer takes them, so that one
  // plan's answer proposes the ranges and peerings the whole estate's would; only the asked-for verdicts are kept.
  const all = [...inventory.integrations, ...neighbours].sort(compareIntegrations);
  const facts = await readPlanRegionalFacts(reader, all, (plan) => tierProblems(plan).length === 0, inventory.planSlots);
  const reserved = new Map<string, string[]>();
  // A subnet a migration under way (or stopped half-way) moves a plan into is that plan's, though no app of it has
  // joined yet (App Service links it then): promised to it, as a subnet proposed to a plan is, and counted as its own.
  for (const { planId, subnetId } of pending) {
    const vnet = all.find((i) => i.vnet && subnetId.toLowerCase().startsWith(`${i.vnet.id.toLowerCase()}/subnets/`))?.vnet;
    const subnet = vnet?.subnets.find((s) => sameId(s.id, subnetId));
    if (vnet && subnet) reserved.set(vnet.id.toLowerCase(), [...(reserved.get(vnet.id.toLowerCase()) ?? []), ...subnet.addressPrefixes]);
    const own = facts.get(planId.toLowerCase());
    if (own?.read && !own.regionalSubnetIds.some((id) => sameId(id, subnetId))) own.regionalSubnetIds.push(subnetId.toLowerCase());
  }
  const planned: PlannedPeers = new Map();
  // A new subnet is a /26 where every plan of the VNet could have one (roomForRecommended), else the size each needs.
  const plansOn = new Map<string, Set<string>>();
  for (const i of all) plansOn.set(i.vnetId.toLowerCase(), (plansOn.get(i.vnetId.toLowerCase()) ?? new Set()).add(i.plan.id.toLowerCase()));
  // Decided once per VNet (and count): it looks at the VNet's own subnets, not at the ranges promised as plans are judged.
  const roomy = new Map<string, boolean>();
  const sizing: Sizing = (vnet, more = 0) => {
    const plans = (plansOn.get(vnet.id.toLowerCase())?.size ?? 0) + more;
    const key = `${vnet.id.toLowerCase()}|${plans}`;
    if (!roomy.has(key)) roomy.set(key, roomForRecommended(vnet, plans));
    return { recommended: roomy.get(key)! };
  };
  const byPlan = new Map<string, Integration[]>();
  for (const integration of all) byPlan.set(integration.plan.id.toLowerCase(), [...(byPlan.get(integration.plan.id.toLowerCase()) ?? []), integration]);
  const verdicts = new Map<Integration, Assessment>();
  for (const [planKey, integrations] of byPlan) {
    const assessed = await assessPlan(reader, integrations, facts.get(planKey), inventory.failures, { reserved, planned, sizing });
    integrations.forEach((integration, i) => verdicts.set(integration, assessed[i]!));
  }
  await proposeInPeers(reader, verdicts, facts, reserved, sizing);
  const judged = inventory.integrations.map((integration) => verdicts.get(integration)!);
  const unread = inventory.failures.filter((f) => isSubscriptionOrPlan(f.scope)).map((f): Assessment => ({ verdict: "unknown", subject: { plan: scopeName(f.scope), vnet: undefined, apps: [] }, reason: f.message }));
  return [...judged, ...unread];
}

/** The failed reads no verdict names: a subscription's, a plan's or an integration VNet's have verdicts of their own. */
export function failuresWithoutVerdict(inventory: { integrations: readonly Integration[]; failures: readonly InventoryFailure[] }): InventoryFailure[] {
  const unreadVnets = new Set(inventory.integrations.filter((i) => !i.vnet).map((i) => i.vnetId.toLowerCase()));
  return inventory.failures.filter((f) => !isSubscriptionOrPlan(f.scope) && !unreadVnets.has(f.scope.toLowerCase()));
}

/** The command that migrates the integration into the target. */
export function migrateCommand(planName: string, vnetName: string, target: SubnetTarget, routeAll: boolean, inVnet?: string): string {
  const subnet = !inVnet
    ? target.kind === "existing" ? target.subnet.name : `--new-subnet ${target.prefix}`
    : target.kind === "existing" ? `${inVnet}/${target.subnet.name}` : `${inVnet}/${target.name} --new-subnet ${target.prefix}`;
  return `/vnet migrate ${planName} ${vnetName} ${subnet}${routeAll ? " --route-all" : ""}`;
}

/** The command that peers a plan's gateway VNet with the VNet of the subnet its apps are to share. */
export function migratePeerCommand(planName: string, vnetName: string, hubVnetName: string): string {
  return `/vnet migrate peer ${planName} ${vnetName} ${hubVnetName}`;
}

/** A plan's gateway VNet, the subject of one verdict. */
export function subjectOf(integration: Integration): Subject {
  return { plan: integration.plan.name, vnet: integration.vnetName, apps: integration.apps.map((app) => app.name), ...(integration.unreadApps ? { unreadApps: integration.unreadApps } : {}) };
}

/** What stops this integration moving at all, whatever subnet it is given: its plan's tier or scale unit, its VNet. */
function obstacles(integration: Integration, facts: PlanRegionalFacts | undefined): Obstacle[] {
  const problems: Obstacle[] = [...tierProblems(integration.plan), ...checkResourceManagerVnet(integration.vnetId)];
  if (integration.missing === "vnet") problems.push(vnetGone(integration));
  if (problems.length === 0 && facts?.read) problems.push(...checkScaleUnit(facts.askedApp, facts.swiftSupported, integration.plan));
  return problems;
}

/**
 * The verdicts of one plan's integrations, in their order. A plan takes at most two regional integrations
 * (regional-rules.ts): when its gateway VNets and the subnets it already uses need more, subnet-sharing.ts says which
 * move one to one and which share a subnet of the plan.
 */
async function assessPlan(
  reader: AzureReader,
  integrations: readonly Integration[],
  facts: PlanRegionalFacts | undefined,
  failures: readonly InventoryFailure[],
  promised: { reserved: Map<string, string[]>; planned: PlannedPeers; sizing: Sizing },
): Promise<Assessment[]> {
  const { reserved, planned, sizing } = promised;
  const oneToOne = (integration: Integration) => judge(integration, facts, failures, reserved, sizing);
  if (!facts?.read) return integrations.map(oneToOne);
  const inUse = [...facts.regionalSubnetIds].sort();
  // A VNet that already holds the plan's subnet (some of its apps moved) takes no other: chooseSubnet proposes that
  // one. A VNet that could not be read still counts: it will need a subnet too.
  const needSubnet = integrations.filter((i) => obstacles(i, facts).length === 0 && !inUse.some((id) => id.startsWith(`${i.vnetId.toLowerCase()}/subnets/`)));
  if (inUse.length + needSubnet.length <= REGIONAL_PER_PLAN) return integrations.map(oneToOne);
  const plan = integrations[0]!.plan;
  const verdicts = await shareSubnets({
    reader,
    inUse,
    room: REGIONAL_PER_PLAN - inUse.length,
    candidates: needSubnet.filter((i) => i.vnet !== undefined),
    unreadable: needSubnet.filter((i) => i.vnet === undefined),
    gatewayVnets: integrations.length,
    oneToOne,
    movesAlone: (i) => checkSameRegion(plan, i.vnet!).length === 0 && checkIpv4OnlyVnet(plan, i.vnet!).length === 0 && chooseSubnet(i.vnet!, plan, reserved.get(i.vnet!.id.toLowerCase()) ?? [], inUse, sizing(i.vnet!)).kind !== "none",
    overTheLimit: (i) => ({ verdict: "blocked", subject: subjectOf(i), problems: checkRegionalPerPlan(plan, inUse, integrations.map((other) => other.vnetName)) }),
    planned,
  });
  return integrations.map((i) => verdicts.get(i) ?? oneToOne(i));
}

function judge(integration: Integration, facts: PlanRegionalFacts | undefined, failures: readonly InventoryFailure[], reserved: Map<string, string[]>, sizing: Sizing): Assessment {
  const { plan, vnet } = integration;
  const subject = subjectOf(integration);
  const problems = obstacles(integration, facts);
  if (problems.length > 0) return { verdict: "blocked", subject, problems };
  if (!facts || !facts.read) return { verdict: "unknown", subject, reason: facts?.read === false ? facts.reason : `plan ${plan.name} was not read` };
  if (!vnet) {
    const failure = failures.find((f) => f.scope.toLowerCase() === integration.vnetId.toLowerCase());
    return { verdict: "unknown", subject, reason: `VNet ${integration.vnetName} could not be read${failure ? `: ${failure.message}` : ""}` };
  }
  const region = checkSameRegion(plan, vnet);
  if (region.length > 0) return { verdict: "cross-region", subject, problem: region[0]! };

  const neededPrefix = neededPrefixLength(plan.workers);
  const [unusable] = checkIpv4OnlyVnet(plan, vnet);
  if (unusable) return { verdict: "needs-subnet", subject, neededPrefix, missingAddresses: 0, largestFree: undefined, addressSpace: vnet.addressSpace, unusable, peers: [] };
  const promised = reserved.get(vnet.id.toLowerCase()) ?? [];
  const choice = chooseSubnet(vnet, plan, promised, facts.regionalSubnetIds, sizing(vnet));
  // Its peers are looked at once every plan has been judged (proposeInPeers): they may be other plans' own VNets.
  if (choice.kind === "none") return { verdict: "needs-subnet", subject, neededPrefix, missingAddresses: choice.missingAddresses, largestFree: choice.largestFree, addressSpace: vnet.addressSpace, peers: [] };
  return readyVerdict(integration, choice, reserved);
}

/** The ready verdict for a subnet chosen in the integration's VNet, or in `via`, a VNet peered with it; reserves the range. */
function readyVerdict(integration: Integration, choice: Exclude<SubnetChoice, { kind: "none" }>, reserved: Map<string, string[]>, via?: { vnet: VnetInfo; peering: string; because: PeerBecause }): Assessment {
  const { plan } = integration;
  const home = via?.vnet ?? integration.vnet!;
  const target: SubnetTarget = choice.kind === "existing" ? { kind: "existing", subnet: choice.subnet } : { kind: "new", name: choice.name, prefix: choice.prefix };
  reserved.set(home.id.toLowerCase(), [...(reserved.get(home.id.toLowerCase()) ?? []), ...(target.kind === "existing" ? target.subnet.addressPrefixes : [target.prefix])]);
  // Without route-all, regional integration sends only RFC 1918 traffic into the VNet, where a plan route pulled any
  // range in (azure-docs articles/app-service/overview-vnet-integration.md, "Routes"; configure-vnet-integration-routing.md).
  const routes = integration.connection.routes;
  const routesUnreadable = routes.filter((route) => readRoute(route) === undefined);
  const routesOutside = routes.filter((route) => {
    const range = readRoute(route);
    return range !== undefined && !isPrivateRange(range);
  });
  const spacesOutside = integration.vnet ? spacesOutsideRfc1918(integration.vnet) : [];
  return {
    verdict: "ready",
    subject: subjectOf(integration),
    target,
    workers: plan.workers,
    neededPrefix: neededPrefixLength(plan.workers),
    routesOutside,
    routesUnreadable,
    spacesOutside,
    slots: integration.apps.filter((app) => app.slot !== undefined).map((app) => app.name),
    pool: integration.gateway?.addressPool ?? [],
    command: migrateCommand(plan.name, integration.vnetName, target, routesOutside.length > 0 || spacesOutside.length > 0, via?.vnet.name),
    sharedBy: [],
    sharedPools: [],
    ...(via ? { via: { vnet: via.vnet.name, peering: via.peering, because: via.because } } : {}),
  };
}

/**
 * A VNet without room for the plan's subnet (or with an IPv6 address space, or in another region) can still be left
 * for a subnet of a VNet it is peered with: regional integration needs the app's region and a subnet, not the old
 * VNet, and from there the apps reach the old VNet through the peering (Connected with VNet access on both sides:
 * network-changes.ts; migration.md, "Cross-region VNet": "create or pick a VNet in the app's region, peer it globally
 * with the old one"). Looked at once every plan has been judged, so that a range another plan was promised there is not
 * promised again; each peer is read once. A VNet in another region none of whose peers can take the subnet keeps its
 * verdict (create a VNet in the region).
 */
async function proposeInPeers(reader: AzureReader, verdicts: Map<Integration, Assessment>, facts: Map<string, PlanRegionalFacts>, reserved: Map<string, string[]>, sizing: Sizing): Promise<void> {
  const reads = new Map<string, Promise<VnetInfo | undefined>>();
  const read = (id: string) => reads.get(id.toLowerCase()) ?? reads.set(id.toLowerCase(), reader.getVnet(id).catch(() => undefined)).get(id.toLowerCase())!;
  for (const [integration, verdict] of verdicts) {
    if ((verdict.verdict !== "needs-subnet" && verdict.verdict !== "cross-region") || !integration.vnet) continue;
    const { plan, vnet } = integration;
    const because: PeerBecause = verdict.verdict === "cross-region" ? "region" : verdict.unusable ? "ipv6" : "full";
    const planFacts = facts.get(plan.id.toLowerCase());
    const own = planFacts?.read ? planFacts.regionalSubnetIds : [];
    // A VNet that holds a subnet of the plan already (too small now) had no regional integration of its own to spend:
    // a new subnet in a peer would be one more than the plan takes.
    if (own.some((id) => id.startsWith(`${vnet.id.toLowerCase()}/subnets/`))) continue;
    const peers: Array<{ name: string; why: string }> = [];
    for (const peering of vnet.peerings.filter((p) => usable(p) && !isClassicVnetId(p.remoteVnetId))) {
      const peer = await read(peering.remoteVnetId);
      const name = peer?.name ?? nameOf(peering.remoteVnetId);
      const why = !peer
        ? "could not be read"
        : checkSameRegion(plan, peer).length > 0
          ? `in ${peer.location}`
          : leftVnetReach(vnet, peer).kind !== "peered"
            ? "its side of the peering is not Connected with VNet access"
            : checkIpv4OnlyVnet(plan, peer).length > 0
              ? "it has an IPv6 address space"
              : undefined;
      const choice = peer && !why ? chooseSubnet(peer, plan, reserved.get(peer.id.toLowerCase()) ?? [], own, sizing(peer, 1)) : undefined;
      if (peer && choice && choice.kind !== "none") {
        verdicts.set(integration, readyVerdict(integration, choice, reserved, { vnet: peer, peering: peering.name, because }));
        break;
      }
      peers.push({ name, why: why ?? `no free /${neededPrefixLength(plan.workers)} either` });
    }
    if (verdicts.get(integration) === verdict && verdict.verdict === "needs-subnet") verdicts.set(integration, { ...verdict, peers });
  }
}

/**
 * A tier without regional integration. An App Service Environment (Isolated) is told apart: its apps already run in a
 * subnet of its own VNet ("The feature isn't available for Isolated plan apps in an App Service Environment":
 * azure-docs articles/app-service/overview-vnet-integration.md; articles/app-service/environment/overview.md).
 */
function tierProblems(plan: PlanInfo): EligibilityProblem[] {
  if (!ISOLATED.test(plan.tier)) return checkRegionalTier(plan);
  return [
    {
      rule: "regional-tier",
      message: `Plan ${plan.name} is ${plan.tier} (${plan.skuName}): an App Service Environment, which has no regional VNet integration; its apps already run in the environment's own VNet.`,
      fix: "Peer the environment's VNet with the old one (or move what the apps reach into it), then disconnect the gateway-required integration with /vnet disconnect APP.",
    },
  ];
}

function vnetGone(integration: Integration): Obstacle {
  return {
    message: `VNet ${integration.vnetName} no longer exists in Azure: there is nothing to migrate into, and the apps reach nothing through it.`,
    fix: `Disconnect the apps (/vnet disconnect APP), then integrate them with a VNet in ${integration.plan.location}.`,
  };
}

function isSubscriptionOrPlan(scope: string): boolean {
  if (!scope.includes("/")) return true;
  const types = parseResourceId(scope)?.types.map((t) => t.toLowerCase()) ?? [];
  return types.length === 1 && types[0] === "serverfarms";
}

function scopeName(scope: string): string {
  return scope.includes("/") ? nameOf(scope) : `subscription ${scope}`;
}
