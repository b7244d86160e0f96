/** /vnet peer PLAN VNET REMOTE-VNET: reach a peered VNet through the gateway (approval). */
import { defineCommand } from "../src/core/command.ts";
import { resolvePlan, resolveVnet } from "../src/core/resolve.ts";
import { resolveDeps } from "./change-targets.ts";

/** The peer command. */
export const peer = defineCommand({
  name: "peer",
  summary: "Peer a remote VNet so the plan's apps reach it through the gateway (approval)",
  changesAzure: true,
  params: [{ name: "PLAN", kind: "plan" }, { name: "VNET", kind: "vnet" }, { name: "REMOTE-VNET", kind: "vnet" }],
  async run(ctx, args) {
    const deps = resolveDeps(ctx);
    const [plan, vnet, remote] = await Promise.all([resolvePlan(deps, args["PLAN"]!), resolveVnet(deps, args["VNET"]!), resolveVnet(deps, args["REMOTE-VNET"]!)]);
    return ctx.requestChange({ kind: "peer", planId: plan.id, vnetId: vnet.id, remoteVnetId: remote.id });
  },
});
