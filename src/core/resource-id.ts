/** ARM resource ids: parsing, building and comparing (ARM ids are case-insensitive). */

/** The parts of an ARM resource id that the bot uses. */
export interface ParsedResourceId {
  subscriptionId: string;
  resourceGroup: string;
  /** "Microsoft.Web", "Microsoft.Network", ... */
  provider: string;
  /** Type path segments, e.g. ["sites"] or ["virtualNetworks", "subnets"]. */
  types: string[];
  /** Names matching the types, e.g. ["vnet1", "GatewaySubnet"]. */
  names: string[];
}

const ID_PATTERN = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/(.+)$/i;

/** Parses a full ARM id; returns undefined when the text is not one. */
export function parseResourceId(id: string): ParsedResourceId | undefined {
  const match = ID_PATTERN.exec(id.trim());
  if (!match) return undefined;
  const [, subscriptionId, resourceGroup, provider, rest] = match as unknown as [string, string, string, string, string];
  const segments = rest.split("/");
  if (segments.length % 2 !== 0 || segments.some((s) => s.length === 0)) return undefined;
  const types: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < segments.length; i += 2) {
    types.push(segments[i]!);
    names.push(segments[i + 1]!);
  }
  return { subscriptionId, resourceGroup, provider, types, names };
}

/** Builds an ARM id from its parts. */
export function resourceId(subscriptionId: string, resourceGroup: string, provider: string, ...typeNamePairs: string[]): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${provider}/${typeNamePairs.join("/")}`;
}

/** Compares two ARM ids the way ARM does: case-insensitively. */
export function sameId(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** Subscription and resource group of an id ("" for parts an unreadable id lacks). */
export function scopeOf(id: string | undefined): { subscriptionId: string; resourceGroup: string } {
  const parsed = id ? parseResourceId(id) : undefined;
  return { subscriptionId: parsed?.subscriptionId ?? "", resourceGroup: parsed?.resourceGroup ?? "" };
}

/** "vnet/subnet" of a subnet id. */
export function subnetLabel(subnetId: string): string {
  const parts = subnetId.split("/");
  return `${parts.at(-3) ?? "?"}/${parts.at(-1) ?? "?"}`;
}

/** The last name in an id ("…/sites/app1" → "app1"). */
export function nameOf(id: string): string {
  return id.slice(id.lastIndexOf("/") + 1);
}

/**
 * True for a classic (Service Management) VNet's id, …/providers/Microsoft.ClassicNetwork/virtualNetworks/{name}:
 * gateway-required integration could name one (Microsoft's V1 script sets VnetResourceId to that form,
 * azure-docs articles/app-service-web/app-service-vnet-integration-powershell.md), but Microsoft.Network cannot
 * read it and regional integration cannot use it.
 */
export function isClassicVnetId(id: string): boolean {
  return parseResourceId(id)?.provider.toLowerCase() === "microsoft.classicnetwork";
}

/** An app's name as users type it: "app", or "app/slot" for a deployment slot's id. */
export function siteNameOf(id: string): string {
  const parsed = parseResourceId(id);
  return parsed ? parsed.names.join("/") : nameOf(id);
}

/** Ids of App Service and network resources the bot works with. */
export const ids = {
  plan: (sub: string, rg: string, name: string) => resourceId(sub, rg, "Microsoft.Web", "serverfarms", name),
  app: (sub: string, rg: string, name: string) => resourceId(sub, rg, "Microsoft.Web", "sites", name),
  slot: (sub: string, rg: string, name: string, slot: string) => resourceId(sub, rg, "Microsoft.Web", "sites", name, "slots", slot),
  vnet: (sub: string, rg: string, name: string) => resourceId(sub, rg, "Microsoft.Network", "virtualNetworks", name),
  gateway: (sub: string, rg: string, name: string) => resourceId(sub, rg, "Microsoft.Network", "virtualNetworkGateways", name),
  nsg: (sub: string, rg: string, name: string) => resourceId(sub, rg, "Microsoft.Network", "networkSecurityGroups", name),
};
