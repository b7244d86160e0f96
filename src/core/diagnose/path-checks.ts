/** The half of the checklist about one target: the route to it, the peering, the NSG in front of it, the VPN beyond. */
import { formatRange, isPrivateRange, parseAddressRange } from "../address-range.ts";
import type { ChangeRequest } from "../changes/types.ts";
import type { PeeringInfo, PlanRoute, VnetInfo } from "../model.ts";
import { sameId } from "../resource-id.ts";
import { check, type DiagnosisCheck } from "./diagnosis.ts";
import type { IntegrationFacts } from "./integration-facts.ts";
import { evaluateInbound } from "./nsg-evaluation.ts";
import { prefixHolds } from "../address-range.ts";
import type { SiteToSite, TargetFacts } from "./target-facts.ts";

/** Every check about the path to ip (and port, when given). */
export function checkPath(facts: IntegrationFacts, target: TargetFacts, port: number | undefined): DiagnosisCheck[] {
  const checks = [checkRoute(facts, target)];
  if (target.place.kind === "peered") checks.push(checkPeering(facts, target.place.peering, target.place.remote, target.place.remoteError));
  if (port !== undefined && (target.place.kind === "vnet" || target.place.kind === "peered")) checks.push(checkNsg(facts, target, port));
  if (target.place.kind === "plan-route") checks.push(checkSiteToSite(facts, target));
  return checks;
}

function describeRoute(route: PlanRoute): string {
  return `${route.name} (${route.endAddress ? `${route.startAddress}-${route.endAddress}` : route.startAddress})`;
}

function routeAdd(facts: IntegrationFacts, range: string): ChangeRequest {
  return { kind: "route-add", planId: facts.plan.id, vnetName: facts.vnet.name, range };
}

function checkRoute(facts: IntegrationFacts, target: TargetFacts): DiagnosisCheck {
  const { plan, vnet } = facts;
  const { ip, place, route } = target;
  const title = `Traffic to ${ip} goes into ${vnet.name}`;
  switch (place.kind) {
    case "vnet":
      return check("target-route", "pass", title, `${ip} is in ${vnet.name} (${place.prefix})${target.subnet ? `, subnet ${target.subnet.name}` : ""}.`);
    case "peered": {
      const remoteName = place.remote?.name ?? place.peering.name;
      if (route) return check("target-route", "pass", title, `${ip} is in the peered VNet ${remoteName} (${place.prefix}); plan route ${describeRoute(route)} sends it through ${vnet.name}'s gateway.`);
      return check("target-route", "fail", title, `${ip} is in the peered VNet ${remoteName} (${place.prefix}), but plan ${plan.name} has no route for it, so the app sends it to the internet.`, {
        fix: `Add the plan route ${place.prefix} for ${vnet.name}.`,
        change: routeAdd(facts, place.prefix),
      });
    }
    case "plan-route":
      return check("target-route", "pass", title, `${ip} is outside ${vnet.name}; plan route ${describeRoute(place.route)} sends it through ${vnet.name}'s gateway.`);
    case "none": {
      const address = parseAddressRange(ip);
      if (!isPrivateRange(address)) {
        return check("target-route", "pass", title, `${ip} is a public address: the app reaches it over the internet, not through ${vnet.name}.`);
      }
      const suggested = formatRange({ start: address.start - (address.start % 256), end: address.start - (address.start % 256) + 255 });
      return check("target-route", "fail", title, `${ip} is neither in ${vnet.name} (${vnet.addressSpace.join(", ")}), a peered VNet, nor a plan route of ${plan.name}: the app sends it to the internet.`, {
        fix: `Add a plan route for the network that holds ${ip} (for example ${suggested}), and make sure ${vnet.name} reaches it (peering or site-to-site VPN).`,
        change: routeAdd(facts, suggested),
      });
    }
  }
}

const LOCAL_FLAGS = ["allowVirtualNetworkAccess", "allowForwardedTraffic", "allowGatewayTransit"] as const;
const REMOTE_FLAGS = ["allowVirtualNetworkAccess", "allowForwardedTraffic", "useRemoteGateways"] as const;

