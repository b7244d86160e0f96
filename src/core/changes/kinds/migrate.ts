/**
 * Move an app (or a plan's apps on one VNet) from gateway-required to regional VNet integration, before gateway-required
 * integration is retired on 31 March 2027 (azure-docs articles/app-service/configure-gateway-required-vnet-integration.md).
 * `/vnet migrate APP [SUBNET] [--new-subnet CIDR] [--route-all]` or `/vnet migrate PLAN VNET [SUBNET] …`.
 */
import { BotError, isBotError } from "../../../errors.ts";
import { gatewayConnectionOf, findPlanConnection, listPlanSites, readPlanApps, regionalSubnetsOf, sameName } from "../../connections.ts";
import { assertEligible } from "../../eligibility.ts";
import { canonicalPrefix, migrationProblems, otherGatewayVnets, subnetsAfterMove } from "../../migration/migrate-checks.ts";
import { readMigrationFacts, type MigrationFacts } from "../../migration/migrate-facts.ts";
import { migrationOutage, migrationSections, routeAllAfterMove } from "../../migration/migrate-preview.ts";
import { migrationSteps } from "../../migration/migrate-steps.ts";
import { internetDenyingRule, needsRouteAll, spacesOutsideRfc1918 } from "../../migration/network-changes.ts";
import { checkProposalLeavesRoom, regionalRoomWarning, subnetLabel } from "../../migration/regional-rules.ts";
import { chooseSubnet, newSubnetName } from "../../migration/subnet-choice.ts";
import { at, resolveSubnetTarget, type SubnetTarget } from "../../migration/subnet-ref.ts";
import type { AppInfo, PlanInfo, VnetConnectionInfo, VnetInfo } from "../../model.ts";
import { isRetired } from "../../format.ts";
import { escapeMrkdwn } from "../../reply.ts";
import { isClassicVnetId, nameOf, sameId, siteNameOf } from "../../resource-id.ts";
import { resolveApp, resolvePlan, type ResolveDeps } from "../../resolve.ts";
import type { ParseDeps } from "../change-kind.ts";
import type { CommandArgs } from "../../command.ts";
import { defineChangeKind } from "../change-kind.ts";
import type { Touch } from "../lock-check.ts";
import { targetKeyOf, type PreparedChange } from "../runner.ts";
import type { ChangeDeps } from "../types.ts";

/** A migration as the approval store keeps it: every name resolved, the subnet chosen. */
export interface MigrateRequest {
  kind: "migrate";
  planId: string;
  /** The gateway-required VNet being left. */
  vnetId: string;
  vnetName: string;
  /** The apps and slots that move, in order; one for APP, every one on the VNet for PLAN VNET. */
  appIds: string[];
  /** The integration subnet (created first when newSubnetPrefix is set). */
  subnetId: string;
  newSubnetPrefix?: string;
  routeAll: boolean;
  /** How it was asked for, to ask again: "app" or "plan". */
  form: "app" | "plan";
}

