/** What /vnet migration says: the countdown, then each integration's verdict, grouped, the ones doable today first. */
import { describeRoute } from "../address-range.ts";
import { appsLine, plural } from "../format.ts";
import { nameOf } from "../resource-id.ts";
import type { Reply, ReplyPart } from "../reply.ts";
import { migratePeerCommand, VERDICTS, type Assessment, type PeerBecause, type Subject, type Verdict } from "./readiness.ts";
import { APP_SERVICE_DELEGATION, servesLine } from "./regional-rules.ts";
import { blockSize, RECOMMENDED_PREFIX } from "./subnet-plan.ts";

/** Group headings. */
export const VERDICT_TITLES: Record<Verdict, string> = {
  ready: ":large_green_circle: *Ready: can move today*",
  "shares-subnet": ":large_blue_circle: *Shares a subnet of its plan*",
  "needs-subnet": ":large_yellow_circle: *Needs a subnet first*",
  "cross-region": ":large_orange_circle: *VNet in another region*",
  blocked: ":red_circle: *Blocked*",
  unknown: ":warning: *Could not assess*",
};

const COUNTS: Record<Verdict, (n: number) => string> = {
  ready: (n) => `${n} ready`,
  "shares-subnet": (n) => `${n} ${n === 1 ? "shares" : "share"} a subnet`,
  "needs-subnet": (n) => `${n} ${n === 1 ? "needs" : "need"} a subnet`,
  "cross-region": (n) => `${n} cross-region`,
  blocked: (n) => `${n} blocked`,
  unknown: (n) => `:warning: ${n} could not be assessed`,
};

/**
 * The reply; `countdown` is the shared countdown line and `warnings` the reads that failed without a verdict of their
 * own. `alone`: a plan or subscription was assessed without the plans outside it (no inventory kept to find them in).
 */
export function readinessReply(assessments: readonly Assessment[], countdown: string, warnings: readonly string[], options: { alone?: boolean; midway?: boolean } = {}): Reply {
  const integrations = assessments.filter((a) => a.subject.vnet !== undefined).length;
  const counts = VERDICTS.map((v) => [v, assessments.filter((a) => a.verdict === v).length] as const).filter(([, n]) => n > 0);
  const summary = integrations === 0 && counts.length === 0
    ? options.midway
      ? "No gateway-required integration is left to assess, but a migration is mid-way (above): finish it or roll it back."
      : "No gateway-required integration is left: nothing to migrate."
    : `${plural(integrations, "integration")} assessed: ${counts.map(([v, n]) => COUNTS[v](n)).join(", ")}.`;
  const alone = options.alone && integrations > 0 ? [ALONE] : [];
  const parts: ReplyPart[] = [{ kind: "context", lines: [countdown, summary, ...alone] }];
  for (const verdict of VERDICTS) {
    const group = assessments.filter((a) => a.verdict === verdict);
    if (group.length === 0) continue;
    parts.push({ kind: "text", text: VERDICT_TITLES[verdict] });
    // A plan-wide reason (its tier, its scale unit, too many VNets) is said in full once, then referred to; so is why
    // a plan's VNets share a subnet.
    const said = new Map<string, Subject>();
    const sharing: Sharing = { first: new Map(), pools: poolsBySubnet(group) };
    for (const assessment of group) {
      const reasons = reasonKey(assessment);
      const earlier = reasons === undefined ? undefined : said.get(reasons);
      if (reasons !== undefined && !earlier) said.set(reasons, assessment.subject);
      const lines = earlier ? [`Same reason and fix as *${earlier.plan}* → *${earlier.vnet}* above.`] : linesOf(assessment, sharing);
      parts.push({ kind: "text", text: [heading(assessment.subject), ...lines].join("\n") });
    }
  }
  if (warnings.length > 0) parts.push({ kind: "context", lines: [`:warning: ${plural(warnings.length, "read")} failed, so this may be incomplete: ${warnings.join("; ")}`] });
  return { title: "Moving to regional VNet integration", text: summary, parts };
}

const ALONE =
  ":warning: Assessed without the rest of the estate, whose inventory is not kept yet (or could not be read): other plans in these VNets were not taken in, so a range or hub proposed here may be proposed to one of them too. `/vnet migration` assesses every plan together (and keeps the inventory).";

function reasonKey(assessment: Assessment): string | undefined {
  return assessment.verdict === "blocked" ? assessment.problems.map((p) => p.message).join("\n") : undefined;
}

function heading(subject: Subject): string {
  if (subject.vnet === undefined) return `*${subject.plan}*`;
  return `*${subject.plan}* → *${subject.vnet}* · ${appsLine(subject.apps, subject.unreadApps)}`;
}

/** For sharesLines: the first VNet told to share each subnet, for the others to refer to; the pools of all that share it. */
interface Sharing {
  first: Map<string, string>;
  pools: Map<string, string[]>;
}

const sharedSubnetKey = (shares: Extract<Assessment, { verdict: "shares-subnet" }>) => `${shares.subject.plan}|${shares.hubVnet}|${shares.subnet}`;

