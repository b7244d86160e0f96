/** Peer the integration's VNet with another so the apps reach it through the gateway (azure-docs configure-gateway-required-vnet-integration.md, "Peering"). */
import { BotError, NothingToDo } from "../../../errors.ts";
import { describeRoute, formatRange, parseAddressRange, rangesOverlap, type AddressRange } from "../../address-range.ts";
import { assertEligible, checkVnetGateways } from "../../eligibility.ts";
import type { PeeringInfo, VnetInfo } from "../../model.ts";
import type { PeeringSettings } from "../../ports.ts";
import { nameOf, sameId } from "../../resource-id.ts";
import { resolvePlan, resolveVnet, type ResolveDeps } from "../../resolve.ts";
import type { CommandArgs } from "../../command.ts";
import { defineChangeKind } from "../change-kind.ts";
import { gatewayState, readGateways } from "../common.ts";
import { appsOnPlanVnet, requirePlanConnection } from "../../connections.ts";
import { isPlanOwn, routeAddStep, routeCovering, routeOverlappingPart, routesState } from "./route-add.ts";
import { targetKeyOf, type ExecutableStep, type PreparedChange } from "../runner.ts";
import type { ChangeDeps } from "../types.ts";
import { retirementWarning } from "../../format.ts";

/** Reads both VNets and the plan's connection; refuses overlapping address spaces and a remote VNet with its own gateway. */
export async function preparePeer(deps: ChangeDeps, request: { planId: string; vnetId: string; remoteVnetId: string }): Promise<PreparedChange> {
  const { reader } = deps;
  const [plan, local, remote] = await Promise.all([reader.getPlan(request.planId), reader.getVnet(request.vnetId), reader.getVnet(request.remoteVnetId)]);
  if (sameId(local.id, remote.id)) throw new BotError("usage", `A VNet cannot be peered with itself (${local.name}).`, { hint: "Name the other VNet to peer with." });
  const [connection, gateways, affectedApps] = await Promise.all([
    requirePlanConnection(reader, plan, local.name, local.id),
    readGateways(reader, local),
    appsOnPlanVnet(reader, plan.id, local.name),
  ]);
  assertEligible(checkVnetGateways(local.name, gateways), `peer ${local.name} with ${remote.name}`);
  if (remote.gatewayIds.length > 0) {
    throw new BotError("ineligible", `${remote.name} has its own gateway, so it cannot use ${local.name}'s gateway (useRemoteGateways).`, {
      hint: "Peer a VNet without a gateway, or connect the apps to that VNet's gateway instead.",
    });
  }
  // "Only one peering can have this flag set to true" (the peering schema's useRemoteGateways): a VNet that already
  // uses another VNet's gateway would have the second peering refused half-way through this change.
  const otherTransit = remote.peerings.find((p) => p.useRemoteGateways && !sameId(p.remoteVnetId, local.id));
  if (otherTransit) {
    throw new BotError("ineligible", `${remote.name} already uses ${nameOf(otherTransit.remoteVnetId)}'s gateway (peering ${otherTransit.name} has useRemoteGateways), and Azure lets a VNet use one remote gateway only.`, {
      hint: `The apps can reach ${remote.name} through the gateway it uses: ${nameOf(otherTransit.remoteVnetId)}'s, with a plan route for it there. Turning off "Use remote gateway" on ${otherTransit.name} instead would cut ${remote.name} off from what it reaches through that gateway.`,
    });
  }
  const remoteRanges = ipv4Only(remote.addressSpace).map((prefix) => parseAddressRange(prefix));
  const clash = findOverlap(local, remoteRanges);
  if (clash) throw new BotError("conflict", `${local.name} and ${remote.name} overlap (${clash}); overlapping VNets cannot be peered.`, { hint: "Change one VNet's address space first." });
  assertNotDisconnected(local, remote);
  assertNotDisconnected(remote, local);
  const localName = `${local.name}-to-${remote.name}`;
  const remoteName = `${remote.name}-to-${local.name}`;
  const localSettings: PeeringSettings = { remoteVnetId: remote.id, allowVirtualNetworkAccess: true, allowForwardedTraffic: true, allowGatewayTransit: true, useRemoteGateways: false };
  const remoteSettings: PeeringSettings = { remoteVnetId: local.id, allowVirtualNetworkAccess: true, allowForwardedTraffic: true, allowGatewayTransit: false, useRemoteGateways: true };
  // Only what is missing goes to approval: a peering already set up, or a route already there, is no step; with
  // nothing missing there is nothing to approve (a request would hold the plan and VNet until it expired).
  const setUp = (vnet: VnetInfo, settings: PeeringSettings) => vnet.peerings.find((p) => sameId(p.remoteVnetId, settings.remoteVnetId) && hasSettings(p, settings));
  const [localDone, remoteDone] = [setUp(local, localSettings), setUp(remote, remoteSettings)];
  // A wider route already sends the range into the VNet; one that takes only part of it would clash with the route
  // this would add (route add refuses overlapping routes), so it is said before approval.
  const missingRanges = remoteRanges.filter((range) => routeCovering(connection.routes, range) === undefined);
  for (const range of missingRanges) {
    const partial = routeOverlappingPart(connection.routes, range);
    if (partial) {
      // Removing the narrow route first leaves its range out of the VNet until the peering's route is in: said.
      const hint = isPlanOwn(partial)
        ? `Remove ${partial.name} first (/vnet route remove ${plan.name} ${connection.name} ${partial.name}), then peer again: the peering routes all of ${formatRange(range)}. Between the two, ${describeRoute(partial)} no longer goes into ${connection.name}.`
        : `${partial.name} is Azure's (${partial.routeType}), not one added to the plan, so it cannot be removed, and a route for all of ${formatRange(range)} would overlap it: peer a VNet whose range it does not cut into.`;
      throw new BotError("conflict", `Route ${partial.name} (${describeRoute(partial)}) of ${plan.name} on ${connection.name} takes part of ${remote.name}'s ${formatRange(range)}, and the route for all of it would overlap it.`, { hint });
    }
  }
  if (localDone && remoteDone && missingRanges.length === 0) {
    throw new NothingToDo(`${local.name} and ${remote.name} are peered already for ${plan.name} (${localDone.name} and ${remoteDone.name}, gateway transit on), and the plan routes ${ipv4Only(remote.addressSpace).join(", ")} into ${local.name}: there is nothing to do.`, {
      hint: `/vnet diagnose APP HOST checks the path to a host in ${remote.name}.`,
    });
  }
  return {
    title: `Peer ${local.name} with ${remote.name} for ${plan.name}`,
    targetKey: targetKeyOf(plan.id, local.name),
    affectedApps,
    restartingApps: [],
    outage: undefined,
    warnings: [
      `The apps of ${plan.name} will reach ${remote.addressSpace.join(", ")} through ${local.name}'s gateway; NSGs in ${remote.name} must allow the point-to-site pool.`,
      retirementWarning(deps.clock.now()),
    ],
    state: {
      local: { id: local.id.toLowerCase(), addressSpace: local.addressSpace, peerings: local.peerings.map(peeringState).sort() },
      remote: { id: remote.id.toLowerCase(), addressSpace: remote.addressSpace, gatewayIds: remote.gatewayIds, peerings: remote.peerings.map(peeringState).sort() },
      gateways: gateways.map(gatewayState),
      routes: routesState(connection.routes),
    },
    steps: [
      ...(localDone ? [] : [peeringStep(deps, local, localName, localSettings, "allow access, forwarded traffic and gateway transit")]),
      ...(remoteDone ? [] : [peeringStep(deps, remote, remoteName, remoteSettings, "allow access and forwarded traffic, use the remote gateway")]),
      ...missingRanges.map((range) => routeAddStep(deps, plan.id, connection.name, range)),
    ],
    // Only what the steps write: a lock on a hub VNet whose peering is in place must not stop a route's addition.
    touches: [
      ...(localDone ? [] : [{ id: local.id, operation: "write" as const, what: `VNet ${local.name}` }]),
      ...(remoteDone ? [] : [{ id: remote.id, operation: "write" as const, what: `VNet ${remote.name}` }]),
      ...(missingRanges.length > 0 ? [{ id: plan.id, operation: "write" as const, what: `plan ${plan.name}` }] : []),
    ],
  };
}