/** Reads, checks and plans a migration; writes nothing. */
export async function prepareMigrate(deps: ChangeDeps, request: MigrateRequest): Promise<PreparedChange> {
  const facts = await readMigrationFacts(deps.reader, deps.migrations, request);
  const routes = facts.routes;
  const routeAll = request.routeAll;
  assertEligible(migrationProblems(facts, request.newSubnetPrefix), `migrate ${facts.apps.map(({ app }) => app.name).join(", ")} to regional integration with ${subnetLabel(facts.subnetId)}`);
  const { alreadyOn, all: allTraffic } = routeAllAfterMove(facts, routeAll);
  const spacesOutside = facts.vnet ? spacesOutsideRfc1918(facts.vnet) : [];
  const subnetPrefix = facts.subnet?.addressPrefixes.find((prefix) => !prefix.includes(":"));
  const internetDenied = allTraffic && facts.nsg && subnetPrefix ? internetDenyingRule(facts.nsg, subnetPrefix) : undefined;
  const room = regionalRoomWarning(facts.plan, subnetsAfterMove(facts), otherGatewayVnets(facts));
  const warnings = [
    ...(room ? [room] : []),
    ...(needsRouteAll(routes) && !routeAllAfterMove(facts, routeAll).all ? ["A plan route lies outside RFC 1918: without --route-all the apps no longer reach it (see Plan routes)."] : []),
    ...(spacesOutside.length > 0 && !allTraffic
      ? [`${facts.vnetName}'s address space ${spacesOutside.join(", ")} lies outside RFC 1918: the apps reach it through the gateway now, and regional integration sends such traffic into the VNet only with route-all. Without --route-all they no longer reach it.`]
      : []),
    ...(alreadyOn.length > 0 && !routeAll
      ? [`Route-all is already set on ${alreadyOn.join(", ")}; gateway-required integration ignored it, regional integration applies it: all outbound traffic, the internet's included, goes into ${facts.targetVnet.name}. Make sure the VNet lets it out (NAT gateway, firewall or default route) before approving.`]
      : []),
    ...(internetDenied
      ? [`NSG ${facts.nsg!.name}'s rule \`${internetDenied.name}\` (priority ${internetDenied.priority}) denies outbound traffic to the internet, and with route-all all of the apps' traffic enters the subnet: they would lose the internet, Microsoft Entra ID and certificate revocation lists included. Allow what they need (service tags such as AzureActiveDirectory) before approving.`]
      : []),
    ...(deps.kudu ? [] : ["Kudu is not set up for vnetbot: the apps' worker address and known targets are not checked after the move."]),
    isRetired(deps.clock.now())
      ? "There is no way back: gateway-required integration was retired on 31 March 2027, so /vnet migrate rollback cannot reconnect it."
      : "Rollback (/vnet migrate rollback APP) reconnects gateway-required integration from the record, and works only until 31 March 2027.",
  ];
  return {
    title: `Migrate ${facts.apps.map(({ app }) => app.name).join(", ")} to regional integration (${subnetLabel(facts.subnetId)})`,
    targetKey: targetKeyOf(facts.plan.id, facts.vnetName),
    affectedApps: facts.apps.map(({ app }) => app.name),
    restartingApps: facts.apps.filter((a) => a.connection || !a.regional.subnetId).map(({ app }) => app.name),
    outage: migrationOutage(facts),
    warnings,
    sections: migrationSections(facts, { newPrefix: request.newSubnetPrefix, routeAll }),
    state: migrationState(facts),
    steps: migrationSteps(deps, facts, { newPrefix: request.newSubnetPrefix, routeAll }),
    touches: migrationTouches(facts, request.newSubnetPrefix),
  };
}

/**
 * The subnet (its VNet holds the lock, if any; a subnet that already fits may need no PUT), each app's gateway
 * connection and regional integration, and the gateway's root certificates when the last app leaves.
 */
function migrationTouches(facts: MigrationFacts, newPrefix: string | undefined): Touch[] {
  return [
    { id: facts.subnetId, operation: "write", what: `subnet ${subnetLabel(facts.subnetId)}`, ...(facts.subnet && !newPrefix ? { maybe: true } : {}) },
    ...facts.apps.flatMap(({ app, connection }): Touch[] => [
      ...(connection ? [{ id: app.id, operation: "delete" as const, what: `app ${app.name}` }] : []),
      { id: app.id, operation: "write", what: `app ${app.name}` },
    ]),
    ...(facts.gateway ? [{ id: facts.gateway.id, operation: "write" as const, what: `gateway ${facts.gateway.name}`, maybe: true }] : []),
  ];
}

