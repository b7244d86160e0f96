/**
 * Peer a plan's gateway VNet with the VNet of the subnet its apps are to share (/vnet migration's "Shares a subnet of
 * its plan"): from regional integration in another VNet, apps reach their old VNet only through a peering that is
 * Connected and allows VNet access on both sides (migration.md, "Cross-region VNet"; network-changes.ts
 * leftVnetReach). No gateway transit and no forwarded traffic: the apps reach the VNet itself, not what lies beyond it.
 * An existing peering keeps its name and flags; only VNet access is turned on where it is off.
 */
import { BotError, NothingToDo } from "../../../errors.ts";
import { appsOnPlanVnet, sameName } from "../../connections.ts";
import { sameRegion } from "../../migration/regional-rules.ts";
import { isCurrentMove } from "../../migration/migration-records.ts";
import { overlappingPrefixes, usable } from "../../migration/network-changes.ts";
import type { PeeringInfo, PlanInfo, VnetInfo } from "../../model.ts";
import type { PeeringSettings } from "../../ports.ts";
import { nameOf, sameId } from "../../resource-id.ts";
import { defineChangeKind } from "../change-kind.ts";
import type { ExecutableStep, PreparedChange } from "../runner.ts";
import type { ChangeDeps } from "../types.ts";
import { assertNotDisconnected, peeringState, resolvePeeringArgs, withPeeringLock } from "./peer.ts";

export interface MigratePeerRequest {
  kind: "migrate-peer";
  planId: string;
  /** The plan's gateway VNet, which its apps leave. */
  vnetId: string;
  /** The VNet of the subnet they are to share. */
  hubVnetId: string;
}

async function prepareMigratePeer(deps: ChangeDeps, request: MigratePeerRequest): Promise<PreparedChange> {
  const { reader } = deps;
  const [plan, vnet, hub] = await Promise.all([reader.getPlan(request.planId), reader.getVnet(request.vnetId), reader.getVnet(request.hubVnetId)]);
  if (sameId(vnet.id, hub.id)) throw new BotError("usage", `A VNet cannot be peered with itself (${vnet.name}).`, { hint: "Name the VNet of the subnet the plan's apps are to share." });
  const overlap = overlappingPrefixes(vnet.addressSpace, hub.addressSpace);
  if (overlap.length > 0) {
    throw new BotError("conflict", `${vnet.name} and ${hub.name} overlap (${overlap.join(", ")}); overlapping VNets cannot be peered, so apps in ${hub.name} cannot reach ${vnet.name}.`, {
      hint: `Change one VNet's address space, or give ${vnet.name}'s apps a subnet of their own: /vnet migration --plan ${plan.name} says which.`,
    });
  }
  assertNoPeerOverlaps(vnet, hub);
  assertNoPeerOverlaps(hub, vnet);
  assertNotDisconnected(vnet, hub);
  assertNotDisconnected(hub, vnet);
  // Both VNets were read whole: a side that is missing here is missing in Azure, so each must be there and usable.
  const sides = [peeringTo(vnet, hub), peeringTo(hub, vnet)];
  if (sides.every((peering) => peering && usable(peering))) {
    throw new NothingToDo(`${vnet.name} and ${hub.name} are peered already (${sides[0]!.name}, Connected, VNet access on both sides): there is nothing to do.`, {
      hint: `/vnet migration --plan ${plan.name} says what comes next.`,
    });
  }
  const affectedApps = await appsOnPlanVnet(reader, plan.id, vnet.name);
  await assertPlanLeaves(deps, plan, vnet, affectedApps);
  if (!sameRegion(plan.location, hub.location)) {
    throw new BotError("ineligible", `${hub.name} is in ${hub.location} and plan ${plan.name} in ${plan.location}: regional integration needs a subnet in the plan's region, so its apps cannot share a subnet of ${hub.name}.`, {
      hint: `Peer ${vnet.name} with a VNet in ${plan.location} instead: /vnet migration --plan ${plan.name} proposes one.`,
    });
  }
  return {
    title: `Peer ${vnet.name} with ${hub.name} for ${plan.name}'s move to regional integration`,
    // The pair, not the plan's integration: the migration that needs this peering may be pending on that key, and
    // two plans asking for the same pair take turns.
    targetKey: `peering|${[vnet.id, hub.id].map((id) => id.toLowerCase()).sort().join("|")}`,
    affectedApps,
    restartingApps: [],
    outage: undefined,
    warnings: [
      `Once peered, ${vnet.name} (${vnet.addressSpace.join(", ")}) and ${hub.name} (${hub.addressSpace.join(", ")}) reach each other's addresses: NSGs in both still apply. Nothing restarts.`,
      ...(sameRegion(vnet.location, hub.location) ? [] : [`${vnet.name} is in ${vnet.location} and ${hub.name} in ${hub.location}: a global peering, whose traffic is billed at cross-region rates.`]),
    ],
    state: {
      vnet: { id: vnet.id.toLowerCase(), addressSpace: vnet.addressSpace, peerings: vnet.peerings.map(peeringState).sort() },
      hub: { id: hub.id.toLowerCase(), addressSpace: hub.addressSpace, peerings: hub.peerings.map(peeringState).sort() },
    },
    steps: [accessStep(deps, vnet, hub), accessStep(deps, hub, vnet)],
    // A side whose peering already allows VNet access is written only if it changed by the time the step runs.
    touches: [
      { id: vnet.id, operation: "write", what: `VNet ${vnet.name}`, ...(sides[0]?.allowVirtualNetworkAccess ? { maybe: true } : {}) },
      { id: hub.id, operation: "write", what: `VNet ${hub.name}`, ...(sides[1]?.allowVirtualNetworkAccess ? { maybe: true } : {}) },
    ],
  };
}