/**
 * Runs a peering's read and write under one lock per pair of VNets, across replicas: /vnet peer and /vnet migrate peer
 * lock different targets, and a peering PUT replaces every flag, so a write between another's read and write would
 * drop what that one set.
 */
export function withPeeringLock<T>(deps: Pick<ChangeDeps, "locks">, a: string, b: string, work: (held: AbortSignal) => Promise<T>): Promise<T> {
  return deps.locks.withLock(`peering:${[a, b].map((id) => id.toLowerCase()).sort().join("|")}`, work);
}

function peeringStep(deps: ChangeDeps, vnet: VnetInfo, name: string, settings: PeeringSettings, what: string): ExecutableStep {
  const existing = vnet.peerings.find((peering) => sameId(peering.remoteVnetId, settings.remoteVnetId));
  return {
    id: `peering-${name}`,
    description: existing ? `Set peering ${existing.name} on ${vnet.name} to ${what}` : `Create peering ${name} on ${vnet.name} (${what})`,
    run: () => withPeeringLock(deps, vnet.id, settings.remoteVnetId, async (held) => {
      const current = (await deps.reader.getVnet(vnet.id)).peerings.find((peering) => sameId(peering.remoteVnetId, settings.remoteVnetId));
      if (current && hasSettings(current, settings)) return { status: "skipped", detail: `peering ${current.name} is already set up` };
      // An existing peering to the same VNet keeps its name: ARM refuses a second peering to one remote VNet.
      held.throwIfAborted();
      const receipt = await deps.writer.putPeering(vnet.id, current?.name ?? name, settings);
      return { status: "done" as const, requestIds: receipt.requestIds };
    }),
  };
}

