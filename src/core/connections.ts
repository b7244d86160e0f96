/**
 * Where the estate's gateway-required VNet connections are found, for reads and changes alike: an app's, a plan's,
 * and the plan+VNet that commands name.
 */
import { BotError } from "../errors.ts";
import type { CommandArgs } from "./command.ts";
import { checkPlan } from "./eligibility.ts";
import type { AppInfo, PlanInfo, VnetConnectionInfo } from "./model.ts";
import type { AzureReader } from "./ports.ts";
import { nameOf, parseResourceId, sameId, subnetLabel } from "./resource-id.ts";
import { createLimiter, type Limiter } from "./limiter.ts";
import { resolvePlan, resolveVnet, type ResolveDeps } from "./resolve.ts";

/** True when two names are the same to Azure (case-insensitive). */
export function sameName(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** The app's gateway-required connection to the named VNet, if any. */
export async function findAppConnection(reader: AzureReader, appId: string, vnetName: string): Promise<VnetConnectionInfo | undefined> {
  const connections = await reader.listAppVnetConnections(appId);
  return connections.find((connection) => !connection.isRegional && sameName(connection.name, vnetName));
}

/** The plan's gateway-required connection to the named VNet, if any. */
export async function findPlanConnection(reader: AzureReader, planId: string, vnetName: string): Promise<VnetConnectionInfo | undefined> {
  const connections = await reader.listPlanVnetConnections(planId);
  return connections.find((connection) => !connection.isRegional && sameName(connection.name, vnetName));
}

/**
 * The plan's connection to the VNet, or a not-found error that says how to create one. With vnetId (the user named
 * the VNet's group or id), the connection must lead to that very VNet, not just one of the same name.
 */
export async function requirePlanConnection(reader: AzureReader, plan: PlanInfo, vnetName: string, vnetId?: string): Promise<VnetConnectionInfo> {
  const connection = await findPlanConnection(reader, plan.id, vnetName);
  if (connection && (vnetId === undefined || sameId(connection.vnetId, vnetId))) return connection;
  if (connection && vnetId !== undefined) {
    throw new BotError("not-found", `Plan ${plan.name} has no gateway-required integration with ${groupAndName(vnetId)}: its ${connection.name} is ${groupAndName(connection.vnetId)}.`, {
      hint: `Name the VNet as ${groupAndName(connection.vnetId)}, or run /vnet plan ${plan.name} to see its VNets.`,
    });
  }
  // A plan that cannot have one is not told to connect an app first: the connect would be refused the same way.
  const [unfit] = checkPlan(plan);
  if (unfit) throw new BotError("ineligible", `Plan ${plan.name} has no gateway-required integration with ${vnetName}, and cannot have one: ${unfit.message}`, { hint: unfit.fix });
  throw new BotError("not-found", `Plan ${plan.name} has no gateway-required integration with ${vnetName}.`, {
    hint: "Connect an app of the plan to that VNet first (/vnet connect <app> <vnet>), or run /vnet list.",
  });
}

/** "rg/name" of a resource id. */
export function groupAndName(id: string): string {
  const parsed = parseResourceId(id);
  return parsed ? `${parsed.resourceGroup}/${parsed.names.at(-1) ?? ""}` : nameOf(id);
}

/** A plan and one of its VNets, as the change requests of plan+VNet commands keep them. */
export interface PlanVnet {
  planId: string;
  /** The plan's connection is named after the VNet. */
  vnetName: string;
  /** Set when the user named the VNet's resource group or id, so that a VNet of the same name elsewhere is refused. */
  vnetId?: string;
}

/** The PLAN and VNET arguments of a plan+VNet command; a VNet named by bare name costs no Azure read here. */
export async function resolvePlanVnet(deps: ResolveDeps, args: CommandArgs): Promise<{ plan: PlanInfo; target: PlanVnet }> {
  const plan = await resolvePlan(deps, args.ref("PLAN"));
  const ref = args.ref("VNET");
  if (ref.id === undefined && ref.resourceGroup === undefined) return { plan, target: { planId: plan.id, vnetName: ref.name } };
  const vnet = await resolveVnet(deps, ref);
  return { plan, target: { planId: plan.id, vnetName: vnet.name, vnetId: vnet.id } };
}

/** "PLAN VNET" as a user types them again, the VNet with its group when the request names it. */
export function planVnetText(request: PlanVnet): string {
  return `${nameOf(request.planId)} ${request.vnetId ? groupAndName(request.vnetId) : request.vnetName}`;
}

/**
 * The app's (or slot's) gateway-required connection, read where ARM keeps it: the app's own connection list, whose
 * entries that are not isSwift are gateway-required. Never from siteConfig, which ARM leaves null in site lists
 * and without vnetName in a site GET (azure-powershell#4841, #14877); `config/web` vnetName would need another read.
 */
export async function gatewayConnectionOf(reader: AzureReader, appId: string): Promise<VnetConnectionInfo | undefined> {
  return (await reader.listAppVnetConnections(appId)).find((connection) => !connection.isRegional);
}

/** The VNet the app's gateway-required integration uses; BotError, saying so, when it has none to `command`. */
export async function requireGatewayVnet(reader: AzureReader, app: AppInfo, command: string): Promise<string> {
  const connection = await gatewayConnectionOf(reader, app.id);
  if (connection) return connection.name;
  throw new BotError("ineligible", `${app.name} has no gateway-required VNet integration, so there is nothing to ${command}.`, {
    hint: app.regionalSubnetId
      ? `It uses regional VNet integration (${subnetLabel(app.regionalSubnetId)}). If vnetbot moved it there, \`/vnet migrate rollback ${app.name}\` puts its gateway-required integration back (until 31 March 2027).`
      : app.isLinux || app.isWindowsContainer
        ? `${app.name} runs ${app.isLinux ? "on Linux" : "in a Windows container"}, which gateway-required integration does not support: it can have regional VNet integration only.`
        : `\`/vnet show ${app.name}\` shows its connections; \`/vnet connect ${app.name} VNET\` connects it.`,
  });
}

/** An app or slot with its gateway-required connection, if it has one. */
export interface AppConnection {
  app: AppInfo;
  connection: VnetConnectionInfo | undefined;
}

/**
 * The apps and slots of a plan with their gateway-required connections: the plan's site list, then each app's
 * connections and slots, and each slot's connections, a few at a time. What a sync restarts, what a route reaches.
 */
export async function readPlanApps(reader: AzureReader, planId: string, limit: Limiter = createLimiter(4)): Promise<AppConnection[]> {
  const sites = await listPlanSites(reader, planId, limit);
  return Promise.all(sites.map(async (app) => ({ app, connection: await limit(() => gatewayConnectionOf(reader, app.id)) })));
}

/**
 * The plan's apps and the deployment slots that run on it, each once. The plan's site list is documented as "all
 * apps associated with an App Service plan" (AppServicePlans_ListWebApps), while a Microsoft answer points to it for
 * "apps and respective slots under an app service plan" (azure-cli#23924): whether it lists slots is not known, so
 * each app's slots are listed too and a slot the plan list already held is not counted twice. A slot may run on
 * another plan than its app's, hence the plan check.
 */
export async function listPlanSites(reader: AzureReader, planId: string, limit: Limiter = createLimiter(4)): Promise<AppInfo[]> {
  const listed = await reader.listPlanApps(planId);
  const slots = await Promise.all(listed.map((app) => (app.slot === undefined ? limit(() => reader.listSlots(app.id)) : Promise.resolve([]))));
  // Each app followed by its slots, as the approval message lists them.
  const sites = new Map<string, AppInfo>();
  listed.forEach((site, i) => {
    for (const each of [site, ...slots[i]!.filter((slot) => sameId(slot.planId, planId))]) {
      if (!sites.has(each.id.toLowerCase())) sites.set(each.id.toLowerCase(), each);
    }
  });
  return [...sites.values()];
}

/** The regional-integration subnets (lower-case ids) the sites use, each once: what a plan's limit counts. */
export function regionalSubnetsOf(sites: readonly AppInfo[]): string[] {
  return [...new Set(sites.flatMap((site) => (site.regionalSubnetId ? [site.regionalSubnetId.toLowerCase()] : [])))];
}

/**
 * The client certificate of a plan's integration with a VNet: the plan-level connection's when it carries one (not
 * documented that it does), else the first app's or slot's connection to the VNet that carries it.
 */
export async function certificateOfPlanVnet(reader: AzureReader, planId: string, planConnection: VnetConnectionInfo): Promise<VnetConnectionInfo | undefined> {
  if (planConnection.certBlob) return planConnection;
  const apps = await readPlanApps(reader, planId);
  return apps.map(({ connection }) => connection).find((c) => c?.certBlob && sameName(c.name, planConnection.name));
}

/** The names of the plan's apps and slots whose gateway-required connection is to the VNet, sorted. */
export async function appsOnPlanVnet(reader: AzureReader, planId: string, vnetName: string): Promise<string[]> {
  const apps = await readPlanApps(reader, planId);
  return apps.filter(({ connection }) => sameName(connection?.name, vnetName)).map(({ app }) => app.name).sort();
}
