/** /vnet sync PLAN VNET: give the plan's apps a fresh VPN package (approval; brief outage). */
import { defineCommand } from "../src/core/command.ts";
import { resolvePlan } from "../src/core/resolve.ts";
import { resolveDeps, vnetNameOf } from "./change-targets.ts";

/** The sync command. */
export const sync = defineCommand({
  name: "sync",
  summary: "Sync a plan's VNet connection: certificates and routes (approval; brief outage)",
  changesAzure: true,
  params: [{ name: "PLAN", kind: "plan" }, { name: "VNET", kind: "vnet" }],
  async run(ctx, args) {
    const plan = await resolvePlan(resolveDeps(ctx), args["PLAN"]!);
    return ctx.requestChange({ kind: "sync", planId: plan.id, vnetName: vnetNameOf(args["VNET"]!) });
  },
});