/** What the plan depends on: if any of it changes before approval, the change is planned again. */
function migrationState(facts: MigrationFacts): unknown {
  const { subnet } = facts;
  // Whether the apps still reach the VNet they leave depends on the peering of the two (leftVnetSection): made or lost
  // after the request, it makes the preview's verdict stale. Only that pair: hubs' other peerings come and go.
  const between = (from: VnetInfo | undefined, to: VnetInfo | undefined) =>
    from && to && !sameId(from.id, to.id)
      ? from.peerings.filter((p) => sameId(p.remoteVnetId, to.id)).map((p) => `${p.name}|${p.peeringState}|${p.allowVirtualNetworkAccess}`.toLowerCase())
      : [];
  return {
    peering: [...between(facts.vnet, facts.targetVnet), ...between(facts.targetVnet, facts.vnet)],
    plan: { id: facts.plan.id.toLowerCase(), tier: facts.plan.tier, workers: facts.plan.workers, regional: facts.planRegionalSubnets.sort(), gateway: facts.planGatewayVnets.map((n) => n.toLowerCase()).sort() },
    apps: facts.apps.map((a) => ({ id: a.app.id.toLowerCase(), connection: a.connection?.name.toLowerCase() ?? null, regional: a.regional.subnetId?.toLowerCase() ?? null })),
    subnet: subnet
      ? { id: subnet.id.toLowerCase(), prefixes: subnet.addressPrefixes, delegations: subnet.delegations, links: subnet.serviceAssociationLinks.map((l) => l.link.toLowerCase()), nsg: subnet.nsgId?.toLowerCase() ?? null, routeTable: subnet.routeTableId?.toLowerCase() ?? null }
      : { id: facts.subnetId.toLowerCase(), absent: true },
  };
}

/** From the command's words to a request: which apps, which VNet they leave, which subnet they join. */
async function parseMigrate(deps: ParseDeps, args: CommandArgs): Promise<MigrateRequest> {
  const target = args.text("TARGET");
  const second = args.optional("SECOND");
  const third = args.optional("THIRD");
  const newPrefix = args.optional("--new-subnet");
  const prefix = newPrefix === undefined ? undefined : canonicalPrefix(newPrefix);
  const routeAll = args.has("--route-all");
  const plan = second === undefined ? undefined : await planWithVnet(deps, target, second);
  if (plan) return planForm(deps, plan.plan, plan.vnetName, third, prefix, routeAll);
  let app: AppInfo;
  try {
    app = await resolveApp(deps, target);
  } catch (error) {
    // A plan's name taken for an app's: say what the plan form needs, not that no app has the name.
    if (isBotError(error) && error.kind === "not-found") throw (await planNotMigratable(deps, target, second)) ?? error;
    throw error;
  }
  if (third !== undefined) throw new BotError("usage", `Too many arguments: \`${escapeMrkdwn(third)}\` is more than \`/vnet migrate APP [SUBNET]\` takes.`, { hint: "For a plan: /vnet migrate PLAN VNET [SUBNET]." });
  return appForm(deps, app, second, prefix, routeAll);
}

/**
 * Why `/vnet migrate PLAN [VNET]` cannot be planned when PLAN is a plan (undefined when it is none): the VNet is
 * missing, or the plan has no gateway-required connection to it, because vnetbot moved its apps already or never had.
 */
async function planNotMigratable(deps: ParseDeps, target: string, vnet: string | undefined): Promise<BotError | undefined> {
  let plan: PlanInfo;
  try {
    plan = await resolvePlan(deps, target);
  } catch {
    return undefined;
  }
  const gatewayVnets = (await deps.reader.listPlanVnetConnections(plan.id)).filter((c) => !c.isRegional).map((c) => c.name);
  const choices = gatewayVnets.length > 0 ? `Its gateway-required VNets: ${gatewayVnets.join(", ")}.` : `It has no gateway-required VNet integration left.`;
  if (vnet === undefined) {
    return new BotError("usage", `${plan.name} is a plan: name the VNet its apps leave, \`/vnet migrate ${plan.name} VNET\`, or migrate one app with \`/vnet migrate APP\`.`, { hint: choices });
  }
  const moved = (await deps.migrations.list()).filter((r) => r.status === "migrated" && sameId(r.planId, plan.id) && sameName(r.vnetName, nameOf(vnet)));
  if (moved.length > 0) {
    const apps = moved.map((r) => r.appName).sort();
    return new BotError("ineligible", `vnetbot already migrated plan ${plan.name}'s apps off ${moved[0]!.vnetName} (${apps.join(", ")}): nothing is left to migrate there.`, {
      hint: `\`/vnet show ${apps[0]}\` shows where it is now${isRetired(deps.clock.now()) ? "" : "; `/vnet migrate rollback APP` puts an app back on the gateway, until 31 March 2027"}. ${choices}`,
    });
  }
  return new BotError("not-found", `Plan ${plan.name} has no gateway-required connection to ${escapeMrkdwn(nameOf(vnet))}.`, { hint: `${choices} \`/vnet plan ${plan.name}\` shows its integrations.` });
}

