/** Add a plan-level route: traffic for the range goes into the VNet. */
import { BotError, isBotError, NothingToDo } from "../../../errors.ts";
import { describeRoute, formatRange, parseAddressRange, rangeContains, rangesOverlap, readRoute, routeAddresses, routeNameFor, type AddressRange } from "../../address-range.ts";
import type { PlanRoute, VnetInfo } from "../../model.ts";
import type { AzureReader } from "../../ports.ts";
import { appsOnPlanVnet, findPlanConnection, resolvePlanVnet, planVnetText, requirePlanConnection, type PlanVnet } from "../../connections.ts";
import { defineChangeKind } from "../change-kind.ts";
import { targetKeyOf, type ExecutableStep, type PreparedChange } from "../runner.ts";
import type { ChangeDeps } from "../types.ts";
import { retirementWarning } from "../../format.ts";

/** Parses the range and refuses one that overlaps a route of the same plan and VNet. */
export async function prepareRouteAdd(deps: ChangeDeps, request: PlanVnet & { range: string }): Promise<PreparedChange> {
  const range = parseAddressRange(request.range);
  const plan = await deps.reader.getPlan(request.planId);
  const connection = await requirePlanConnection(deps.reader, plan, request.vnetName, request.vnetId);
  const existing = connection.routes.find((route) => sameRange(route, range));
  const clash = connection.routes.find((route) => !sameRange(route, range) && overlaps(route, range));
  if (clash) {
    throw new BotError("conflict", `${formatRange(range)} overlaps route ${clash.name} (${describeRoute(clash)}) of ${plan.name} on ${connection.name}.`, {
      hint: `Pick a range that does not overlap, or remove ${clash.name} first (/vnet route remove).`,
    });
  }
  // Nothing to approve: a request that writes nothing would still hold the plan and VNet until it expired.
  if (existing) {
    throw new NothingToDo(`Route ${existing.name} already sends ${formatRange(range)} into ${connection.name}: there is nothing to do.`, { hint: `/vnet routes ${plan.name} ${connection.name} lists the plan's routes.` });
  }
  const inside = await vnetPrefixHolding(deps.reader, connection.vnetId, range);
  if (inside) {
    throw new NothingToDo(`${formatRange(range)} is inside ${connection.name}'s address space (${inside}), which the apps reach through the gateway without a route: there is nothing to do.`, {
      hint: "A plan route is for ranges beyond the VNet: peered VNets and on-premises networks.",
    });
  }
  const onVnet = await appsOnPlanVnet(deps.reader, plan.id, connection.name);
  return {
    title: `Route ${formatRange(range)} from ${plan.name} into ${connection.name}`,
    targetKey: targetKeyOf(plan.id, connection.name),
    affectedApps: onVnet,
    restartingApps: [],
    outage: undefined,
    warnings: [
      `Outbound traffic from the apps of ${plan.name} to ${formatRange(range)} will go into ${connection.name}; make sure the VNet can reach it.`,
      retirementWarning(deps.clock.now()),
    ],
    state: { plan: plan.id.toLowerCase(), vnet: connection.name.toLowerCase(), routes: routesState(connection.routes) },
    steps: [routeAddStep(deps, plan.id, connection.name, range)],
    touches: [{ id: plan.id, operation: "write", what: `plan ${plan.name}` }],
  };
}

/**
 * The VNet's own prefix that holds all of the range, if one does. A point-to-site client gets routes for the address
 * space of the VNet it connects to (azure-docs vpn-gateway-about-point-to-site-routing.md), which is also why the plan's
 * non-STATIC routes come from that space. A classic VNet, which Network cannot read, holds none that vnetbot can tell.
 */
export async function vnetPrefixHolding(reader: Pick<AzureReader, "getVnet">, vnetId: string, range: AddressRange): Promise<string | undefined> {
  let vnet: VnetInfo;
  try {
    vnet = await reader.getVnet(vnetId);
  } catch (error) {
    if (isBotError(error)) return undefined;
    throw error;
  }
  return vnet.addressSpace.filter((prefix) => !prefix.includes(":")).find((prefix) => rangeContains(parseAddressRange(prefix), range));
}

