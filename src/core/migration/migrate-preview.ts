/**
 * What a migration preview tells the requester and the approvers before anything moves: the source range that
 * firewalls must now allow, each plan route's fate, the subnet's NSG and route table that start to apply (with any
 * rule that would stop a target the app is known to reach), the DNS servers in effect, and the slot-first way.
 * Facts: azure-docs articles/app-service/migrate-gateway-based-vnet-integration.md and overview-vnet-integration.md.
 */
import type { PlanSection } from "../changes/types.ts";
import { describeRoute, prefixHolds, rangesOverlap, tryParseRange } from "../address-range.ts";
import { evaluateInbound } from "../diagnose/nsg-evaluation.ts";
import { isClassicVnetId, nameOf, sameId, siteNameOf, subnetLabel } from "../resource-id.ts";
import type { MigrationFacts } from "./migrate-facts.ts";
import type { KnownTarget } from "./migration-records.ts";
import { blockedTargets, leftVnetReach, routeFates } from "./network-changes.ts";
import { migratePeerCommand } from "./readiness.ts";
import { APP_SERVICE_DELEGATION, otherPlansOn } from "./regional-rules.ts";
import { blockSize, RECOMMENDED_PREFIX, RESERVED_ADDRESSES } from "./subnet-plan.ts";

/** Microsoft's guide: switching "will cause downtime … typically 2-5 minutes … but can be even longer" per app. */
export const OUTAGE_PER_APP = "typically 2-5 minutes, possibly longer";

/** The preview's sections. */
export function migrationSections(facts: MigrationFacts, options: { newPrefix: string | undefined; routeAll: boolean }): PlanSection[] {
  const names = facts.apps.map(({ app }) => app.name).join(", ");
  const subnetName = nameOf(facts.subnetId);
  const subnetPrefix = facts.subnet?.addressPrefixes.join(", ") ?? options.newPrefix ?? "?";
  const pool = facts.gateway?.addressPool.join(", ");
  const sections: PlanSection[] = [
    {
      heading: "Source addresses change",
      lines: [
        `${names} will send VNet traffic from subnet ${subnetName} (${subnetPrefix}) instead of ${pool ? `gateway ${facts.gateway!.name}'s point-to-site pool ${pool}` : `the point-to-site pool of ${facts.vnetName}'s gateway`}.`,
        `Allow ${subnetPrefix} wherever firewalls, NSGs, on-premises ACLs or VPN routes allow ${pool ?? "the pool"} — before approving.`,
      ],
    },
    ...leftVnetSection(facts),
    { heading: "Plan routes", lines: routeLines(facts, options.routeAll) },
    { heading: `Subnet ${subnetName}`, lines: subnetLines(facts, options.newPrefix) },
    { heading: "DNS", lines: dnsLines(facts) },
  ];
  const nsgs = nsgLines(facts, facts.subnet?.addressPrefixes.find((p) => !p.includes(":")) ?? options.newPrefix);
  if (nsgs.length > 0) sections.push({ heading: "NSGs that name the pool", lines: nsgs });
  const slotFirst = facts.apps.flatMap(({ app, slotsLeft }) => slotsLeft.filter((slot) => !facts.apps.some((a) => a.app.name.toLowerCase() === slot.toLowerCase())).map((slot) => ({ app, slot })));
  if (slotFirst.length > 0) {
    sections.push({
      heading: "Slot first",
      lines: slotFirst.map(({ app, slot }) => `${app.name} has slot ${slot}, whose integration is its own (it does not swap): migrate it first (\`/vnet migrate ${slot}\`) to try the new network, then ${app.name}.`),
    });
  }
  return sections;
}

