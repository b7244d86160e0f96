/** /vnet plan PLAN: a plan's VNets (n of 5), the apps on each, their routes. */
import { MAX_VNETS_PER_PLAN } from "../src/core/eligibility.ts";
import { defineCommand } from "../src/core/command.ts";
import { resolvePlan } from "../src/core/resolve.ts";
import { readPlanApps, sameName } from "../src/core/connections.ts";
import type { ReplyPart } from "../src/core/reply.ts";
import { routeLines } from "./read-format.ts";

export const plan = defineCommand({
  name: "plan",
  summary: `A plan's VNets (up to ${MAX_VNETS_PER_PLAN}), the apps on each, routes`,
  changesAzure: false,
  params: [{ name: "PLAN", kind: "plan" }],
  async run(ctx, args) {
    const found = await resolvePlan(ctx, args.ref("PLAN"));
    const connections = (await ctx.reader.listPlanVnetConnections(found.id)).filter((c) => !c.isRegional);
    // Which VNet each app uses is in its own connection list; only a plan with gateway-required connections needs it.
    const onPlan = connections.length > 0 ? await readPlanApps(ctx.reader, found.id) : [];
    const parts: ReplyPart[] = [{ kind: "context", lines: [`${found.tier} ${found.skuName} · ${found.isLinux ? "Linux" : "Windows"} · ${connections.length} of ${MAX_VNETS_PER_PLAN} VNets`] }];
    for (const c of connections) {
      const users = onPlan.filter(({ connection }) => sameName(connection?.name, c.name)).map(({ app }) => app.name).sort();
      parts.push({ kind: "text", text: `*${c.name}* · apps: ${users.join(", ") || "none"}${c.resyncRequired ? " · :warning: resync required" : ""}\nroutes: ${routeLines(c).join(", ")}` });
    }
    return { title: `Plan ${found.name}`, text: `${connections.length} of ${MAX_VNETS_PER_PLAN} VNets`, parts };
  },
});
