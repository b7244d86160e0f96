/** /vnet route add PLAN VNET CIDR|START-END: route an address range into the VNet (approval). */
import { defineCommand } from "../src/core/command.ts";
import { resolvePlan } from "../src/core/resolve.ts";
import { resolveDeps, vnetNameOf } from "./change-targets.ts";

/** The route add command. */
export const routeAdd = defineCommand({
  name: "route add",
  summary: "Add a plan route for an address range (approval)",
  changesAzure: true,
  params: [{ name: "PLAN", kind: "plan" }, { name: "VNET", kind: "vnet" }, { name: "RANGE", kind: "range" }],
  valueNames: { RANGE: "CIDR|START-END" },
  async run(ctx, args) {
    const plan = await resolvePlan(resolveDeps(ctx), args["PLAN"]!);
    return ctx.requestChange({ kind: "route-add", planId: plan.id, vnetName: vnetNameOf(args["VNET"]!), range: args["RANGE"]! });
  },
});