/** The point-to-site pools of the VNets that will share each subnet, by subnet. */
function poolsBySubnet(group: readonly Assessment[]): Map<string, string[]> {
  const pools = new Map<string, string[]>();
  for (const a of group) {
    if (a.verdict !== "shares-subnet") continue;
    const key = sharedSubnetKey(a);
    pools.set(key, [...new Set([...(pools.get(key) ?? []), ...a.pool])]);
  }
  return pools;
}

function linesOf(assessment: Assessment, sharing: Sharing): string[] {
  switch (assessment.verdict) {
    case "ready":
      return readyLines(assessment);
    case "needs-subnet": {
      const vnet = assessment.subject.vnet!;
      const largest = assessment.largestFree === undefined ? "not one address is free" : `the largest free block is a /${assessment.largestFree} (${blockSize(assessment.largestFree)} addresses)`;
      const why = assessment.unusable
        ? [assessment.unusable.message, `*Do:* ${assessment.unusable.fix}`]
        : [
            `No free /${assessment.neededPrefix} in ${vnet} (${assessment.addressSpace.join(", ") || "no address space"}): ${largest}, ${assessment.missingAddresses} address${assessment.missingAddresses === 1 ? "" : "es"} short.`,
            `*Do:* add an address range to ${vnet}'s address space, or free a subnet of /${assessment.neededPrefix} or more; then run \`/vnet migration\` again.`,
          ];
      return [
        ...why,
        ...(assessment.peers.length > 0 ? [`The VNets it is peered with cannot take the subnet either: ${assessment.peers.map((peer) => `${peer.name} (${peer.why})`).join(", ")}.`] : []),
      ];
    }
    case "shares-subnet":
      return sharesLines(assessment, sharing);
    case "cross-region":
      return [assessment.problem.message, `*Do:* ${assessment.problem.fix}`];
    case "blocked":
      return assessment.problems.flatMap((problem) => [problem.message, `*Do:* ${problem.fix}`]);
    case "unknown":
      return [`Could not assess: ${assessment.reason}`, "*Do:* fix what kept the read from working, then run `/vnet migration --fresh`."];
  }
}

/** The first VNet told to share a plan's subnet says why and what firewalls must allow; the ones after it refer to it. */
function sharesLines(shares: Extract<Assessment, { verdict: "shares-subnet" }>, sharing: Sharing): string[] {
  const { plan, vnet } = shares.subject;
  const where = `*${shares.subnet}* in ${shares.hubVnet}`;
  const key = sharedSubnetKey(shares);
  const first = sharing.first.get(key);
  if (!first) sharing.first.set(key, vnet!);
  const lines = [
    first
      ? `Shares subnet ${where}, as ${first} above.`
      : `Plan ${plan} takes at most 2 regional integrations${shares.subnetsInUse > 0 ? `, uses ${shares.subnetsInUse} already` : ""} and reaches ${shares.gatewayVnets} VNets through gateways, so ${vnet}'s apps share subnet ${where}${shares.firstMove ? `, which the move of *${plan}* → *${shares.firstMove}* (above) makes: that one goes first` : ", which the plan already uses"}.`,
  ];
  const reach = shares.reach;
  const peer = `\`${migratePeerCommand(plan, vnet!, shares.hubVnet)}\``;
  if (reach.kind === "peered") lines.push(`${vnet} is peered with ${shares.hubVnet} (${reach.peering.name}, Connected), so the apps still reach it from there.`);
  else if (reach.kind === "peering-not-ready" && /^disconnected$/i.test(reach.peering.peeringState)) {
    // Azure cannot reconnect a Disconnected peering in place, and vnetbot deletes no peerings (peer.ts).
    lines.push(`*Do first:* ${reach.owner}'s peering ${reach.peering.name} ${reach.why}: delete it in Azure (portal or \`az network vnet peering delete\`), then ${peer}, or the apps lose ${vnet}.`);
  } else if (reach.kind === "peering-not-ready") lines.push(`*Do first:* ${peer}: ${reach.owner}'s peering ${reach.peering.name} ${reach.why}, and the apps lose ${vnet} unless both sides are Connected with VNet access.`);
  else lines.push(`*Do first:* ${peer}: from ${shares.hubVnet} the apps reach ${vnet} only through a peering.`);
  lines.push(`*Do:* \`${shares.command}\``);
  // Said once for the subnet, with every sharing VNet's pool (one line each would crowd a large estate's answer out of
  // Slack's message size); where this answer's move makes the subnet, that move's verdict says it (readyLines).
  const pools = sharing.pools.get(key) ?? [];
  if (!first && !shares.firstMove && pools.length > 0 && shares.range.length > 0) {
    lines.push(`Firewalls and ACLs that allow the point-to-site ${pools.length === 1 ? "pool" : "pools"} of the VNets that share ${shares.subnet} (${pools.join(", ")}) must allow ${shares.range.join(", ")} too.`);
  }
  return lines;
}

/** Regional traffic leaves from the subnet, not the gateway's pool: what allowed the one must allow the other. */
function firewallLine(pool: readonly string[], range: string): string {
  return `Firewalls and ACLs that allow the point-to-site pool ${pool.join(", ")} must allow ${range} too.`;
}