/** Adds a route for the range unless the plan already has one for exactly that range. */
export function routeAddStep(deps: ChangeDeps, planId: string, vnetName: string, range: AddressRange): ExecutableStep {
  const name = routeNameFor(range);
  return {
    id: `route-add-${name}`,
    description: `Add route ${name} (${formatRange(range)}) on ${vnetName}`,
    run: async () => {
      const connection = await findPlanConnection(deps.reader, planId, vnetName);
      const existing = connection?.routes.find((route) => sameRange(route, range));
      if (existing) return { status: "skipped", detail: `route ${existing.name} already covers it` };
      const route: PlanRoute = { name, ...routeAddresses(range), routeType: "STATIC" };
      const receipt = await deps.writer.putPlanRoute(planId, vnetName, route);
      return { status: "done", requestIds: receipt.requestIds };
    },
  };
}

/** The routes a route change depends on (for the fingerprint). */
export function routesState(routes: readonly PlanRoute[]): unknown {
  return routes.map((route) => `${route.name}|${route.startAddress}|${route.endAddress ?? ""}|${route.routeType}`.toLowerCase()).sort();
}

/** True when one of the routes sends exactly this range (the one routeAddStep would add). */
/**
 * The plan's own route (STATIC: one added to the plan) that already sends all of the range into the VNet: the same
 * range, or a wider one. Azure's DEFAULT and INHERITED routes come and go with the VNet and a resync, so they are not
 * counted on.
 */
export function routeCovering(routes: readonly PlanRoute[], range: AddressRange): PlanRoute | undefined {
  return routes.find((route) => isPlanOwn(route) && covers(route, range));
}

function covers(route: PlanRoute, range: AddressRange): boolean {
  const stored = readRoute(route);
  return stored !== undefined && stored.start <= range.start && range.end <= stored.end;
}

/** Whether the route is one added to the plan (which /vnet route remove can remove), not Azure's own. */
export function isPlanOwn(route: PlanRoute): boolean {
  return route.routeType.toUpperCase() === "STATIC";
}

/** A route that takes part of the range but not all of it: a route for the range would overlap it, which route add refuses. */
export function routeOverlappingPart(routes: readonly PlanRoute[], range: AddressRange): PlanRoute | undefined {
  return routes.find((route) => overlaps(route, range) && !covers(route, range));
}

function sameRange(route: PlanRoute, range: AddressRange): boolean {
  const stored = readRoute(route);
  return stored !== undefined && stored.start === range.start && stored.end === range.end;
}

function overlaps(route: PlanRoute, range: AddressRange): boolean {
  const stored = readRoute(route);
  return stored !== undefined && rangesOverlap(stored, range);
}

/** Add a plan route for an address range. */
export const routeAdd = defineChangeKind<{ kind: "route-add"; range: string } & PlanVnet>({
  kind: "route-add",
  command: {
    name: "route add",
    summary: "Add a plan route for an address range (approval)",
    params: [{ name: "PLAN", kind: "plan" }, { name: "VNET", kind: "vnet" }, { name: "RANGE", kind: "range" }],
    valueNames: { RANGE: "CIDR|START-END" },
  },
  // The range is kept as the parser understood it, written the way the plan route will be.
  parse: async (deps, args) => ({ kind: "route-add", ...(await resolvePlanVnet(deps, args)).target, range: formatRange(args.range("RANGE")) }),
  prepare: prepareRouteAdd,
  commandText: (request) => `route add ${planVnetText(request)} ${request.range}`,
  operations: ["listPlans", "getPlan", "listVnets", "listPlanVnetConnections", "getVnet", "listPlanApps", "listSlots", "listAppVnetConnections", "putPlanRoute"],
});
