/** /vnet route remove PLAN VNET ROUTE: remove a plan route by name or range (approval). */
import { defineCommand } from "../src/core/command.ts";
import { resolvePlan } from "../src/core/resolve.ts";
import { resolveDeps, vnetNameOf } from "./change-targets.ts";

/** The route remove command. */
export const routeRemove = defineCommand({
  name: "route remove",
  summary: "Remove a plan route, by name or range (approval)",
  changesAzure: true,
  params: [{ name: "PLAN", kind: "plan" }, { name: "VNET", kind: "vnet" }, { name: "ROUTE", kind: "route" }],
  async run(ctx, args) {
    const plan = await resolvePlan(resolveDeps(ctx), args["PLAN"]!);
    return ctx.requestChange({ kind: "route-remove", planId: plan.id, vnetName: vnetNameOf(args["VNET"]!), routeName: args["ROUTE"]! });
  },
});
