/** Seeded subnets and seeded regional integrations, as ARM would hold them. */
import type { VnetSeed } from "./estate.ts";
import { regionalPrivateIp } from "./regional.ts";
import type { SimApp, SimDelegation, SimSubnet, SimulatorState } from "./state.ts";
import { parseCidr } from "./addresses.ts";
import { APP_SERVICE_DELEGATION, appServiceLinkOf, delegationName, findSubnet, isDelegatedToAppService, serviceEndpointLocations, subnetIdOf } from "./subnets.ts";

type SubnetSeed = VnetSeed["subnets"][number];

/** A seeded subnet: references resolved by the caller, ids made up for its NICs and policies. */
export function subnetFromSeed(seed: SubnetSeed, vnetId: string, location: string, refs: { nsg: string | undefined; routeTable: string | undefined }): SimSubnet {
  const group = vnetId.replace(/\/providers\/.*$/i, "");
  const vnetName = vnetId.split("/").pop()!;
  const delegations: SimDelegation[] = seed.delegations.map((d) => (typeof d === "string" ? { name: delegationName(d), serviceName: d } : d));
  return {
    name: seed.name,
    addressPrefix: seed.addressPrefix,
    addressPrefixes: undefined,
    nsgId: refs.nsg,
    routeTableId: refs.routeTable,
    natGatewayId: undefined,
    delegations,
    serviceEndpoints: seed.serviceEndpoints.map((service) => ({ service, locations: serviceEndpointLocations(service, location) })),
    serviceEndpointPolicyIds: seed.serviceEndpointPolicies.map((name) => `${group}/providers/Microsoft.Network/serviceEndpointPolicies/${name}`),
    ipConfigurationIds: Array.from(
      { length: seed.ipConfigurations },
      (_, i) => `${group}/providers/Microsoft.Network/networkInterfaces/${vnetName}-${seed.name}-nic${i + 1}/ipConfigurations/ipconfig1`,
    ),
    // ARM's defaults when a PUT leaves them out.
    privateEndpointNetworkPolicies: "Disabled",
    privateLinkServiceNetworkPolicies: "Enabled",
    provisioningState: "Succeeded",
  };
}

/**
 * A seeded regional integration: the subnet must exist and be empty, and hold no other plan's link. It gets the
 * Microsoft.Web/serverFarms delegation if the seed did not give it, since App Service only integrates delegated
 * subnets. Returns a problem to report, or undefined.
 */
export function seedRegionalIntegration(state: SimulatorState, app: SimApp, subnetId: string): string | undefined {
  const found = findSubnet(state, subnetId);
  if (!found) return `no subnet ${subnetId.split("/subnets/").pop()} in that VNet; add it to the VNet's subnets.`;
  const { vnet, subnet } = found;
  if (subnet.ipConfigurationIds.length > 0) return `subnet ${subnet.name} has ipConfigurations; an integration subnet must be empty.`;
  const id = subnetIdOf(vnet, subnet);
  const linked = appServiceLinkOf(state, id);
  const subscription = (planId: string) => planId.split("/")[2]?.toLowerCase();
  const joinable = (parseCidr(subnet.addressPrefix)?.bits ?? 32) <= 26 && linked !== undefined && subscription(linked) === subscription(app.planId);
  if (linked && linked.toLowerCase() !== app.planId.toLowerCase() && !joinable) {
    return `subnet ${subnet.name} is already linked to plan ${linked.split("/").pop()}; plans share a subnet only when it is a /26 or larger and they are in one subscription (multi-plan subnet join).`;
  }
  if (!isDelegatedToAppService(subnet)) subnet.delegations.push({ name: delegationName(APP_SERVICE_DELEGATION), serviceName: APP_SERVICE_DELEGATION });
  app.regionalSubnetId = id;
  app.privateIp ??= regionalPrivateIp(subnet);
  return undefined;
}
