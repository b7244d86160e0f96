/** Microsoft.Web routes: plans, sites, config, restarts, and the VNet connection resources. */
import { ok, page, propertiesOf, route, SimError, type Route, type RouteContext } from "../http.ts";
import { applyPackage, connectApp, disconnectApp } from "../integration.ts";
import { integrateAppThroughSite } from "../regional.ts";
import type { SimApp } from "../state.ts";
import { appOf } from "./lookup.ts";
import { connectionWire, planWire, regionalConnectionWire, siteConfigWire, siteWire, vnetGatewayWire } from "../web-wire.ts";
import { planRoutes } from "./web-plan-routes.ts";
import { regionalRoutes } from "./web-regional.ts";
import { siteRoute, SITE } from "./site-route.ts";

const RG = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Web";

function connectionOf(ctx: RouteContext, app: SimApp) {
  const vnet = ctx.params["vnet"]!;
  const connection = ctx.state.connectionsOf(app.id).find((c) => c.vnetName.toLowerCase() === vnet.toLowerCase());
  if (!connection) throw new SimError(404, "NotFound", `The site ${app.name} has no virtual network connection named ${vnet}.`);
  return connection;
}

function appConnectionWire(ctx: RouteContext, app: SimApp, vnetName: string): unknown {
  const connection = connectionOf({ ...ctx, params: { ...ctx.params, vnet: vnetName } }, app);
  return connectionWire(ctx.state, app.id, app.planId, connection, ctx.state.isResyncRequired(app.planId, connection));
}

function vnetResourceIdOf(body: unknown): string | undefined {
  const props = (body as { properties?: { vnetResourceId?: unknown } } | undefined)?.properties;
  return typeof props?.vnetResourceId === "string" ? props.vnetResourceId : undefined;
}

function packageUriOf(body: unknown): string | undefined {
  const props = (body as { properties?: { vpnPackageUri?: unknown } } | undefined)?.properties;
  return typeof props?.vpnPackageUri === "string" ? props.vpnPackageUri : undefined;
}

const inSubscription = (ctx: RouteContext, item: { subscriptionId: string; resourceGroup: string }, byGroup: boolean) =>
  item.subscriptionId.toLowerCase() === ctx.params["sub"]!.toLowerCase() &&
  (!byGroup || item.resourceGroup.toLowerCase() === ctx.params["rg"]!.toLowerCase());

const putConnection = async (ctx: RouteContext) => {
  const app = appOf(ctx);
  await connectApp(ctx.state, app, ctx.params["vnet"]!, vnetResourceIdOf(ctx.body), ctx.now());
  return ok(appConnectionWire(ctx, app, ctx.params["vnet"]!));
};

const putAppGateway = (ctx: RouteContext) => {
  const app = appOf(ctx);
  if (ctx.params["gateway"]!.toLowerCase() !== "primary") throw new SimError(400, "BadRequest", 'The only supported gateway name is "primary".');
  const connection = connectionOf(ctx, app);
  applyPackage(ctx.state, [connection], packageUriOf(ctx.body));
  return ok(vnetGatewayWire(app.id, connection.vnetName));
};

/** Every Microsoft.Web route the simulator answers. */
export const webRoutes: Route[] = [
  route("GET", "/subscriptions/{sub}/providers/Microsoft.Web/serverfarms", (ctx) =>
    page(ctx, ctx.state.plans.values().filter((p) => inSubscription(ctx, p, false)).map((p) => planWire(ctx.state, p))),
  ),
  // Site lists hold production apps; slots are listed per app.
  route("GET", "/subscriptions/{sub}/providers/Microsoft.Web/sites", (ctx) =>
    page(ctx, ctx.state.productionApps().filter((a) => inSubscription(ctx, a, false)).map((a) => siteWire(ctx.state, a, { inList: true }))),
  ),
  route("GET", `${RG}/serverfarms`, (ctx) =>
    page(ctx, ctx.state.plans.values().filter((p) => inSubscription(ctx, p, true)).map((p) => planWire(ctx.state, p))),
  ),
  route("GET", `${RG}/sites`, (ctx) =>
    page(ctx, ctx.state.productionApps().filter((a) => inSubscription(ctx, a, true)).map((a) => siteWire(ctx.state, a, { inList: true }))),
  ),
  route("GET", `${SITE}/slots`, (ctx) => page(ctx, ctx.state.slotsOf(appOf(ctx).id).map((slot) => siteWire(ctx.state, slot, { inList: true })))),
  ...siteRoute("GET", "", (ctx) => ok(siteWire(ctx.state, appOf(ctx)))),
  // Only the regional integration subnet of a site PATCH is modelled (multi-plan subnet join, regional.ts).
  ...siteRoute("PATCH", "", (ctx) => {
    const app = appOf(ctx);
    const subnetId = propertiesOf(ctx.body)["virtualNetworkSubnetId"];
    if (typeof subnetId === "string" && subnetId !== "") integrateAppThroughSite(ctx.state, app, subnetId);
    return ok(siteWire(ctx.state, app));
  }),
  ...siteRoute("GET", "/config/web", (ctx) => ok(siteConfigWire(ctx.state, appOf(ctx)))),
  ...siteRoute("POST", "/restart", (ctx) => {
    appOf(ctx).restarts += 1;
    return { status: 200 };
  }),
  ...siteRoute("GET", "/virtualNetworkConnections", (ctx) => {
    const app = appOf(ctx);
    const list = ctx.state.connectionsOf(app.id).map((c) => appConnectionWire(ctx, app, c.vnetName));
    if (app.regionalSubnetId) list.push(regionalConnectionWire(ctx.state, app));
    return ok(list);
  }),
  ...siteRoute("GET", "/virtualNetworkConnections/{vnet}", (ctx) => ok(appConnectionWire(ctx, appOf(ctx), ctx.params["vnet"]!))),
  ...siteRoute("PUT", "/virtualNetworkConnections/{vnet}", putConnection),
  ...siteRoute("PATCH", "/virtualNetworkConnections/{vnet}", async (ctx) => {
    const app = appOf(ctx);
    const connection = connectionOf(ctx, app);
    await connectApp(ctx.state, app, connection.vnetName, vnetResourceIdOf(ctx.body) ?? connection.vnetId, ctx.now());
    return ok(appConnectionWire(ctx, app, connection.vnetName));
  }),
  ...siteRoute("DELETE", "/virtualNetworkConnections/{vnet}", (ctx) => {
    disconnectApp(ctx.state, appOf(ctx), ctx.params["vnet"]!);
    return { status: 200 };
  }),
  ...siteRoute("GET", "/virtualNetworkConnections/{vnet}/gateways/{gateway}", (ctx) => {
    const app = appOf(ctx);
    const connection = connectionOf(ctx, app);
    if (!connection.vpnPackageUri || ctx.params["gateway"]!.toLowerCase() !== "primary") {
      throw new SimError(404, "NotFound", `The connection ${connection.vnetName} of ${app.name} has no gateway ${ctx.params["gateway"]}.`);
    }
    return ok(vnetGatewayWire(app.id, connection.vnetName));
  }),
  ...siteRoute("PUT", "/virtualNetworkConnections/{vnet}/gateways/{gateway}", putAppGateway),
  ...siteRoute("PATCH", "/virtualNetworkConnections/{vnet}/gateways/{gateway}", putAppGateway),
  ...regionalRoutes,
  ...planRoutes,
];
