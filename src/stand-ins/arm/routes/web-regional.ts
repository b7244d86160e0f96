/**
 * Regional integration and route-all on sites and slots: networkConfig/virtualNetwork (getSwiftVirtualNetworkConnection,
 * createOrUpdate…/update…WithCheck, deleteSwiftVirtualNetwork, and their *Slot forms) and config/web writes
 * (updateConfiguration: vnetRouteAllEnabled). All synchronous, 200 only, as the SDK expects.
 */
import { ok, propertiesOf, type Route, type RouteContext } from "../http.ts";
import { disintegrateApp, integrateApp } from "../regional.ts";
import { siteConfigWire, swiftWire } from "../web-wire.ts";
import { appOf } from "./lookup.ts";
import { siteRoute } from "./site-route.ts";

const putSwift = (ctx: RouteContext) => {
  const app = appOf(ctx);
  integrateApp(ctx.state, app, ctx.body);
  return ok(swiftWire(ctx.state, app));
};

/** A PATCH changes what it carries; a PUT replaces the config, so a route-all it leaves out is off. */
const writeConfig = (ctx: RouteContext) => {
  const app = appOf(ctx);
  const routeAll = propertiesOf(ctx.body)["vnetRouteAllEnabled"];
  if (typeof routeAll === "boolean") app.routeAll = routeAll;
  else if (ctx.method === "PUT") app.routeAll = false;
  return ok(siteConfigWire(ctx.state, app));
};

export const regionalRoutes: Route[] = [
  ...siteRoute("GET", "/networkConfig/virtualNetwork", (ctx) => ok(swiftWire(ctx.state, appOf(ctx)))),
  ...siteRoute("PUT", "/networkConfig/virtualNetwork", putSwift),
  ...siteRoute("PATCH", "/networkConfig/virtualNetwork", putSwift),
  ...siteRoute("DELETE", "/networkConfig/virtualNetwork", (ctx) => {
    disintegrateApp(ctx.state, appOf(ctx));
    return { status: 200 };
  }),
  ...siteRoute("PATCH", "/config/web", writeConfig),
  ...siteRoute("PUT", "/config/web", writeConfig),
];
