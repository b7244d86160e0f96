/**
 * Turns what users type (a bare name, "rg/name", "app/slot", "rg/app/slot" or a full resource id) into the
 * resource it means.
 */
import { BotError } from "../errors.ts";
import { assertValidAzureName, isValidAzureName, type NamedResource } from "./azure-names.ts";
import type { AppInfo, PlanInfo, VnetInfo } from "./model.ts";
import type { AzureReader } from "./ports.ts";
import { escapeMrkdwn } from "./reply.ts";
import { parseResourceId } from "./resource-id.ts";

/**
 * What a user typed to name a resource, understood once: a full resource id, or a name with an optional resource
 * group ("rg/name"). Parsing it checks the syntax only; which resource it means is for the resolvers to find.
 */
export interface ResourceRef {
  /** As typed. */
  text: string;
  /** The id, when a full resource id was typed. */
  id: string | undefined;
  /** The resource group of "rg/name". */
  resourceGroup: string | undefined;
  /** The resource's own name (the last name of an id). */
  name: string;
  /** For apps, "rg/app/slot": the deployment slot. */
  slot?: string;
}

/** Understands a reference, or throws a usage error saying what a reference looks like. */
export function parseResourceRef(noun: Exclude<NamedResource, "resource group" | "slot">, input: string): ResourceRef {
  const text = input.trim();
  if (text.length === 0) throw new BotError("usage", `Name the ${noun}: a name, rg/name or a resource id.`);
  // An id is checked against the kind it must be when it is resolved.
  if (text.startsWith("/")) return { text, id: text, resourceGroup: parseResourceId(text)?.resourceGroup, name: parseResourceId(text)?.names.at(-1) ?? "" };
  const parts = text.split("/");
  // Apps also take "app/slot" and "rg/app/slot"; "a/b" is read as rg/app, or as app/slot when that is what exists.
  const most = noun === "app" ? 3 : 2;
  if (parts.length > most) {
    throw new BotError("usage", `"${escapeMrkdwn(text)}" is neither ${article(noun)} name, rg/name${noun === "app" ? ", app/slot" : ""}, nor a full resource id.`, {
      hint: `Give the name, resource-group/name${noun === "app" ? ", APP/SLOT" : ""}, or the id starting with /subscriptions/.`,
    });
  }
  if (parts.length === 3) {
    const [resourceGroup = "", name = "", slot = ""] = parts;
    assertValidAzureName("resource group", resourceGroup);
    assertValidAzureName("app", name);
    assertValidAzureName("slot", slot);
    return { text, id: undefined, resourceGroup, name, slot };
  }
  const [first = "", second] = parts;
  const resourceGroup = second === undefined ? undefined : first;
  const name = second ?? first;
  if (resourceGroup !== undefined && !(noun === "app" && isValidAzureName("app", resourceGroup))) assertValidAzureName("resource group", resourceGroup);
  if (!(noun === "app" && resourceGroup !== undefined && isValidAzureName("slot", name))) assertValidAzureName(noun, name);
  return { text, id: undefined, resourceGroup, name };
}

/** True when the reference names this resource (by id, or by name and, when given, resource group). */
export function isReferredTo(resource: Named, ref: ResourceRef): boolean {
  if (ref.id !== undefined) return equal(resource.id, ref.id);
  return equal(resource.name, ref.name) && (ref.resourceGroup === undefined || equal(resource.resourceGroup, ref.resourceGroup));
}

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
  noun: Exclude<NamedResource, "resource group" | "slot">;
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
 * Finds an app or a slot: by name, rg/name or id in the configured subscriptions' site lists; "app/slot" and
 * "rg/app/slot" among the app's slots. When "a/b" could be both rg/app and app/slot, and both exist, it asks which.
 */
export async function resolveApp(deps: ResolveDeps, ref: ResourceRef | string): Promise<AppInfo> {
  const wanted = typeof ref === "string" ? parseResourceRef("app", ref) : ref;
  if (wanted.id !== undefined) return resolveId(deps, APP, wanted.id);
  if (wanted.slot !== undefined) return slotOf(deps, await resolve(deps, APP, { ...wanted, text: `${wanted.resourceGroup}/${wanted.name}` }), wanted.slot, wanted.text);
  if (wanted.resourceGroup === undefined) return resolve(deps, APP, wanted);
  // "a/b": the app b of resource group a, or the slot b of app a.
  const apps = (await Promise.all(deps.subscriptions.map((subscriptionId) => deps.reader.listApps(subscriptionId)))).flat();
  const asGroup = apps.filter((app) => isReferredTo(app, wanted));
  const parents = apps.filter((app) => equal(app.name, wanted.resourceGroup!));
  const slots = (await Promise.all(parents.map((app) => deps.reader.listSlots(app.id)))).flat().filter((slot) => equal(slot.slot ?? "", wanted.name));
  const matches = [...asGroup, ...slots];
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw notFound("app", wanted.text);
  throw ambiguous("app", wanted.text, matches);
}

