/** Finds the resource a request path names, or throws ARM's 404 for it. */
import { notFound, type RouteContext } from "../http.ts";
import type { LroStart } from "../lro.ts";
import type { SimApp, SimGateway, SimPlan, SimVnet } from "../state.ts";

/** The app named by {sub}/{rg}/{site}, or its slot when the path has {slot}. */
export function appOf(ctx: RouteContext): SimApp {
  const { sub, rg, site, slot } = ctx.params;
  const id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Web/sites/${site}${slot === undefined ? "" : `/slots/${slot}`}`;
  const app = ctx.state.apps.get(id);
  if (!app) throw slot === undefined ? notFound("Microsoft.Web/sites", site!, rg) : notFound("Microsoft.Web/sites/slots", `${site}/${slot}`, rg);
  return app;
}

/** The plan named by {sub}/{rg}/{plan}. */
export function planOf(ctx: RouteContext): SimPlan {
  const { sub, rg, plan: name } = ctx.params;
  const plan = ctx.state.plans.get(`/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Web/serverfarms/${name}`);
  if (!plan) throw notFound("Microsoft.Web/serverFarms", name!, rg);
  return plan;
}

/** A Microsoft.Network resource named by {sub}/{rg} and the given type and name parameter. */
export function networkIdOf(ctx: RouteContext, type: string, param: string): string {
  return `/subscriptions/${ctx.params["sub"]}/resourceGroups/${ctx.params["rg"]}/providers/Microsoft.Network/${type}/${ctx.params[param]}`;
}

/** The VNet named by {sub}/{rg}/{vnet}. */
export function vnetOf(ctx: RouteContext): SimVnet {
  const vnet = ctx.state.vnets.get(networkIdOf(ctx, "virtualNetworks", "vnet"));
  if (!vnet) throw notFound("Microsoft.Network/virtualNetworks", ctx.params["vnet"]!, ctx.params["rg"]);
  return vnet;
}

/** The gateway named by {sub}/{rg}/{gw}. */
export function gatewayOf(ctx: RouteContext): SimGateway {
  const gateway = ctx.state.gateways.get(networkIdOf(ctx, "virtualNetworkGateways", "gw"));
  if (!gateway) throw notFound("Microsoft.Network/virtualNetworkGateways", ctx.params["gw"]!, ctx.params["rg"]);
  return gateway;
}

/** The LRO start parameters for a request (a failOperation fault makes the operation end Failed). */
export function lroStart(ctx: RouteContext, location: string, complete: (succeeded: boolean) => unknown): LroStart {
  return { subscriptionId: ctx.params["sub"]!, location, baseUrl: ctx.baseUrl, polls: ctx.state.lroPolls, failure: ctx.failure, complete };
}
