/** /vnet plan PLAN: a plan's VNets (n of 5), the apps on each, their routes. */
import { MAX_VNETS_PER_PLAN } from "../src/core/eligibility.ts";
import { defineCommand } from "../src/core/command.ts";
import { resolvePlan } from "../src/core/resolve.ts";
import { sameId } from "../src/core/resource-id.ts";
import type { ReplyPart } from "../src/core/reply.ts";
import { routeLines } from "./read-format.ts";

export const plan = defineCommand({
  name: "plan",
  summary: `A plan's VNets (up to ${MAX_VNETS_PER_PLAN}), the apps on each, routes`,
  changesAzure: false,
  params: [{ name: "PLAN", kind: "plan" }],
  async run(ctx, args) {
    const found = await resolvePlan(ctx, args.ref("PLAN"));
    const [connections, apps] = await Promise.all([ctx.reader.listPlanVnetConnections(found.id), ctx.reader.listApps(found.subscriptionId)]);
    const gateway = connections.filter((c) => !c.isRegional);
    const onPlan = apps.filter((a) => sameId(a.planId, found.id));
    const parts: ReplyPart[] = [{ kind: "context", lines: [`${found.tier} ${found.skuName} · ${found.isLinux ? "Linux" : "Windows"} · ${gateway.length} of ${MAX_VNETS_PER_PLAN} VNets · ${onPlan.length} apps`] }];
    for (const c of gateway) {
      const users = onPlan.filter((a) => a.gatewayVnetName?.toLowerCase() === c.name.toLowerCase()).map((a) => a.name);
      parts.push({ kind: "text", text: `*${c.name}* · apps: ${users.join(", ") || "none"}${c.resyncRequired ? " · :warning: resync required" : ""}\nroutes: ${routeLines(c).join(", ")}` });
    }
    return { title: `Plan ${found.name}`, text: `${gateway.length} of ${MAX_VNETS_PER_PLAN} VNets`, parts };
  },
});