/** Said only when the subnet is in another VNet than the one being left: whether the apps still reach it. */
function leftVnetSection(facts: Pick<MigrationFacts, "plan" | "vnet" | "vnetId" | "vnetName" | "targetVnet">): PlanSection[] {
  const { vnet: left, targetVnet: target } = facts;
  if (!left) {
    if (!isClassicVnetId(facts.vnetId)) return [];
    // migration.md, "Limits": a classic VNet is not reachable from regional integration, not even through peering.
    return [{ heading: `VNet ${facts.vnetName}, left behind`, lines: [`:x: ${facts.vnetName} is a classic VNet: after the move the apps no longer reach it, not even through a peering. Move what they use there into ${target.name} or a Resource Manager VNet peered with it before approving.`] }];
  }
  const reach = leftVnetReach(left, target);
  if (reach.kind === "same") return [];
  const space = left.addressSpace.join(", ") || "no address space";
  const peer = `\`${migratePeerCommand(facts.plan.name, left.name, target.name)}\``;
  const line = (() => {
    switch (reach.kind) {
      case "peered":
        return `:white_check_mark: ${left.name} (${space}) stays reached: ${target.name} is peered with it (${reach.peering.name}, Connected).`;
      case "peering-not-ready":
        // Azure cannot reconnect a Disconnected peering in place, and vnetbot deletes no peerings (peer.ts).
        return /^disconnected$/i.test(reach.peering.peeringState)
          ? `:warning: ${reach.owner}'s peering ${reach.peering.name} ${reach.why}: the apps reach ${left.name} (${space}) only once it is deleted in Azure and ${peer} has peered the two again.`
          : `:warning: ${reach.owner}'s peering ${reach.peering.name} ${reach.why}: the apps reach ${left.name} (${space}) only once both sides are Connected with VNet access allowed, which ${peer} does.`;
      case "overlap":
        return `:x: ${left.name} overlaps ${target.name} (${reach.ranges.join(", ")}), so the two cannot be peered: after the move the apps no longer reach what is in ${left.name}. Move it, or migrate into a subnet of ${left.name} instead.`;
      case "not-peered":
        return `:x: ${target.name} is not peered with ${left.name}: after the move the apps no longer reach ${left.name} (${space}). Peer the two VNets first (VNet access allowed on both sides): ${peer}.`;
    }
  })();
  return [{ heading: `VNet ${left.name}, left behind`, lines: [line] }];
}

/**
 * Whether route-all will be on for every moving app once it is on regional integration: asked for with --route-all, or
 * already set on each app. The setting is the site's, and only regional integration applies it (gateway-required
 * integration routes by the plan's routes), so an app that has it set starts sending all its traffic into the VNet
 * with the move (azure-docs configure-vnet-integration-routing.md).
 */
export function routeAllAfterMove(facts: Pick<MigrationFacts, "apps">, asked: boolean): { all: boolean; alreadyOn: string[] } {
  // Either form of the setting counts: config/web's vnetRouteAllEnabled or the site's outboundVnetRouting.
  const alreadyOn = facts.apps.filter((moving) => moving.routeAll || moving.app.outboundRouteAll).map(({ app }) => app.name);
  return { all: asked || (alreadyOn.length > 0 && alreadyOn.length === facts.apps.length), alreadyOn };
}

function routeLines(facts: MigrationFacts, asked: boolean): string[] {
  const { all, alreadyOn } = routeAllAfterMove(facts, asked);
  const outcomes = routeFates(facts.routes, facts.targetVnet, all, facts.siteToSite);
  const everything = "all outbound traffic, the internet's included, enters the VNet, where the subnet's NSG and route table apply and the VNet's routing decides where it goes";
  const base = asked
    ? `Route-all will be on: ${everything}.`
    : all
      ? `Route-all is already on for ${alreadyOn.join(", ")}, and regional integration applies it: ${everything}.`
      : `Without route-all only private (RFC 1918) traffic enters the VNet; plan routes no longer apply.${alreadyOn.length > 0 ? ` Route-all is already on for ${alreadyOn.join(", ")}: for ${alreadyOn.length === 1 ? "it" : "them"}, ${everything}.` : ""}`;
  if (outcomes.length === 0) return [`The plan has no routes into this VNet. ${base}`];
  return [
    base,
    ...outcomes.map(({ route, fate, via, bgp }) => {
      const what = `\`${route.name}\` (${describeRoute(route)})`;
      switch (fate) {
        case "covered":
          return `:white_check_mark: ${what}: inside the VNet or a peer, still reached.`;
        case "route-all":
          return `:white_check_mark: ${what}: outside RFC 1918, reached through route-all if the VNet routes it on.`;
        case "lost":
          return `:x: ${what}: outside RFC 1918, no longer reached. Add --route-all to keep it.`;
        case "site-to-site": {
          const transit = sameId(via!.vnetId, facts.targetVnet.id) ? "" : ` (${facts.targetVnet.name} uses its gateway through their peering)`;
          return via!.status === "Connected"
            ? `:white_check_mark: ${what}: reached through ${via!.vnet}'s site-to-site connection ${via!.connection}${transit}, whose local network announces it.`
            : `:warning: ${what}: announced by ${via!.vnet}'s site-to-site connection ${via!.connection}${transit}, which is ${via!.status} now.`;
        }
        case "vnet-routing": {
          const unread = facts.siteToSite?.unreadable;
          const why = unread
            ? `its site-to-site connections could not be read (${unread})`
            : bgp
              ? `no site-to-site connection of ${facts.targetVnet.name} announces it, though ${bgp.map((s) => s.connection).join(", ")} may over BGP (not read)`
              : `no site-to-site connection of ${facts.targetVnet.name} announces it`;
          return `:warning: ${what}: not in the VNet or its peers, and ${why}: reached only through a route table on the subnet, or not at all.`;
        }
      }
    }),
  ];
}

