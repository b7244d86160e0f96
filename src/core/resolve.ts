/** Turns what users type (a bare name, "rg/name" or a full resource id) into the resource it means. */
import { BotError } from "../errors.ts";
import { assertValidAzureName, type NamedResource } from "./azure-names.ts";
import type { AppInfo, PlanInfo, VnetInfo } from "./model.ts";
import type { AzureReader } from "./ports.ts";
import { parseResourceId } from "./resource-id.ts";

/** Where to look: the reader and the subscriptions vnetbot is configured for. */
export interface ResolveDeps {
  reader: AzureReader;
  subscriptions: readonly string[];
}

interface Named {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
}

interface Kind<T extends Named> {
  noun: Exclude<NamedResource, "resource group">;
  provider: string;
  type: string;
  list(reader: AzureReader, subscriptionId: string): Promise<T[]>;
  get(reader: AzureReader, id: string): Promise<T>;
}

const APP: Kind<AppInfo> = {
  noun: "app",
  provider: "Microsoft.Web",
  type: "sites",
  list: (reader, subscriptionId) => reader.listApps(subscriptionId),
  get: (reader, id) => reader.getApp(id),
};

const PLAN: Kind<PlanInfo> = {
  noun: "plan",
  provider: "Microsoft.Web",
  type: "serverfarms",
  list: (reader, subscriptionId) => reader.listPlans(subscriptionId),
  get: (reader, id) => reader.getPlan(id),
};

const VNET: Kind<VnetInfo> = {
  noun: "vnet",
  provider: "Microsoft.Network",
  type: "virtualNetworks",
  list: (reader, subscriptionId) => reader.listVnets(subscriptionId),
  get: (reader, id) => reader.getVnet(id),
};

/**
 * Finds an app by name, rg/name or resource id in the configured subscriptions. A name is found in the site list,
 * then the app is read on its own: only a single site's GET is sure to carry which VNet it uses (siteConfig).
 */
export async function resolveApp(deps: ResolveDeps, text: string): Promise<AppInfo> {
  const app = await resolve(deps, APP, text);
  return app.gatewayVnetName === undefined && !text.trim().startsWith("/") ? deps.reader.getApp(app.id) : app;
}

/** Finds an App Service plan by name, rg/name or resource id in the configured subscriptions. */
export function resolvePlan(deps: ResolveDeps, text: string): Promise<PlanInfo> {
  return resolve(deps, PLAN, text);
}

/** Finds a virtual network by name, rg/name or resource id in the configured subscriptions. */
export function resolveVnet(deps: ResolveDeps, text: string): Promise<VnetInfo> {
  return resolve(deps, VNET, text);
}

async function resolve<T extends Named>(deps: ResolveDeps, kind: Kind<T>, input: string): Promise<T> {
  const text = input.trim();
  if (text.length === 0) throw new BotError("usage", `Name the ${kind.noun}: a name, rg/name or a resource id.`);
  if (text.startsWith("/")) return resolveId(deps, kind, text);
  const parts = text.split("/");
  if (parts.length > 2) {
    throw new BotError("usage", `"${text}" is neither ${article(kind.noun)} name, rg/name, nor a full resource id.`, {
      hint: "Give the name, resource-group/name, or the id starting with /subscriptions/.",
    });
  }
  const [first = "", second] = parts;
  const resourceGroup = second === undefined ? undefined : first;
  const name = second ?? first;
  if (resourceGroup !== undefined) assertValidAzureName("resource group", resourceGroup);
  assertValidAzureName(kind.noun, name);
  const found = await Promise.all(deps.subscriptions.map((subscriptionId) => kind.list(deps.reader, subscriptionId)));
  const matches = found.flat().filter(
    (item) => equal(item.name, name) && (resourceGroup === undefined || equal(item.resourceGroup, resourceGroup)),
  );
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw notFound(kind.noun, text);
  throw ambiguous(kind.noun, text, matches);
}

async function resolveId<T extends Named>(deps: ResolveDeps, kind: Kind<T>, text: string): Promise<T> {
  const parsed = parseResourceId(text);
  const isKind = parsed !== undefined && equal(parsed.provider, kind.provider) && parsed.types.length === 1 && equal(parsed.types[0] ?? "", kind.type);
  if (!parsed || !isKind) {
    throw new BotError("usage", `"${text}" is not the resource id of ${article(kind.noun)}.`, {
      hint: `A ${kind.noun} id looks like /subscriptions/<id>/resourceGroups/<rg>/providers/${kind.provider}/${kind.type}/<name>.`,
    });
  }
  assertValidAzureName("resource group", parsed.resourceGroup);
  assertValidAzureName(kind.noun, parsed.names[0] ?? "");
  if (!deps.subscriptions.some((subscriptionId) => equal(subscriptionId, parsed.subscriptionId))) {
    throw new BotError("not-found", `Subscription ${parsed.subscriptionId} is not one vnetbot is configured to manage.`, {
      hint: `Use a ${kind.noun} in one of: ${deps.subscriptions.join(", ")}.`,
    });
  }
  return kind.get(deps.reader, text);
}

function notFound(noun: string, text: string): BotError {
  return new BotError("not-found", `No ${noun} "${text}" in the subscriptions vnetbot manages.`, {
    hint: "Check the spelling, or run /vnet list to see what vnetbot can see.",
  });
}

function ambiguous(noun: string, text: string, matches: Named[]): BotError {
  const short = matches.map((item) => `${item.resourceGroup}/${item.name}`);
  // The same rg/name in two subscriptions can only be told apart by id.
  const labels = new Set(short.map((label) => label.toLowerCase())).size === short.length ? short : matches.map((item) => item.id);
  return new BotError("ambiguous", `"${text}" matches ${matches.length} ${noun}s: ${labels.sort().join(", ")}.`, {
    hint: short === labels ? "Say which one with rg/name." : "Say which one with its full resource id.",
  });
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function equal(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
