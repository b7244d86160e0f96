/** Microsoft.Network subnet wire shapes (api-version 2026-01-01): delegations, service association links, references. */
import { etag } from "./network-wire.ts";
import type { SimDelegation, SimRouteTable, SimSubnet, SimVnet, SimulatorState } from "./state.ts";
import { APP_SERVICE_LINK, appServiceLinkOf, ipConfigurationIdsOf, subnetIdOf } from "./subnets.ts";

/**
 * The actions ARM fills in for a delegation (read-only; the SDK never sends them): Microsoft.Web/serverFarms gets
 * subnets/action (captured `az network vnet show` output in public repositories; terraform configurations send the
 * same list); for other services the SubnetCreateWithDelegation example shows an empty list.
 */
const DELEGATION_ACTIONS: Record<string, string[]> = { "microsoft.web/serverfarms": ["Microsoft.Network/virtualNetworks/subnets/action"] };

function delegationWire(subnetId: string, delegation: SimDelegation, tag: string): unknown {
  return {
    name: delegation.name,
    id: `${subnetId}/delegations/${delegation.name}`,
    etag: tag,
    type: "Microsoft.Network/virtualNetworks/subnets/delegations",
    properties: { serviceName: delegation.serviceName, actions: DELEGATION_ACTIONS[delegation.serviceName.toLowerCase()] ?? [], provisioningState: "Succeeded" },
  };
}

/**
 * App Service's link on an integration subnet, as captured `az network vnet show` output shows it; the same name and
 * link in the texts of azure-docs#48902 and Azure/deployment-stacks#150.
 */
export function appServiceLinkWire(subnetId: string, planId: string, tag: string): unknown {
  return {
    name: APP_SERVICE_LINK,
    id: `${subnetId}/serviceAssociationLinks/${APP_SERVICE_LINK}`,
    etag: tag,
    type: "Microsoft.Network/virtualNetworks/subnets/serviceAssociationLinks",
    properties: { provisioningState: "Succeeded", linkedResourceType: "Microsoft.Web/serverfarms", link: planId, enabledForArmDeployments: false, allowDelete: false, locations: [] },
  };
}

/** The service association links of a subnet: App Service's while a plan is integrated with it. */
export function serviceAssociationLinksWire(state: SimulatorState, vnet: SimVnet, subnet: SimSubnet): unknown[] {
  const id = subnetIdOf(vnet, subnet);
  const planId = appServiceLinkOf(state, id);
  return planId ? [appServiceLinkWire(id, planId, etag(id))] : [];
}

/**
 * One subnet with everything a PUT stored and what ARM adds: delegation actions, service endpoint state, the IP
 * configurations using it and the service association links. References (NSG, route table, NAT gateway, policies,
 * IP configurations) are `{id}` only, as ARM answers without $expand.
 */
export function subnetWire(state: SimulatorState, vnet: SimVnet, subnet: SimSubnet): unknown {
  const id = subnetIdOf(vnet, subnet);
  const tag = etag(id);
  const ipConfigurations = ipConfigurationIdsOf(state, vnet, subnet);
  const links = serviceAssociationLinksWire(state, vnet, subnet);
  const ref = (key: string, refId: string | undefined) => (refId ? { [key]: { id: refId } } : {});
  return {
    name: subnet.name,
    id,
    etag: tag,
    type: "Microsoft.Network/virtualNetworks/subnets",
    properties: {
      ...(subnet.addressPrefixes ? { addressPrefixes: subnet.addressPrefixes } : { addressPrefix: subnet.addressPrefix }),
      provisioningState: subnet.provisioningState,
      privateEndpointNetworkPolicies: subnet.privateEndpointNetworkPolicies,
      privateLinkServiceNetworkPolicies: subnet.privateLinkServiceNetworkPolicies,
      ...ref("networkSecurityGroup", subnet.nsgId),
      ...ref("routeTable", subnet.routeTableId),
      ...ref("natGateway", subnet.natGatewayId),
      ...(subnet.serviceEndpoints.length > 0 ? { serviceEndpoints: subnet.serviceEndpoints.map((e) => ({ ...e, provisioningState: "Succeeded" })) } : {}),
      ...(subnet.serviceEndpointPolicyIds.length > 0 ? { serviceEndpointPolicies: subnet.serviceEndpointPolicyIds.map((p) => ({ id: p })) } : {}),
      ...(ipConfigurations.length > 0 ? { ipConfigurations: ipConfigurations.map((c) => ({ id: c })) } : {}),
      ...(links.length > 0 ? { serviceAssociationLinks: links } : {}),
      delegations: subnet.delegations.map((d) => delegationWire(id, d, tag)),
    },
  };
}

/** GET routeTables/{name}: the subnets that use it; its routes are not modelled. */
export function routeTableWire(state: SimulatorState, table: SimRouteTable): unknown {
  const subnets = state.vnets.values().flatMap((v) => v.subnets.filter((s) => s.routeTableId?.toLowerCase() === table.id.toLowerCase()).map((s) => ({ id: subnetIdOf(v, s) })));
  return {
    name: table.name,
    id: table.id,
    etag: etag(table.id),
    type: "Microsoft.Network/routeTables",
    location: table.location,
    properties: { provisioningState: "Succeeded", disableBgpRoutePropagation: false, routes: [], subnets },
  };
}
