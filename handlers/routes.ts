/** /vnet routes PLAN VNET: the plan's routes into one VNet. */
import { requirePlanConnection, resolvePlanVnet } from "../src/core/connections.ts";
import { defineCommand } from "../src/core/command.ts";
import { plural } from "../src/core/format.ts";
import { routeLines } from "./read-format.ts";

export const routes = defineCommand({
  name: "routes",
  summary: "A plan's routes into one VNet",
  changesAzure: false,
  params: [{ name: "PLAN", kind: "plan" }, { name: "VNET", kind: "vnet" }],
  async run(ctx, args) {
    const { plan: found, target } = await resolvePlanVnet(ctx, args);
    const connection = await requirePlanConnection(ctx.reader, found, target.vnetName, target.vnetId);
    return { title: `Routes of ${found.name} into ${connection.name}`, text: plural(connection.routes.length, "route"), parts: [{ kind: "text", text: routeLines(connection).join("\n") }] };
  },
});