function checkPeering(facts: IntegrationFacts, local: PeeringInfo, remote: VnetInfo | undefined, remoteError: string | undefined): DiagnosisCheck {
  const { plan, vnet } = facts;
  const remoteName = remote?.name ?? local.remoteVnetId.slice(local.remoteVnetId.lastIndexOf("/") + 1);
  const title = `The peering between ${vnet.name} and ${remoteName} lets the gateway through`;
  const change: ChangeRequest = { kind: "peer", planId: plan.id, vnetId: vnet.id, remoteVnetId: local.remoteVnetId };
  const problems: string[] = [];
  if (local.peeringState !== "Connected") problems.push(`${vnet.name}'s peering ${local.name} is ${local.peeringState}`);
  const missingLocal = LOCAL_FLAGS.filter((flag) => !local[flag]);
  if (missingLocal.length > 0) problems.push(`${vnet.name}'s peering ${local.name} lacks ${missingLocal.join(", ")}`);
  const back = remote?.peerings.find((p) => sameId(p.remoteVnetId, vnet.id));
  if (remote && !back) problems.push(`${remote.name} has no peering back to ${vnet.name}`);
  if (remote && back) {
    const missingRemote = REMOTE_FLAGS.filter((flag) => !back[flag]);
    if (missingRemote.length > 0) problems.push(`${remote.name}'s peering ${back.name} lacks ${missingRemote.join(", ")}`);
  }
  const fix = `Configure the peering: ${vnet.name} allows access, forwarded traffic and gateway transit; ${remoteName} allows access and forwarded traffic and uses the remote gateway.`;
  if (problems.length > 0) return check("peering", "fail", title, `${problems.join("; ")}.`, { fix, change });
  if (!remote) return check("peering", "warn", title, `${vnet.name}'s side is right; ${remoteName}'s side could not be read: ${remoteError ?? "unknown error"}`, { fix: `Check that ${remoteName}'s peering allows access and forwarded traffic and uses the remote gateway.` });
  return check("peering", "pass", title, `${vnet.name} allows gateway transit and ${remoteName} uses the remote gateway; both sides are Connected and allow forwarded traffic.`);
}

function checkNsg(facts: IntegrationFacts, target: TargetFacts, port: number): DiagnosisCheck {
  const pool = facts.gateway?.addressPool ?? [];
  const { ip, subnet, subnetVnet, nsg } = target;
  const title = `NSG rules let the P2S pool reach ${ip}:${port}`;
  if (!subnet) return check("nsg", "warn", title, `No subnet of ${subnetVnet?.name ?? facts.vnet.name} holds ${ip}.`, { fix: "Check the address: nothing can listen outside a subnet." });
  if (!nsg) return check("nsg", "pass", title, `Subnet ${subnet.name} has no NSG.`);
  if (pool.length === 0) return check("nsg", "warn", title, "The gateway has no P2S pool to evaluate the rules for.", { fix: undefined });
  const verdict = evaluateInbound(nsg, { sourcePool: pool, destinationIp: ip, port });
  if (verdict.allowed) {
    const names = verdict.allowingRules.map((rule) => rule.name).join(", ");
    return check("nsg", "pass", title, `NSG ${nsg.name} on subnet ${subnet.name} allows TCP ${port} from ${pool.join(", ")} (${names}).`);
  }
  const rule = verdict.blockingRule;
  const allowFix = `Add an inbound rule to ${nsg.name} that allows TCP ${port} from the whole pool ${pool.join(", ")} to ${ip}`;
  if (!rule) return check("nsg", "fail", title, `No rule of NSG ${nsg.name} allows ${verdict.blockedPart} to reach TCP ${port}.`, { fix: `${allowFix}.` });
  return check("nsg", "fail", title, `NSG ${nsg.name} on subnet ${subnet.name} denies TCP ${port} from ${verdict.blockedPart} with rule ${rule.name} (priority ${rule.priority}).`, {
    fix: `${allowFix} with a priority below ${rule.priority}, or narrow ${rule.name}. Workers take any address of the pool.`,
  });
}

