/** /vnet plan PLAN: a plan's VNets (n of 5), the apps on each, their routes. */
import { checkPlan, MAX_VNETS_PER_PLAN } from "../src/core/eligibility.ts";
import { appsLine } from "../src/core/format.ts";
import { defineCommand, type CommandContext } from "../src/core/command.ts";
import { sameId } from "../src/core/resource-id.ts";
import { findKeptPlan } from "../src/core/kept-inventory.ts";
import { midwayLine } from "../src/core/migration/countdown.ts";
import type { PlanInfo, VnetConnectionInfo } from "../src/core/model.ts";
import { resolvePlan } from "../src/core/resolve.ts";
import { listPlanSites, readPlanApps, sameName } from "../src/core/connections.ts";
import { REGIONAL_PER_PLAN } from "../src/core/migration/regional-rules.ts";
import { subnetLabel } from "../src/core/resource-id.ts";
import type { Reply, ReplyPart } from "../src/core/reply.ts";
import { FRESH, withKeptNote } from "./kept-reads.ts";
import { connectionFlags, routeLines } from "./read-format.ts";

/** One VNet of the plan: its connection, the apps using it, and those whose connections could not be read. */
interface PlanRow {
  connection: VnetConnectionInfo;
  apps: string[];
  unreadApps?: string[] | undefined;
  certOnGateway?: boolean | undefined;
}

/** The plan's regional integrations: each subnet with the apps on it; `moved` when only vnetbot's moves are known. */
interface RegionalUse {
  subnets: Array<{ subnetId: string; apps: string[] }>;
  moved: boolean;
}

function reply(plan: PlanInfo, connections: readonly PlanRow[], midway: readonly string[] = [], regional?: RegionalUse): Reply {
  const parts: ReplyPart[] = [{ kind: "context", lines: [`${plan.tier} ${plan.skuName} · ${plan.isLinux ? "Linux" : "Windows"} · ${connections.length} of ${MAX_VNETS_PER_PLAN} VNets`] }];
  // A plan that cannot have gateway-required integration says why, rather than look like one with room for five.
  const [unfit] = checkPlan(plan);
  if (unfit && connections.length === 0) parts.push({ kind: "text", text: `${unfit.message} ${unfit.fix}` });
  for (const { connection: c, apps, unreadApps, certOnGateway } of connections) {
    const flags = connectionFlags(c, { certOnGateway, planSubscriptionId: plan.subscriptionId });
    parts.push({ kind: "text", text: `*${c.name}* · ${appsLine(apps, unreadApps)}${flags ? ` · ${flags}` : ""}\nroutes: ${routeLines(c).join(", ")}` });
  }
  // Apps a migration took off their gateway are on no VNet the plan lists: said, or "0 of 5" reads as nothing to do.
  if (midway.length > 0) parts.push({ kind: "text", text: midwayLine(midway) });
  // What decides the rest of a migration: the plan's regional integrations, at most two (one on Linux).
  if (regional && regional.subnets.length > 0) {
    const limit = plan.isLinux ? 1 : REGIONAL_PER_PLAN;
    const subnets = regional.subnets.map((s) => `${subnetLabel(s.subnetId)} (${s.apps.join(", ")})`).join("; ");
    // From the records alone the count would leave out apps vnetbot did not move: no count then.
    const heading = regional.moved ? "*Regional integration of the apps vnetbot moved* (`--fresh` reads every app):" : `*Regional integration:* ${regional.subnets.length} of ${limit} subnets in use:`;
    parts.push({ kind: "text", text: `${heading} ${subnets}` });
  }
  return { title: `Plan ${plan.name}`, text: `${connections.length} of ${MAX_VNETS_PER_PLAN} VNets`, parts };
}

export const plan = defineCommand({
  name: "plan",
  summary: `A plan's VNets (up to ${MAX_VNETS_PER_PLAN}), the apps on each, routes`,
  changesAzure: false,
  params: [{ name: "PLAN", kind: "plan" }],
  flags: [FRESH],
  async run(ctx, args) {
    const ref = args.ref("PLAN");
    // A plan with integrations the kept inventory knows answers at once; any other plan is read from Azure.
    const kept = args.has("--fresh") ? undefined : await ctx.inventory.kept(ctx.subscriptions);
    const found = kept && findKeptPlan(kept.inventory, ref);
    if (kept && found) {
      const rows = found.integrations.map((i): PlanRow => ({ connection: i.connection, apps: i.apps.map((app) => app.name).sort(), unreadApps: i.unreadApps, certOnGateway: i.certOnGateway }));
      return withKeptNote(reply(found.plan, rows, await midwayOf(ctx, found.plan, rows), await movedOf(ctx, found.plan)), kept.keptNote);
    }

    const live = await resolvePlan(ctx, ref);
    const connections = (await ctx.reader.listPlanVnetConnections(live.id)).filter((c) => !c.isRegional);
    // Which VNet each app uses is in its own connection list; only a plan with gateway-required connections needs it.
    const onPlan = connections.length > 0 ? await readPlanApps(ctx.reader, live.id) : [];
    const rows = connections.map((connection) => ({ connection, apps: onPlan.filter((a) => sameName(a.connection?.name, connection.name)).map(({ app }) => app.name).sort() }));
    const sites = connections.length > 0 ? onPlan.map(({ app }) => app) : await listPlanSites(ctx.reader, live.id);
    return reply(live, rows, await midwayOf(ctx, live, rows), { subnets: bySubnet(sites.flatMap((app) => (app.regionalSubnetId ? [{ subnetId: app.regionalSubnetId, app: app.name }] : []))), moved: false });
  },
});

/** The subnets vnetbot moved the plan's apps into, from its migration records (the kept inventory holds no others). */
async function movedOf(ctx: Pick<CommandContext, "migrations">, plan: PlanInfo): Promise<RegionalUse> {
  const records = (await ctx.migrations.list()).filter((r) => r.status === "migrated" && sameId(r.planId, plan.id));
  return { subnets: bySubnet(records.map((r) => ({ subnetId: r.subnetId, app: r.appName }))), moved: true };
}

function bySubnet(uses: ReadonlyArray<{ subnetId: string; app: string }>): RegionalUse["subnets"] {
  const grouped = Map.groupBy(uses, (use) => use.subnetId.toLowerCase());
  return [...grouped.values()].map((group) => ({ subnetId: group[0]!.subnetId, apps: group.map((use) => use.app).sort() })).sort((a, b) => a.subnetId.localeCompare(b.subnetId));
}

/** The plan's apps a migration has taken off their gateway and not verified on regional integration yet. */
async function midwayOf(ctx: Pick<CommandContext, "migrations">, plan: PlanInfo, rows: ReadonlyArray<{ apps: string[] }>): Promise<string[]> {
  const listed = new Set(rows.flatMap((row) => row.apps.map((app) => app.toLowerCase())));
  const records = await ctx.migrations.list();
  return records.filter((r) => r.status === "moving" && sameId(r.planId, plan.id) && !listed.has(r.appName.toLowerCase())).map((r) => r.appName).sort();
}
