/**
 * Where the estate's gateway-required VNet connections are found, for reads and changes alike: an app's, a plan's,
 * and the plan+VNet that commands name.
 */
import { BotError } from "../errors.ts";
import type { CommandArgs } from "./command.ts";
import type { AppInfo, PlanInfo, VnetConnectionInfo } from "./model.ts";
import type { AzureReader } from "./ports.ts";
import { nameOf, parseResourceId, sameId } from "./resource-id.ts";
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
export async function requirePlanConnection(reader: AzureReader, plan: { id: string; name: string }, vnetName: string, vnetId?: string): Promise<VnetConnectionInfo> {
  const connection = await findPlanConnection(reader, plan.id, vnetName);
  if (connection && (vnetId === undefined || sameId(connection.vnetId, vnetId))) return connection;
  if (connection && vnetId !== undefined) {
    throw new BotError("not-found", `Plan ${plan.name} has no gateway-required integration with ${groupAndName(vnetId)}: its ${connection.name} is ${groupAndName(connection.vnetId)}.`, {
      hint: `Name the VNet as ${groupAndName(connection.vnetId)}, or run /vnet plan ${plan.name} to see its VNets.`,
    });
  }
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

/** The VNet the app's gateway-required integration uses; BotError when it has none. */
export function connectedVnetOf(app: AppInfo, command: string): string {
  if (app.gatewayVnetName) return app.gatewayVnetName;
  throw new BotError("ineligible", `${app.name} has no gateway-required VNet integration, so there is nothing to ${command}.`, {
    hint: `\`/vnet show ${app.name}\` shows its connections; \`/vnet connect ${app.name} VNET\` connects it.`,
  });
}

/** The names of the plan's apps that use the VNet. */
export function appsOnVnet(apps: readonly AppInfo[], planId: string, vnetName: string): string[] {
  return apps.filter((app) => sameId(app.planId, planId) && sameName(app.gatewayVnetName, vnetName)).map((app) => app.name).sort();
}

