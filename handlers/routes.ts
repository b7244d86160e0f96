/** /vnet routes PLAN VNET: the plan's routes into one VNet. */
import { BotError } from "../src/errors.ts";
import { findPlanConnection } from "../src/core/changes/common.ts";
import { defineCommand } from "../src/core/command.ts";
import { resolvePlan } from "../src/core/resolve.ts";
import { resolveDeps, vnetNameOf } from "./change-targets.ts";
import { plural, routeLines } from "./read-format.ts";

/** The routes command. */
export const routes = defineCommand({
  name: "routes",
  summary: "A plan's routes into one VNet",
  changesAzure: false,
  params: [{ name: "PLAN", kind: "plan" }, { name: "VNET", kind: "vnet" }],
  async run(ctx, args) {
    const found = await resolvePlan(resolveDeps(ctx), args["PLAN"]!);
    const vnetName = vnetNameOf(args["VNET"]!);
    const connection = await findPlanConnection(ctx.reader, found.id, vnetName);
    if (!connection) throw new BotError("not-found", `Plan ${found.name} has no gateway-required integration with ${vnetName}.`, { hint: `\`/vnet plan ${found.name}\` lists its VNets.` });
    return { title: `Routes of ${found.name} into ${connection.name}`, text: plural(connection.routes.length, "route"), parts: [{ kind: "text", text: routeLines(connection).join("\n") }] };
  },
});