function peeringTo(vnet: VnetInfo, other: VnetInfo): PeeringInfo | undefined {
  return vnet.peerings.find((peering) => sameId(peering.remoteVnetId, other.id));
}

/**
 * The plan must be leaving the VNet: its apps connected to it through the gateway, or a migration of the plan off it
 * recorded (some apps moved already). A peering asked for any other plan is not this command's to make.
 */
async function assertPlanLeaves(deps: ChangeDeps, plan: PlanInfo, vnet: VnetInfo, appsOnVnet: readonly string[]): Promise<void> {
  if (appsOnVnet.length > 0) return;
  const records = await deps.migrations.list();
  if (records.some((r) => sameId(r.planId, plan.id) && sameName(r.vnetName, vnet.name) && isCurrentMove(r))) return;
  throw new BotError("ineligible", `No app of plan ${plan.name} uses ${vnet.name} through its gateway, and vnetbot has moved none off it, so there is no move for this peering to serve.`, {
    hint: `/vnet plan ${plan.name} shows its integrations; /vnet peer peers a VNet for gateway-required integration.`,
  });
}

/**
 * Azure refuses to peer two VNets when either is peered with a VNet that overlaps the other
 * (VnetAddressSpaceOverlapsWithAlreadyPeeredVnet: Azure/ResourceModules#731): said before approval, with the peering.
 */
function assertNoPeerOverlaps(side: VnetInfo, other: VnetInfo): void {
  for (const peering of side.peerings) {
    if (sameId(peering.remoteVnetId, other.id)) continue;
    const ranges = overlappingPrefixes(peering.remoteAddressSpace, other.addressSpace);
    if (ranges.length === 0) continue;
    throw new BotError("conflict", `${side.name} is peered with ${nameOf(peering.remoteVnetId)} (${peering.name}), which overlaps ${other.name} (${ranges.join(", ")}): Azure peers no VNet with two VNets whose address spaces overlap.`, {
      hint: `Share a subnet of another VNet, or give the apps a subnet of their own: /vnet migration --fresh says which.`,
    });
  }
}

/** This side's peering to the other with VNet access: created, or the existing one with access turned on. */
function accessStep(deps: ChangeDeps, vnet: VnetInfo, other: VnetInfo): ExecutableStep {
  const existing = peeringTo(vnet, other);
  const name = existing?.name ?? `${vnet.name}-to-${other.name}`;
  return {
    id: `peering-${vnet.id.toLowerCase()}-${other.id.toLowerCase()}`,
    description: !existing
      ? `Create peering ${name} on ${vnet.name} (VNet access; no gateway transit or forwarded traffic)`
      : existing.allowVirtualNetworkAccess
        ? `Keep ${vnet.name}'s peering ${name} with ${other.name}, which allows VNet access`
        : `Allow VNet access on ${vnet.name}'s peering ${name} with ${other.name}`,
    run: () =>
      withPeeringLock(deps, vnet.id, other.id, async (held) => {
        const current = peeringTo(await deps.reader.getVnet(vnet.id), other);
        if (current?.allowVirtualNetworkAccess) return { status: "skipped" as const, detail: `peering ${current.name} already allows VNet access` };
        // ARM refuses a second peering to one remote VNet: an existing one is updated in place, its other flags kept.
        held.throwIfAborted();
        const receipt = await deps.writer.putPeering(vnet.id, current?.name ?? name, settingsFor(other.id, current));
        return { status: "done" as const, requestIds: receipt.requestIds };
      }),
  };
}

function settingsFor(remoteVnetId: string, current: PeeringInfo | undefined): PeeringSettings {
  return {
    remoteVnetId,
    allowVirtualNetworkAccess: true,
    allowForwardedTraffic: current?.allowForwardedTraffic ?? false,
    allowGatewayTransit: current?.allowGatewayTransit ?? false,
    useRemoteGateways: current?.useRemoteGateways ?? false,
  };
}

/** Peer a plan's gateway VNet with the VNet whose subnet its apps are to share, before they move. */
export const migratePeer = defineChangeKind<MigratePeerRequest>({
  kind: "migrate-peer",
  command: {
    name: "migrate peer",
    summary: "Peer the plan's gateway VNet with the VNet of the subnet its apps are to share, so they still reach it after the move (approval; nothing restarts)",
    params: [{ name: "PLAN", kind: "plan" }, { name: "VNET", kind: "vnet" }, { name: "HUB-VNET", kind: "vnet" }],
  },
  async parse(deps, args) {
    const { planId, vnetId, otherVnetId } = await resolvePeeringArgs(deps, args, "HUB-VNET");
    return { kind: "migrate-peer", planId, vnetId, hubVnetId: otherVnetId };
  },
  prepare: prepareMigratePeer,
  commandText: (request) => `migrate peer ${nameOf(request.planId)} ${nameOf(request.vnetId)} ${nameOf(request.hubVnetId)}`,
  operations: ["listPlans", "getPlan", "listVnets", "getVnet", "listPlanApps", "listSlots", "listAppVnetConnections", "putPeering"],
});
