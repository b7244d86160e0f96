/** Microsoft.Web plan-level routes: the plan's VNets, its gateways/primary (sync), routes, sites, restartSites. */
import { notFound, ok, page, propertiesOf, route, SimError, type Route, type RouteContext } from "../http.ts";
import { applyPackage } from "../integration.ts";
import type { SimPlan, SimRoute } from "../state.ts";
import { connectionWire, planWire, regionalConnectionWire, routeWire, siteWire, vnetGatewayWire } from "../web-wire.ts";
import { planOf } from "./lookup.ts";

const PLAN = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Web/serverfarms/{plan}";
const CONNECTION = `${PLAN}/virtualNetworkConnections/{vnet}`;
const ROUTE = `${CONNECTION}/routes/{route}`;

/** The plan's connections to one VNet (one per app), across its apps. */
function planConnections(ctx: RouteContext, plan: SimPlan, vnetName: string) {
  return ctx.state
    .appsOf(plan.id)
    .flatMap((app) => ctx.state.connectionsOf(app.id))
    .filter((c) => c.vnetName.toLowerCase() === vnetName.toLowerCase());
}

function planConnectionWire(ctx: RouteContext, plan: SimPlan, vnetName: string): unknown {
  const connections = planConnections(ctx, plan, vnetName);
  const first = connections[0];
  if (!first) throw new SimError(404, "NotFound", `The App Service plan ${plan.name} has no virtual network connection named ${vnetName}.`);
  const resync = connections.some((c) => ctx.state.isResyncRequired(plan.id, c));
  return connectionWire(ctx.state, plan.id, plan.id, first, resync);
}

function hasVnet(ctx: RouteContext, plan: SimPlan, vnetName: string): boolean {
  return planConnections(ctx, plan, vnetName).length > 0 || ctx.state.routesOf(plan.id, vnetName).length > 0;
}

function routeFromBody(ctx: RouteContext, name: string, previous: SimRoute | undefined): SimRoute {
  const props = propertiesOf(ctx.body);
  const startAddress = typeof props["startAddress"] === "string" ? props["startAddress"] : previous?.startAddress;
  if (!startAddress) throw new SimError(400, "BadRequest", "properties.startAddress is required: give a CIDR range (e.g. 10.20.0.0/16) or a start address.");
  const endAddress = typeof props["endAddress"] === "string" && props["endAddress"] !== "" ? props["endAddress"] : startAddress.includes("/") ? undefined : previous?.endAddress;
  if (!startAddress.includes("/") && !endAddress) throw new SimError(400, "BadRequest", "properties.endAddress is required when startAddress is not in CIDR notation.");
  const routeType = typeof props["routeType"] === "string" ? props["routeType"] : (previous?.routeType ?? "STATIC");
  return { name, startAddress, endAddress, routeType };
}

const putRoute = (ctx: RouteContext) => {
  const plan = planOf(ctx);
  const vnet = ctx.params["vnet"]!;
  const list = ctx.state.routesOf(plan.id, vnet);
  const index = list.findIndex((r) => r.name.toLowerCase() === ctx.params["route"]!.toLowerCase());
  if (ctx.method === "PATCH" && index < 0) throw new SimError(404, "NotFound", `The plan ${plan.name} has no route ${ctx.params["route"]} for ${vnet}.`);
  const next = routeFromBody(ctx, ctx.params["route"]!, list[index]);
  if (index < 0) list.push(next);
  else list[index] = next;
  return ok(routeWire(plan.id, vnet, next));
};