function subnetLines(facts: MigrationFacts, newPrefix: string | undefined): string[] {
  const { subnet, targetVnet } = facts;
  if (!subnet) {
    const lines = [`Created in ${targetVnet.name} as ${newPrefix}, delegated to ${APP_SERVICE_DELEGATION}; no NSG or route table.`];
    // overview-vnet-integration.md, "Subnet requirements": a subnet in use cannot be resized; /26 is the recommendation.
    const length = Number(newPrefix?.split("/")[1]);
    if (length > RECOMMENDED_PREFIX) {
      lines.push(`:warning: A /${length} has ${blockSize(length) - RESERVED_ADDRESSES} usable addresses, one per instance and two while the plan scales, and a subnet in use cannot be resized: Microsoft recommends a /${RECOMMENDED_PREFIX}. vnetbot sizes for the plan's ${facts.plan.workers} instance${facts.plan.workers === 1 ? "" : "s"} now, not for an autoscale maximum, which it does not read.`);
    }
    return lines;
  }
  const delegated = subnet.delegations.some((d) => d.toLowerCase() === APP_SERVICE_DELEGATION.toLowerCase());
  const keeps = [subnet.nsgId && `NSG ${nameOf(subnet.nsgId)}`, subnet.routeTableId && `route table ${nameOf(subnet.routeTableId)}`, subnet.serviceEndpoints.length > 0 && `service endpoints ${subnet.serviceEndpoints.join(", ")}`].filter(Boolean);
  const lines = [
    delegated
      ? `${subnet.name} (${subnet.addressPrefixes.join(", ")}) in ${targetVnet.name} is already delegated to ${APP_SERVICE_DELEGATION}.`
      : `${subnet.name} (${subnet.addressPrefixes.join(", ")}) in ${targetVnet.name} gets delegated to ${APP_SERVICE_DELEGATION}${keeps.length > 0 ? `, sending back its ${keeps.join(", ")} (a subnet update replaces what it leaves out)` : ""}.`,
  ];
  const sharedWith = otherPlansOn(subnet, facts.plan);
  if (sharedWith.length > 0) {
    // Each instance of each plan takes an address, twice while it scales; Azure did not check for room when joining in
    // the announced preview (azure-app-service blog, "Announcing Multi-plan subnet join").
    lines.push(`:warning: Shared with plan ${sharedWith.map(nameOf).join(", plan ")} (multi-plan subnet join): each instance of every plan on it takes an address, and twice while scaling; plans its links do not name are not counted. Check its free addresses (an app's VNet integration page in the portal) before approving.`);
  }
  if (subnet.nsgId) lines.push(`NSG ${nameOf(subnet.nsgId)} now applies to the apps' outbound traffic (it never applied to point-to-site traffic).`);
  if (subnet.routeTableId) lines.push(`Route table ${nameOf(subnet.routeTableId)} now applies: its routes decide where the apps' traffic goes.`);
  if (subnet.serviceEndpoints.length > 0) lines.push(`Service endpoints (${subnet.serviceEndpoints.join(", ")}) become usable by the apps.`);
  const prefix = subnet.addressPrefixes.find((p) => !p.includes(":"));
  if (facts.nsg && prefix) {
    for (const moving of facts.apps) {
      for (const { target, rule, address } of blockedTargets(facts.nsg, prefix, targetVnet, checkedTargets(facts, moving.targets))) {
        const at = address ? ` (at ${address}, where it last resolved on the worker)` : "";
        lines.push(`:no_entry: NSG rule \`${rule.name}\` (priority ${rule.priority}) denies ${target.host}:${target.port}${at}, which ${moving.app.name} was tested against: allow it before approving.`);
      }
    }
  }
  const byName = facts.apps.flatMap((m) => m.targets.filter((t) => !isAddress(t.host)));
  const named = [...new Set(byName.map((t) => `${t.host}:${t.port}`))];
  const resolved = [...new Set(byName.filter((t) => (t.addresses ?? []).length > 0).map((t) => `${t.host}:${t.port}`))];
  const alike = namesResolveAlike(facts);
  const also = resolved.length === 0 ? ""
    : alike ? `; ${resolved.join(", ")} ${resolved.length === 1 ? "is" : "are"} also checked against the NSGs at the addresses ${resolved.length === 1 ? "it" : "they"} last resolved to on the worker`
    : `; the addresses ${resolved.length === 1 ? "it" : "they"} last resolved to are not checked against the NSGs, since other DNS answers after the move`;
  if (named.length > 0) lines.push(`Targets known by name (${named.join(", ")}) are tested from the worker after the move${also}.`);
  return lines;
}