async function slotOf(deps: ResolveDeps, app: AppInfo, slot: string, text: string): Promise<AppInfo> {
  const found = (await deps.reader.listSlots(app.id)).find((candidate) => equal(candidate.slot ?? "", slot));
  if (!found) throw new BotError("not-found", `App ${app.name} has no deployment slot "${slot}".`, { hint: `Check the slot's name in the portal; \`${text}\` names app/slot or rg/app/slot.` });
  return found;
}

/** Finds an App Service plan by name, rg/name or resource id in the configured subscriptions. */
export async function resolvePlan(deps: ResolveDeps, ref: ResourceRef | string): Promise<PlanInfo> {
  return resolve(deps, PLAN, typeof ref === "string" ? parseResourceRef("plan", ref) : ref);
}

/** Finds a virtual network by name, rg/name or resource id in the configured subscriptions. */
export async function resolveVnet(deps: ResolveDeps, ref: ResourceRef | string): Promise<VnetInfo> {
  return resolve(deps, VNET, typeof ref === "string" ? parseResourceRef("vnet", ref) : ref);
}

async function resolve<T extends Named>(deps: ResolveDeps, kind: Kind<T>, ref: ResourceRef): Promise<T> {
  if (ref.id !== undefined) return resolveId(deps, kind, ref.id);
  const found = await Promise.all(deps.subscriptions.map((subscriptionId) => kind.list(deps.reader, subscriptionId)));
  const matches = found.flat().filter((item) => isReferredTo(item, ref));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw notFound(kind.noun, ref.text);
  throw ambiguous(kind.noun, ref.text, matches);
}

async function resolveId<T extends Named>(deps: ResolveDeps, kind: Kind<T>, text: string): Promise<T> {
  const parsed = parseResourceId(text);
  // An app's id may also be one of its slots' (…/sites/{app}/slots/{slot}).
  const types = parsed?.types.map((t) => t.toLowerCase()) ?? [];
  const isKind = parsed !== undefined && equal(parsed.provider, kind.provider) && equal(types[0] ?? "", kind.type) && (types.length === 1 || (kind.noun === "app" && types.join("/") === "sites/slots"));
  if (!parsed || !isKind) {
    throw new BotError("usage", `"${escapeMrkdwn(text)}" is not the resource id of ${article(shown(kind.noun))}.`, {
      hint: `A ${shown(kind.noun)} id looks like /subscriptions/<id>/resourceGroups/<rg>/providers/${kind.provider}/${kind.type}/<name>.`,
    });
  }
  assertValidAzureName("resource group", parsed.resourceGroup);
  assertValidAzureName(kind.noun, parsed.names[0] ?? "");
  if (parsed.names[1] !== undefined) assertValidAzureName("slot", parsed.names[1]);
  if (!deps.subscriptions.some((subscriptionId) => equal(subscriptionId, parsed.subscriptionId))) {
    throw new BotError("not-found", `Subscription ${escapeMrkdwn(parsed.subscriptionId)} is not one vnetbot is configured to manage.`, {
      hint: `Use ${article(shown(kind.noun))} in one of: ${deps.subscriptions.join(", ")}.`,
    });
  }
  return kind.get(deps.reader, text);
}

export function notFound(noun: string, text: string): BotError {
  return new BotError("not-found", `No ${shown(noun)} "${escapeMrkdwn(text)}" in the subscriptions vnetbot manages.`, {
    hint: "Check the spelling, or run /vnet list to see what vnetbot can see.",
  });
}

/** The noun as users read it: "VNet", as Azure writes it, not the kind's key. */
const shown = (noun: string) => (noun === "vnet" ? "VNet" : noun);

function ambiguous(noun: string, text: string, matches: Named[]): BotError {
  const short = matches.map((item) => `${item.resourceGroup}/${item.name}`);
  // The same rg/name in two subscriptions can only be told apart by id.
  const labels = new Set(short.map((label) => label.toLowerCase())).size === short.length ? short : matches.map((item) => item.id);
  return new BotError("ambiguous", `"${escapeMrkdwn(text)}" matches ${matches.length} ${shown(noun)}s: ${labels.sort().join(", ")}.`, {
    hint: short === labels ? "Say which one with rg/name." : "Say which one with its full resource id.",
  });
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/** "an app", "a plan", "a VNet": a kind of resource as a user's message names it. */
export function aResource(noun: string): string {
  return article(shown(noun));
}

function equal(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