function readyLines(ready: Extract<Assessment, { verdict: "ready" }>): string[] {
  const lines: string[] = [];
  const runs = `the plan runs ${plural(ready.workers, "instance")} and needs a /${ready.neededPrefix}`;
  let range: string;
  // A subnet in a VNet peered with this one: this one had no room (proposeInPeers).
  const where = ready.via ? ` in ${ready.via.vnet}` : "";
  if (ready.via) {
    lines.push(`${ready.subject.vnet} ${notHere(ready.via.because, ready.neededPrefix)}; ${ready.via.vnet} is in the plan's region and peered with it (${ready.via.peering}, Connected), so from there the apps still reach ${ready.subject.vnet}'s own addresses, not what lies beyond it (its other peers, its gateway's networks): the migrate preview says which plan routes stay reached.`);
  }
  if (ready.target.kind === "existing") {
    const subnet = ready.target.subnet;
    range = subnet.addressPrefixes.join(", ");
    const delegated = subnet.delegations.some((d) => d.toLowerCase() === APP_SERVICE_DELEGATION.toLowerCase());
    lines.push(`Subnet *${subnet.name}* (${range})${where} can take the plan (${runs})${delegated ? "" : `; it will be delegated to ${APP_SERVICE_DELEGATION}`}.`);
    // Regional traffic leaves from the subnet, so its NSG and route table start to apply (azure-docs
    // articles/app-service/overview-vnet-integration.md, "Network security groups", "Routes"); point-to-site traffic
    // came from the gateway's pool and never met them.
    const applies = [subnet.nsgId ? `NSG ${nameOf(subnet.nsgId)}` : "", subnet.routeTableId ? `route table ${nameOf(subnet.routeTableId)}` : ""].filter(Boolean);
    if (applies.length > 0) lines.push(`Its ${applies.join(" and ")} will now apply to the apps' outbound traffic${subnet.serviceEndpoints.length > 0 ? `, and its service endpoints (${subnet.serviceEndpoints.join(", ")}) become usable` : ""}.`);
    else if (subnet.serviceEndpoints.length > 0) lines.push(`Its service endpoints (${subnet.serviceEndpoints.join(", ")}) become usable.`);
  } else {
    range = ready.target.prefix;
    const length = Number(range.split("/")[1]);
    const small = length > RECOMMENDED_PREFIX ? `; not the /${RECOMMENDED_PREFIX} Microsoft recommends, since a subnet in use cannot be resized: the VNet has no /${RECOMMENDED_PREFIX} free for each of its plans` : "";
    lines.push(`New subnet *${ready.target.name}* ${range} in free space${where} (${servesLine(length)}; ${runs}${small}).`);
  }
  lines.push(`*Do:* \`${ready.command}\``);
  if (ready.sharedBy.length > 0) lines.push(`The plan's other gateway VNets (${ready.sharedBy.join(", ")}) will share this subnet (below): move this one first.`);
  if (ready.routesOutside.length > 0) {
    lines.push(`\`--route-all\`: ${ready.routesOutside.map((r) => `route ${r.name} (${describeRoute(r)})`).join(", ")} ${ready.routesOutside.length === 1 ? "is" : "are"} outside RFC 1918, which regional integration sends into the VNet only with route-all.`);
  }
  if (ready.spacesOutside.length > 0) {
    lines.push(`\`--route-all\`: ${ready.subject.vnet}'s address space ${ready.spacesOutside.join(", ")} ${ready.spacesOutside.length === 1 ? "is" : "are"} outside RFC 1918: the apps reach ${ready.spacesOutside.length === 1 ? "it" : "them"} through the gateway now, and regional integration sends such traffic into the VNet only with route-all.`);
  }
  for (const route of ready.routesUnreadable) lines.push(`:warning: Route ${route.name} (${route.startAddress}${route.endAddress ? `-${route.endAddress}` : ""}) cannot be read as a range: check whether it needs \`--route-all\`.`);
  // Microsoft's guide names "a staging slot first" among its strategies (articles/app-service/
  // migrate-gateway-based-vnet-integration.md): a slot's integration is its own and is not swapped.
  if (ready.slots.length > 0) lines.push(`Slot first: ${ready.slots.map((s) => `\`/vnet migrate ${s} …\``).join(", ")} moves a slot alone (integration is per slot and does not swap), to test before production.`);
  const shared = ready.sharedPools.filter((p) => !ready.pool.includes(p));
  if (shared.length > 0) lines.push(`Firewalls and ACLs that allow the point-to-site pools of this VNet and of those that will share the subnet (${[...ready.pool, ...shared].join(", ")}) must allow ${range} too.`);
  else if (ready.pool.length > 0) lines.push(firewallLine(ready.pool, range));
  return lines;
}

/** Why a subnet is proposed in a peer of the integration's VNet rather than in it. */
function notHere(because: PeerBecause, neededPrefix: number): string {
  switch (because) {
    case "full":
      return `has no room for a /${neededPrefix}`;
    case "ipv6":
      return "has an IPv6 address space, which regional integration cannot use";
    case "region":
      return "is in another region than the plan, which regional integration cannot use";
  }
}