function dnsLines(facts: MigrationFacts): string[] {
  const now = dnsBefore(facts);
  const after = facts.targetVnet.dnsServers;
  const show = (servers: readonly string[]) => (servers.length > 0 ? servers.join(", ") : "Azure-provided DNS");
  const lines = [sameServers(now, after) ? `The apps keep using ${show(after)} (${facts.targetVnet.name}'s DNS servers).` : `The apps move from ${show(now)} to ${facts.targetVnet.name}'s DNS servers: ${show(after)}.`];
  // overview-vnet-integration.md, "Azure DNS private zones": "If no custom DNS is specified, it uses Azure default DNS
  // and any private zones linked to the virtual network."
  if (after.length === 0) lines.push(`Azure-provided DNS answers from the private DNS zones linked to ${facts.targetVnet.name}: link the zones the apps resolve (the privatelink.* zones of private endpoints among them) to ${facts.targetVnet.name} before approving.`);
  lines.push("An app setting WEBSITE_DNS_SERVER, where set, still overrides them.");
  return lines;
}

/**
 * The outage line: each app restarts twice, one app after the other; in a migration resumed after it stopped
 * half-way, an app already off its gateway restarts once more, and one already on the subnet not at all.
 */
export function migrationOutage(facts: MigrationFacts): string {
  const twice = facts.apps.filter((a) => a.connection).map(({ app }) => siteNameOf(app.id));
  const once = facts.apps.filter((a) => !a.connection && !a.regional.subnetId).map(({ app }) => siteNameOf(app.id));
  const lines: string[] = [];
  if (twice.length > 0) lines.push(`${twice.join(", ")} ${twice.length === 1 ? "restarts" : "restart one after the other,"} twice (gateway connection removed, regional integration added)${twice.length === 1 ? "" : ", each"} without the VNet for ${OUTAGE_PER_APP}.`);
  if (once.length > 0) lines.push(`${once.join(", ")} ${once.length === 1 ? "is" : "are"} off the gateway already, without any VNet until ${once.length === 1 ? "it restarts" : "each restarts"} once more (regional integration added).`);
  return lines.length > 0 ? lines.join(" ") : "No app restarts: each is on the subnet already; what is left verifies it and tidies up.";
}

/**
 * The NSGs of the VNet left and of the subnet's VNet, as they meet the new source: rules that name the point-to-site
 * pool stop matching the apps (an allow no longer lets them in, a deny no longer keeps them out), and a known target
 * behind one of them that lets the pool in today but would not let the subnet in is named, with the rule. NSG rules
 * are evaluated as Azure does (nsg-evaluation.ts); what lies outside these VNets (on-premises, firewalls) is not seen.
 */
