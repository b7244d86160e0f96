/** Subnets as Network and App Service see them: ids, who uses them, and App Service's service association link. */
import type { SimApp, SimGateway, SimSubnet, SimulatorState, SimVnet } from "./state.ts";

/** The delegation regional VNet integration needs. */
export const APP_SERVICE_DELEGATION = "Microsoft.Web/serverFarms";
/** The name App Service gives its link (azure-docs#48902, #121487, Azure/deployment-stacks#150). */
export const APP_SERVICE_LINK = "AppServiceLink";

const lower = (text: string) => text.toLowerCase();

/** The portal's name for a delegation: the service name with a dot (Microsoft.Web.serverFarms). */
export function delegationName(serviceName: string): string {
  return serviceName.replace(/\//g, ".");
}

export function subnetIdOf(vnet: SimVnet, subnet: Pick<SimSubnet, "name">): string {
  return `${vnet.id}/subnets/${subnet.name}`;
}

/** Every prefix of a subnet, whichever field it was written with. */
export function prefixesOf(subnet: SimSubnet): string[] {
  return subnet.addressPrefixes ?? [subnet.addressPrefix];
}

/** The VNet and subnet a Microsoft.Network subnet id names, if both exist. */
export function findSubnet(state: SimulatorState, subnetId: string): { vnet: SimVnet; subnet: SimSubnet } | undefined {
  const match = /^(.*\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+)\/subnets\/([^/]+)$/i.exec(subnetId);
  const vnet = match ? state.vnets.get(match[1]!) : undefined;
  const subnet = vnet?.subnets.find((s) => lower(s.name) === lower(match![2]!));
  return vnet && subnet ? { vnet, subnet } : undefined;
}

export function isDelegatedToAppService(subnet: SimSubnet): boolean {
  return subnet.delegations.some((d) => lower(d.serviceName) === lower(APP_SERVICE_DELEGATION));
}

/** The apps and slots regionally integrated with the subnet. */
export function regionalAppsOn(state: SimulatorState, subnetId: string): SimApp[] {
  return state.apps.values().filter((app) => app.regionalSubnetId !== undefined && lower(app.regionalSubnetId) === lower(subnetId));
}

/**
 * The plan App Service links the subnet to: it holds an AppServiceLink while any app of a plan is integrated with
 * the subnet, and removes it when the last one leaves (Azure/deployment-stacks#150). How several plans sharing a
 * subnet (multi-plan subnet join) show up in the links is not public: here one link, to the plan that has been on the
 * subnet longest, so that a plan joining later sees the subnet held by another.
 */
export function appServiceLinkOf(state: SimulatorState, subnetId: string): string | undefined {
  const apps = regionalAppsOn(state, subnetId);
  return apps.reduce<SimApp | undefined>((first, app) => (!first || (app.regionalSince ?? 0) < (first.regionalSince ?? 0) ? app : first), undefined)?.planId;
}


/** The distinct subnets the apps of a plan are regionally integrated with. */
export function regionalSubnetsOfPlan(state: SimulatorState, planId: string): string[] {
  const subnets = new Map<string, string>();
  for (const app of state.appsOf(planId)) if (app.regionalSubnetId) subnets.set(lower(app.regionalSubnetId), app.regionalSubnetId);
  return [...subnets.values()];
}

/** The id of a gateway's (single) IP configuration, which the GatewaySubnet lists. */
export function gatewayIpConfigId(gateway: SimGateway): string {
  return `${gateway.id}/ipConfigurations/default`;
}

/** The IP configurations in the subnet: the seeded NICs and private endpoints, and the gateways in a GatewaySubnet. */
export function ipConfigurationIdsOf(state: SimulatorState, vnet: SimVnet, subnet: SimSubnet): string[] {
  const gateways = lower(subnet.name) === "gatewaysubnet" ? state.gateways.values().filter((g) => lower(g.vnetId) === lower(vnet.id)) : [];
  return [...gateways.map(gatewayIpConfigId), ...subnet.ipConfigurationIds];
}

/**
 * The locations ARM fills in for a service endpoint the PUT gave none for: the VNet's region for Microsoft.Storage
 * (the SubnetCreateServiceEndpoint example lists the region and its pair), "*" for the others (a captured Key Vault
 * endpoint in captured `az network vnet show` output). The exact lists per service are ARM's; these are stand-ins.
 */
export function serviceEndpointLocations(service: string, vnetLocation: string): string[] {
  return lower(service) === "microsoft.storage" ? [vnetLocation] : ["*"];
}