export const planRoutes: Route[] = [
  route("GET", PLAN, (ctx) => ok(planWire(ctx.state, planOf(ctx)))),
  // The plan's production apps; whether ARM lists slots here too is not documented, and the bot reads slots per app.
  route("GET", `${PLAN}/sites`, (ctx) => {
    const sites = ctx.state.appsOf(planOf(ctx).id).filter((a) => a.slotOf === undefined || ctx.state.options.planSiteListIncludesSlots);
    return page(ctx, sites.map((a) => siteWire(ctx.state, a, { inList: true })));
  }),
  route("POST", `${PLAN}/restartSites`, (ctx) => {
    for (const app of ctx.state.appsOf(planOf(ctx).id)) app.restarts += 1;
    return { status: 204 };
  }),
  route("GET", `${PLAN}/virtualNetworkConnections`, (ctx) => {
    const plan = planOf(ctx);
    const gatewayRequired = ctx.state.planVnetIds(plan.id).map((id) => planConnectionWire(ctx, plan, id.split("/").pop()!));
    if (ctx.state.options.planRegionalEntries === "none") return ok(gatewayRequired);
    // One entry per subnet the plan's apps integrate with regionally.
    const bySubnet = new Map(ctx.state.appsOf(plan.id).filter((a) => a.regionalSubnetId).map((a) => [a.regionalSubnetId!.toLowerCase(), a]));
    return ok([...gatewayRequired, ...[...bySubnet.values()].map((app) => regionalConnectionWire(ctx.state, app, plan))]);
  }),
  route("GET", CONNECTION, (ctx) => ok(planConnectionWire(ctx, planOf(ctx), ctx.params["vnet"]!))),
  route("GET", `${CONNECTION}/gateways/{gateway}`, (ctx) => {
    const plan = planOf(ctx);
    planConnectionWire(ctx, plan, ctx.params["vnet"]!);
    return ok(vnetGatewayWire(plan.id, ctx.params["vnet"]!));
  }),
  route("PUT", `${CONNECTION}/gateways/{gateway}`, (ctx) => {
    const plan = planOf(ctx);
    if (ctx.params["gateway"]!.toLowerCase() !== "primary") throw new SimError(400, "BadRequest", 'The only supported gateway name is "primary".');
    const connections = planConnections(ctx, plan, ctx.params["vnet"]!);
    if (connections.length === 0) throw new SimError(404, "NotFound", `The App Service plan ${plan.name} has no virtual network connection named ${ctx.params["vnet"]}.`);
    const packageUri = (propertiesOf(ctx.body)["vpnPackageUri"] as string | undefined) ?? undefined;
    // What this PUT reaches is not documented: with syncScope "app" it is accepted and changes no app.
    applyPackage(ctx.state, ctx.state.options.syncScope === "plan" ? connections : [], typeof packageUri === "string" ? packageUri : undefined);
    return ok(vnetGatewayWire(plan.id, connections[0]!.vnetName));
  }),
  route("GET", `${CONNECTION}/routes`, (ctx) => {
    const plan = planOf(ctx);
    const vnet = ctx.params["vnet"]!;
    if (!hasVnet(ctx, plan, vnet)) throw new SimError(404, "NotFound", `The App Service plan ${plan.name} has no virtual network connection named ${vnet}.`);
    return ok(ctx.state.routesOf(plan.id, vnet).map((r) => routeWire(plan.id, vnet, r)));
  }),
  // ARM answers a single route as an array (getRouteForVnet's wire shape).
  route("GET", ROUTE, (ctx) => {
    const plan = planOf(ctx);
    const vnet = ctx.params["vnet"]!;
    const found = ctx.state.routesOf(plan.id, vnet).find((r) => r.name.toLowerCase() === ctx.params["route"]!.toLowerCase());
    if (!found) throw notFound("Microsoft.Web/serverfarms/virtualNetworkConnections/routes", ctx.params["route"]!, ctx.params["rg"]);
    return ok([routeWire(plan.id, vnet, found)]);
  }),
  route("PUT", ROUTE, putRoute),
  route("PATCH", ROUTE, putRoute),
  route("DELETE", ROUTE, (ctx) => {
    const plan = planOf(ctx);
    const list = ctx.state.routesOf(plan.id, ctx.params["vnet"]!);
    const index = list.findIndex((r) => r.name.toLowerCase() === ctx.params["route"]!.toLowerCase());
    if (index < 0) throw notFound("Microsoft.Web/serverfarms/virtualNetworkConnections/routes", ctx.params["route"]!, ctx.params["rg"]);
    list.splice(index, 1);
    return { status: 200 };
  }),
];
