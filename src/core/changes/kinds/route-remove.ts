/** Remove a plan-level route, named by its route name or by its range. */
import { BotError, NothingToDo } from "../../../errors.ts";
import { describeRoute, parseAddressRange, readRoute, type AddressRange } from "../../address-range.ts";
import type { PlanRoute } from "../../model.ts";
import { appsOnPlanVnet, findPlanConnection, resolvePlanVnet, planVnetText, requirePlanConnection, sameName, type PlanVnet } from "../../connections.ts";
import { defineChangeKind } from "../change-kind.ts";
import { isPlanOwn, routesState, vnetPrefixHolding } from "./route-add.ts";
import { targetKeyOf, type PreparedChange } from "../runner.ts";
import type { ChangeDeps } from "../types.ts";
import { retirementWarning } from "../../format.ts";

/** Finds the route; one that is already gone makes a plan whose step is skipped. */
export async function prepareRouteRemove(deps: ChangeDeps, request: PlanVnet & { routeName: string }): Promise<PreparedChange> {
  const plan = await deps.reader.getPlan(request.planId);
  const connection = await requirePlanConnection(deps.reader, plan, request.vnetName, request.vnetId);
  const route = findRoute(connection.routes, request.routeName);
  if (route && !isPlanOwn(route)) {
    throw new BotError("usage", `Route ${route.name} (${describeRoute(route)}) comes from the VNet's address space; only routes added to the plan can be removed.`, {
      hint: "Remove a STATIC route instead; /vnet show lists them.",
    });
  }
  // Nothing to approve: a request that writes nothing would still hold the plan and VNet until it expired.
  if (!route) throw new NothingToDo(`${plan.name} has no route "${request.routeName}" on ${connection.name}: there is nothing to do.`, { hint: `/vnet routes ${plan.name} ${connection.name} lists the plan's routes.` });
  const shown = route.name;
  const range = readRoute(route);
  const inside = range ? await vnetPrefixHolding(deps.reader, connection.vnetId, range) : undefined;
  return {
    title: `Remove route ${shown} from ${plan.name} on ${connection.name}`,
    targetKey: targetKeyOf(plan.id, connection.name),
    affectedApps: await appsOnPlanVnet(deps.reader, plan.id, connection.name),
    restartingApps: [],
    outage: inside ? undefined : `Traffic for ${describeRoute(route).split(",")[0]} stops going into ${connection.name}.`,
    warnings: [
      ...(inside ? [`${describeRoute(route).split(",")[0]} is inside ${connection.name}'s address space (${inside}): the apps still reach it through the gateway without the route.`] : []),
      retirementWarning(deps.clock.now()),
    ],
    state: { plan: plan.id.toLowerCase(), vnet: connection.name.toLowerCase(), routes: routesState(connection.routes) },
    steps: [
      {
        id: "route-remove",
        description: `Remove route ${shown} on ${connection.name}`,
        run: async () => {
          const current = await findPlanConnection(deps.reader, plan.id, connection.name);
          const stillThere = current ? findRoute(current.routes, request.routeName) : undefined;
          if (!stillThere) return { status: "skipped", detail: "the route is already gone" };
          const receipt = await deps.writer.deletePlanRoute(plan.id, connection.name, stillThere.name);
          return { status: "done", requestIds: receipt.requestIds };
        },
      },
    ],
    touches: [{ id: plan.id, operation: "delete", what: `plan ${plan.name}` }],
  };
}

/** The route with that name, or else the one covering exactly that range. */
export function findRoute(routes: readonly PlanRoute[], nameOrRange: string): PlanRoute | undefined {
  const byName = routes.find((route) => sameName(route.name, nameOrRange.trim()));
  if (byName) return byName;
  const range = tryParse(nameOrRange);
  if (!range) return undefined;
  return routes.find((route) => {
    const stored = readRoute(route);
    return stored !== undefined && stored.start === range.start && stored.end === range.end;
  });
}

function tryParse(text: string): AddressRange | undefined {
  try {
    return parseAddressRange(text);
  } catch {
    return undefined;
  }
}

/** Remove a plan route, by name or range. */
export const routeRemove = defineChangeKind<{ kind: "route-remove"; routeName: string } & PlanVnet>({
  kind: "route-remove",
  command: {
    name: "route remove",
    summary: "Remove a plan route, by name or range (approval)",
    params: [{ name: "PLAN", kind: "plan" }, { name: "VNET", kind: "vnet" }, { name: "ROUTE", kind: "route" }],
  },
  parse: async (deps, args) => ({ kind: "route-remove", ...(await resolvePlanVnet(deps, args)).target, routeName: args.text("ROUTE") }),
  prepare: prepareRouteRemove,
  commandText: (request) => `route remove ${planVnetText(request)} ${request.routeName}`,
  operations: ["listPlans", "getPlan", "listVnets", "listPlanVnetConnections", "getVnet", "listPlanApps", "listSlots", "listAppVnetConnections", "deletePlanRoute"],
});
