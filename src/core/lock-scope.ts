/** Where a management lock sits, as people say it: "resource group rg-network", "app orders-web (resource group rg-apps)". */
import { parseResourceId } from "./resource-id.ts";

const KINDS: Record<string, string> = { sites: "app", serverfarms: "plan", virtualnetworks: "VNet", virtualnetworkgateways: "gateway" };

export function describeLockScope(scope: string): { text: string; group: string | undefined } {
  const parsed = parseResourceId(scope);
  if (parsed) {
    const kind = KINDS[parsed.types[0]!.toLowerCase()] ?? parsed.types.join("/");
    return { text: `${kind} ${parsed.names.join("/")} (resource group ${parsed.resourceGroup})`, group: parsed.resourceGroup };
  }
  const group = /\/resourceGroups\/([^/]+)\/?$/i.exec(scope)?.[1];
  if (group) return { text: `resource group ${group}`, group };
  const subscription = /^\/subscriptions\/([^/]+)\/?$/i.exec(scope)?.[1];
  return { text: subscription ? `subscription ${subscription}` : scope, group: undefined };
}