/**
 * The plan TARGET when it has a gateway-required connection to the VNet SECOND, or had one that a migration of it,
 * stopped half-way, has removed (its last app on the VNet was disconnected: the command it says to run again must
 * still be a plan's); else TARGET is an app.
 */
async function planWithVnet(deps: ParseDeps, target: string, vnet: string): Promise<{ plan: PlanInfo; vnetName: string } | undefined> {
  let plan: PlanInfo;
  try {
    plan = await resolvePlan(deps, target);
  } catch (error) {
    if (isBotError(error) && (error.kind === "not-found" || error.kind === "usage")) return undefined;
    throw error;
  }
  const connection = await findPlanConnection(deps.reader, plan.id, nameOf(vnet));
  if (connection) return { plan, vnetName: connection.name };
  const stopped = (await stoppedMigrations(deps, plan)).find((r) => sameName(r.vnetName, nameOf(vnet)));
  return stopped ? { plan, vnetName: stopped.vnetName } : undefined;
}

/** The records of the plan's apps that a migration stopped half-way left moving. */
async function stoppedMigrations(deps: ParseDeps, plan: PlanInfo) {
  return (await deps.migrations.list()).filter((r) => r.status === "moving" && r.planId.toLowerCase() === plan.id.toLowerCase());
}

async function appForm(deps: ParseDeps, app: AppInfo, subnetText: string | undefined, prefix: string | undefined, routeAll: boolean): Promise<MigrateRequest> {
  const connection = await gatewayConnectionOf(deps.reader, app.id);
  // A migration stopped half-way has removed the connection already: its record says where the app came from.
  const record = connection ? undefined : await deps.migrations.get(app.id);
  if (record?.status === "migrated") {
    const now = app.regionalSubnetId ? `it uses ${subnetLabel(app.regionalSubnetId)} now` : "it has no VNet integration now";
    throw new BotError("ineligible", `vnetbot already migrated ${app.name} off ${record.vnetName}'s gateway to regional integration with ${subnetLabel(record.subnetId)} (${now}): there is nothing to migrate.`, {
      hint: `\`/vnet show ${app.name}\` shows its integration${isRetired(deps.clock.now()) ? "" : `; \`/vnet migrate rollback ${app.name}\` puts it back on the gateway, until 31 March 2027`}.`,
    });
  }
  const left = connection ? { vnetId: connection.vnetId, vnetName: connection.name } : record && record.status === "moving" ? { vnetId: record.vnetId, vnetName: record.vnetName } : undefined;
  if (!left) {
    throw new BotError("ineligible", `${app.name} has no gateway-required VNet integration, so there is nothing to migrate.`, {
      hint: app.regionalSubnetId ? `It already uses regional integration (${subnetLabel(app.regionalSubnetId)}).` : `/vnet show ${app.name} shows its connections.`,
    });
  }
  const plan = await deps.reader.getPlan(app.planId);
  const subnet = await chooseTarget(deps, plan, left.vnetId, subnetText ?? (record ? record.subnetId : undefined), prefix);
  return { kind: "migrate", planId: plan.id, vnetId: left.vnetId, vnetName: left.vnetName, appIds: [app.id], ...subnet, routeAll, form: "app" };
}

async function planForm(deps: ParseDeps, plan: PlanInfo, vnetName: string, subnetText: string | undefined, prefix: string | undefined, routeAll: boolean): Promise<MigrateRequest> {
  const apps = await readPlanApps(deps.reader, plan.id);
  const onVnet = apps.filter(({ connection }) => sameName(connection?.name, vnetName));
  // Apps a stopped migration of this plan already moved off the VNet are finished too.
  const resumed = (await stoppedMigrations(deps, plan)).filter((r) => sameName(r.vnetName, vnetName));
  const vnetId = onVnet[0]?.connection?.vnetId ?? (await findPlanConnection(deps.reader, plan.id, vnetName))?.vnetId ?? resumed[0]?.vnetId;
  if (vnetId === undefined) throw new BotError("not-found", `Plan ${plan.name} has no gateway-required connection to ${vnetName}.`, { hint: `/vnet plan ${plan.name} shows its integrations.` });
  // Each app's slots before the app: Microsoft's guide names "a staging slot first", so a failure meets a slot
  // before production (articles/app-service/migrate-gateway-based-vnet-integration.md). Apps a stopped run took off
  // the gateway are sorted in with the rest, by their recorded names: a slot that failed still goes first.
  const moving = [
    ...onVnet.map(({ app }) => ({ id: app.id, name: app.name })),
    ...resumed.filter((r) => !onVnet.some(({ app }) => sameId(app.id, r.appId))).map((r) => ({ id: r.appId, name: r.appName })),
  ];
  const appIds = moving.sort((a, b) => productionName(a.name).localeCompare(productionName(b.name)) || Number(!a.name.includes("/")) - Number(!b.name.includes("/"))).map((m) => m.id);
  if (appIds.length === 0) throw new BotError("not-found", `No app of plan ${plan.name} uses ${vnetName} through its gateway.`, { hint: `/vnet plan ${plan.name} shows its integrations.` });
  const subnet = await chooseTarget(deps, plan, vnetId, subnetText ?? resumed[0]?.subnetId, prefix);
  return { kind: "migrate", planId: plan.id, vnetId, vnetName, appIds, ...subnet, routeAll, form: "plan" };
}

/** The app a slot belongs to ("orders-api" for "orders-api/staging"), or the app itself. */
function productionName(name: string): string {
  return name.split("/")[0]!.toLowerCase();
}

/** The subnet named, created with --new-subnet, or proposed the way /vnet migration proposes it. */
async function chooseTarget(deps: ResolveDeps, plan: PlanInfo, vnetId: string, subnetText: string | undefined, prefix: string | undefined): Promise<{ subnetId: string; newSubnetPrefix?: string }> {
  const home = isClassicVnetId(vnetId) ? undefined : await deps.reader.getVnet(vnetId);
  let target: SubnetTarget | undefined = subnetText === undefined ? undefined : await resolveSubnetTarget(deps, subnetText, home);
  if (!target && prefix) {
    if (!home) throw classicNeedsVnet(vnetId);
    target = at(home, newSubnetName(home, plan.name));
  }
  if (target) return { subnetId: target.id, ...(prefix ? { newSubnetPrefix: prefix } : {}) };
  if (!home) throw classicNeedsVnet(vnetId);
  const [connections, sites] = await Promise.all([deps.reader.listPlanVnetConnections(plan.id), listPlanSites(deps.reader, plan.id)]);
  const inUse = regionalSubnetsOf(sites);
  const choice = chooseSubnet(home, plan, [], inUse);
  if (choice.kind !== "none") {
    const subnetId = choice.kind === "existing" ? choice.subnet.id : at(home, choice.name).id;
    assertProposalLeavesRoom(plan, vnetId, subnetId, connections, inUse);
    return choice.kind === "existing" ? { subnetId } : { subnetId, newSubnetPrefix: choice.prefix };
  }
  throw new BotError("ineligible", `${home.name} has no subnet fit for plan ${plan.name} and no free /${choice.neededPrefix} for a new one: ${choice.missingAddresses} more addresses are needed.`, {
    hint: `Add an address space to ${home.name} (or free a range), or migrate into another VNet of the region peered with it: /vnet migrate … VNET/SUBNET --new-subnet CIDR.`,
  });
}

/**
 * Refuses to choose a subnet alone for a plan whose VNets cannot each get one (checkProposalLeavesRoom). `inUse`: the
 * subnets of the plan's apps and slots (a slot runs on the plan as its apps do, and the limit is the plan's:
 * overview-vnet-integration.md).
 */
function assertProposalLeavesRoom(plan: PlanInfo, vnetId: string, subnetId: string, connections: readonly VnetConnectionInfo[], inUse: readonly string[]): void {
  // A subnet the plan uses already spends none of its regional integrations: the choice is the plan's own.
  if (inUse.some((id) => sameId(id, subnetId))) return;
  const subnets = [...inUse, subnetId];
  const others = connections.filter((c) => !c.isRegional && !sameId(c.vnetId, vnetId)).map((c) => c.name);
  assertEligible(checkProposalLeavesRoom(plan, subnets, others), `choose a subnet for plan ${plan.name}'s move off ${nameOf(vnetId)}`);
}

function classicNeedsVnet(vnetId: string): BotError {
  return new BotError("ineligible", `${nameOf(vnetId)} is a classic VNet: regional integration cannot use it, so the app must move into a Resource Manager VNet.`, {
    hint: "Name the subnet of a Resource Manager VNet in the app's region: /vnet migrate APP VNET/SUBNET [--new-subnet CIDR].",
  });
}

/** Move apps from gateway-required to regional VNet integration. */
export const migrate = defineChangeKind<MigrateRequest>({
  kind: "migrate",
  command: {
    name: "migrate",
    summary: "Move to regional VNet integration: `/vnet migrate APP [SUBNET]`, or `/vnet migrate PLAN VNET [SUBNET]` for each app and slot of the plan on that VNet; --new-subnet CIDR creates the subnet, --route-all sends all outbound traffic into the VNet (approval; each app restarts)",
    params: [{ name: "TARGET", kind: "text" }, { name: "SECOND", kind: "text", optional: true }, { name: "THIRD", kind: "text", optional: true }],
    flags: [{ name: "--new-subnet", value: "CIDR", kind: "cidr" }, { name: "--route-all", value: "", kind: "switch" }],
    valueNames: { TARGET: "APP|PLAN", SECOND: "SUBNET|VNET", THIRD: "SUBNET" },
  },
  parse: parseMigrate,
  prepare: prepareMigrate,
  commandText: (request) =>
    [
      "migrate",
      ...(request.form === "plan" ? [nameOf(request.planId), request.vnetName] : [siteNameOf(request.appIds[0] ?? "")]),
      `${nameOf(request.subnetId.slice(0, request.subnetId.toLowerCase().lastIndexOf("/subnets/")))}/${nameOf(request.subnetId)}`,
      ...(request.newSubnetPrefix ? ["--new-subnet", request.newSubnetPrefix] : []),
      ...(request.routeAll ? ["--route-all"] : []),
    ].join(" "),
  operations: [
    "listApps", "listPlans", "listSlots", "listVnets", "getApp", "getPlan", "getVnet", "getGateway", "getNsg", "getSubnet",
    "listPlanApps", "listPlanVnetConnections", "listAppVnetConnections", "getRegionalIntegration", "getRouteAll",
    // Where a plan route leads after the move: the target VNet's site-to-site connections (site-to-site.ts).
    "listGatewayConnections", "getLocalNetworkGateway",
    "delegateSubnet", "deleteAppVnetConnection", "putRegionalIntegration", "joinSharedSubnet", "setRouteAll",
    // The plan's certificate leaves the gateway when no plan uses it any more (root-certificates.ts).
    "removeGatewayRootCertificate",
  ],
});