function checkSiteToSite(facts: IntegrationFacts, target: TargetFacts): DiagnosisCheck {
  const pool = facts.gateway?.addressPool.join(", ") ?? "the P2S pool";
  const gatewayName = facts.gateway?.name ?? "the gateway";
  const connections = target.siteToSite ?? [];
  const title = `${gatewayName}'s site-to-site VPN carries traffic to ${target.ip}`;
  const reminder = `The on-premises VPN device must route ${pool} back through the tunnel (BGP routes are not passed on to the app).`;
  if (connections.length === 0) {
    return check("site-to-site", "warn", title, `${gatewayName} has no site-to-site connections, so nothing carries ${target.ip} beyond ${facts.vnet.name}.`, { fix: `Connect ${gatewayName} to the network that holds ${target.ip}, or correct the plan route.` });
  }
  // "Unknown" is Azure not telling, not a tunnel down: only Connecting and NotConnected count as down.
  const isDown = (c: SiteToSite) => c.connectionStatus !== "Connected" && c.connectionStatus !== "Unknown";
  const down = connections.filter(isDown);
  const listing = connections.map((c) => `${c.name} ${c.connectionStatus}`).join(", ");
  if (down.length === connections.length) return check("site-to-site", "fail", title, `No site-to-site connection is up (${listing}).`, { fix: `Bring the tunnel back up (check the on-premises device and the shared key). ${reminder}` });
  const unknown = `Azure gives no status for ${connections.filter((c) => c.connectionStatus === "Unknown").map((c) => c.name).join(", ")}: see the connection's page in the portal, or the on-premises device.`;
  // Which tunnel carries the address is what its local network gateway announces (as the migration's route fates read
  // it); only where that is not known is every tunnel that is down a suspect.
  const announcing = connections.filter((c) => c.announces?.some((prefix) => prefixHolds(prefix, target.ip)));
  const announced = (c: SiteToSite) => `${c.name} (${c.connectionStatus}), whose local network announces ${c.announces!.find((prefix) => prefixHolds(prefix, target.ip))}`;
  const up = announcing.filter((c) => c.connectionStatus === "Connected");
  if (up.length > 0) return check("site-to-site", "pass", title, `${target.ip} is reached through ${up.map(announced).join(", ")}. ${reminder}`);
  if (announcing.length > 0 && announcing.every(isDown)) {
    return check("site-to-site", "fail", title, `${target.ip} is behind ${announcing.map(announced).join(", ")}, which is down.`, { fix: `Bring ${announcing.map((c) => c.name).join(", ")} back up (check the on-premises device and the shared key). ${reminder}` });
  }
  if (announcing.length > 0) return check("site-to-site", "warn", title, `${target.ip} is behind ${announcing.map(announced).join(", ")}.`, { fix: `${unknown} ${reminder}` });
  const allKnown = connections.every((c) => c.announces !== undefined);
  const bgp = connections.filter((c) => c.enableBgp && c.bgp);
  if (allKnown && bgp.length === 0) {
    return check("site-to-site", "warn", title, `No site-to-site connection's local network announces ${target.ip} (${listing}).`, { fix: `Add the range that holds ${target.ip} to the address space of the local network gateway of the tunnel that leads to it. ${reminder}` });
  }
  if (down.length > 0) return check("site-to-site", "warn", title, `Some site-to-site connections are down (${listing}).`, { fix: `If ${target.ip} is behind ${down.map((c) => c.name).join(", ")}, bring it back up. ${reminder}` });
  if (!connections.some((c) => c.connectionStatus === "Connected")) return check("site-to-site", "warn", title, `No site-to-site connection is known to be up (${listing}).`, { fix: `${unknown} ${reminder}` });
  return check("site-to-site", "pass", title, `${listing}. ${reminder}`);
}