function nsgLines(facts: MigrationFacts, subnetPrefix: string | undefined): string[] {
  const pool = facts.gateway?.addressPool ?? facts.apps.find((a) => a.record)?.record?.pool ?? [];
  const poolRanges = pool.flatMap((prefix) => tryParseRange(prefix) ?? []);
  const subnetRange = subnetPrefix ? tryParseRange(subnetPrefix) : undefined;
  const lines: string[] = [];
  for (const { nsg, subnets } of facts.subnetNsgs) {
    const where = subnets.map((subnet) => subnetLabel(subnet.id)).join(", ");
    for (const rule of nsg.rules.filter((r) => r.direction === "Inbound" && !r.isDefault).sort((a, b) => a.priority - b.priority)) {
      // A rule that matched the pool and does not match the subnet changes what it does to the apps.
      const sources = rule.sourcePrefixes.flatMap((prefix) => tryParseRange(prefix) ?? []);
      const namesPool = sources.some((source) => poolRanges.some((range) => rangesOverlap(range, source)));
      const coversSubnet = subnetRange !== undefined && sources.some((source) => source.start <= subnetRange.start && subnetRange.end <= source.end);
      if (!namesPool || coversSubnet) continue;
      lines.push(
        rule.access === "Allow"
          ? `NSG ${nsg.name} (${where}): rule \`${rule.name}\` (priority ${rule.priority}) allows the pool: add ${subnetPrefix ?? "the subnet"} to it, and keep the pool while a rollback may need it.`
          : `NSG ${nsg.name} (${where}): rule \`${rule.name}\` (priority ${rule.priority}) denies the pool, and will no longer keep the apps out: add ${subnetPrefix ?? "the subnet"} to it if it must.`,
      );
    }
  }
  if (subnetPrefix && poolRanges.length > 0) {
    for (const moving of facts.apps) {
      for (const { target, address, named } of checkedTargets(facts, moving.targets).flatMap(addressesOf)) {
        const behind = facts.subnetNsgs.find(({ subnets }) => subnets.some((subnet) => subnet.addressPrefixes.some((prefix) => prefixHolds(prefix, address))));
        if (!behind) continue;
        const flow = { destinationIp: address, port: target.port };
        const before = evaluateInbound(behind.nsg, { ...flow, sourcePool: pool });
        const after = evaluateInbound(behind.nsg, { ...flow, sourcePool: [subnetPrefix] });
        if (!before.allowed || after.allowed) continue;
        const by = after.blockingRule ? `rule \`${after.blockingRule.name}\` (priority ${after.blockingRule.priority}) denies it` : "no rule allows it";
        const at = named ? ` (at ${address}, where it last resolved on the worker)` : "";
        lines.push(`:no_entry: ${target.host}:${target.port}${at}, which ${moving.app.name} was tested against, lets the pool in through NSG ${behind.nsg.name} but not ${subnetPrefix}: ${by}. Allow ${subnetPrefix} there before approving.`);
      }
    }
  }
  for (const what of facts.nsgsUnread) lines.push(`:warning: ${what} could not be read: rules there that name the pool are not checked.`);
  return lines;
}

/** The IPv4 addresses a known target is checked at: its own, or those its name resolved to when last tested. */
function addressesOf(target: KnownTarget): Array<{ target: KnownTarget; address: string; named: boolean }> {
  if (isAddress(target.host)) return [{ target, address: target.host, named: false }];
  return (target.addresses ?? []).map((address) => ({ target, address, named: true }));
}

/**
 * Whether a name resolves after the move as it did when diagnosed: the same DNS servers, and with Azure-provided DNS
 * the same VNet (private DNS zones are linked per VNet). Otherwise where a name last resolved says nothing of where the
 * apps will reach it.
 */
function namesResolveAlike(facts: MigrationFacts): boolean {
  const after = facts.targetVnet.dnsServers;
  return sameServers(dnsBefore(facts), after) && (after.length > 0 || sameId(facts.vnetId, facts.targetVnet.id));
}

/** The known targets the NSG checks take: those known by name only at addresses that still tell (namesResolveAlike). */
function checkedTargets(facts: MigrationFacts, targets: readonly KnownTarget[]): KnownTarget[] {
  return namesResolveAlike(facts) ? [...targets] : targets.map((target) => ({ host: target.host, port: target.port, testedAt: target.testedAt }));
}

/** The DNS servers the apps use now; resumed after the plan's connection went, the record keeps those they had. */
function dnsBefore(facts: MigrationFacts): string[] {
  return facts.planConnection?.dnsServers ?? facts.apps.find((a) => a.record)?.record?.dnsServers ?? [];
}

function sameServers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((server, i) => server === b[i]);
}

function isAddress(host: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(host);
}