/**
 * A Disconnected peering (its other side was deleted) cannot be repaired in place: Azure needs it deleted and created
 * again, and vnetbot deletes no peerings. Say so before anything runs rather than "fix" flags that change nothing.
 */
export function assertNotDisconnected(vnet: VnetInfo, other: VnetInfo): void {
  const stale = vnet.peerings.find((peering) => sameId(peering.remoteVnetId, other.id) && peering.peeringState.toLowerCase() === "disconnected");
  if (!stale) return;
  throw new BotError("conflict", `Peering ${stale.name} on ${vnet.name} is Disconnected: its other side was removed, and Azure cannot reconnect it in place.`, {
    hint: `Delete peering ${stale.name} from ${vnet.name} in Azure (portal or az network vnet peering delete), then run this again.`,
  });
}

function hasSettings(peering: PeeringInfo, settings: PeeringSettings): boolean {
  return (
    peering.allowVirtualNetworkAccess === settings.allowVirtualNetworkAccess &&
    peering.allowForwardedTraffic === settings.allowForwardedTraffic &&
    peering.allowGatewayTransit === settings.allowGatewayTransit &&
    peering.useRemoteGateways === settings.useRemoteGateways
  );
}

/** A peering's name, remote VNet and flags, for a change's fingerprint. */
export function peeringState(peering: PeeringInfo): string {
  const flags = [peering.allowVirtualNetworkAccess, peering.allowForwardedTraffic, peering.allowGatewayTransit, peering.useRemoteGateways].map(Number).join("");
  return `${peering.name}|${peering.remoteVnetId}|${flags}`.toLowerCase();
}

/** Plan routes and the P2S tunnel are IPv4: a dual-stack VNet's IPv6 prefixes play no part. */
function ipv4Only(prefixes: readonly string[]): string[] {
  return prefixes.filter((prefix) => !prefix.includes(":"));
}

function findOverlap(local: VnetInfo, remoteRanges: AddressRange[]): string | undefined {
  for (const prefix of ipv4Only(local.addressSpace)) {
    const range = parseAddressRange(prefix);
    const hit = remoteRanges.find((other) => rangesOverlap(range, other));
    if (hit) return `${formatRange(range)} and ${formatRange(hit)}`;
  }
  return undefined;
}

/** PLAN, VNET and the other VNet of a peering command, resolved side by side. */
export async function resolvePeeringArgs(deps: ResolveDeps, args: CommandArgs, other: string): Promise<{ planId: string; vnetId: string; otherVnetId: string }> {
  const [plan, vnet, remote] = await Promise.all([resolvePlan(deps, args.ref("PLAN")), resolveVnet(deps, args.ref("VNET")), resolveVnet(deps, args.ref(other))]);
  return { planId: plan.id, vnetId: vnet.id, otherVnetId: remote.id };
}

/** Peer a remote VNet with the integration's VNet, so the plan's apps reach it through the gateway. */
export const peer = defineChangeKind<{ kind: "peer"; planId: string; vnetId: string; remoteVnetId: string }>({
  kind: "peer",
  command: {
    name: "peer",
    summary: "Peer a remote VNet so the plan's apps reach it through the gateway (approval)",
    params: [{ name: "PLAN", kind: "plan" }, { name: "VNET", kind: "vnet" }, { name: "REMOTE-VNET", kind: "vnet" }],
  },
  async parse(deps, args) {
    const { planId, vnetId, otherVnetId } = await resolvePeeringArgs(deps, args, "REMOTE-VNET");
    return { kind: "peer", planId, vnetId, remoteVnetId: otherVnetId };
  },
  prepare: preparePeer,
  commandText: (request) => `peer ${nameOf(request.planId)} ${nameOf(request.vnetId)} ${nameOf(request.remoteVnetId)}`,
  operations: ["listPlans", "getPlan", "listVnets", "getVnet", "listPlanVnetConnections", "getGateway", "listPlanApps", "listSlots", "listAppVnetConnections", "putPeering", "putPlanRoute"],
});
