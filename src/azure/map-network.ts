import type {
  LocalNetworkGateway,
  NetworkSecurityGroup,
  SecurityRule,
  Subnet,
  VirtualNetwork,
  VirtualNetworkGateway,
  VirtualNetworkGatewayConnectionListEntity,
  VirtualNetworkPeering,
} from "@azure/arm-network";
import type { GatewayConnectionInfo, GatewayInfo, LocalNetworkGatewayInfo, NsgInfo, NsgRule, PeeringInfo, SubnetInfo, VnetInfo } from "../core/model.ts";
import { scopeOf } from "../core/resource-id.ts";


/** Merges ARM's singular and plural fields (a rule may use either). */
function both(single: string | undefined, many: string[] | undefined): string[] {
  return [...(single ? [single] : []), ...(many ?? [])];
}

/** The gateway ids behind a VNet's GatewaySubnet: ipConfigurations ids end in …/virtualNetworkGateways/{gw}/ipConfigurations/{cfg}. */
function gatewayIdsOf(vnet: VirtualNetwork): string[] {
  const gatewaySubnet = vnet.subnets?.find((s) => s.name?.toLowerCase() === "gatewaysubnet");
  const ids = (gatewaySubnet?.ipConfigurations ?? [])
    .map((cfg) => cfg.id ?? "")
    .map((id) => /^(.*\/virtualNetworkGateways\/[^/]+)\/ipConfigurations\//i.exec(id)?.[1])
    .filter((id): id is string => id !== undefined);
  return [...new Set(ids)];
}

/** One side of a peering as the domain sees it. */
export function toPeeringInfo(peering: VirtualNetworkPeering): PeeringInfo {
  return {
    id: peering.id ?? "",
    name: peering.name ?? "",
    remoteVnetId: peering.remoteVirtualNetwork?.id ?? "",
    allowVirtualNetworkAccess: peering.allowVirtualNetworkAccess === true,
    allowForwardedTraffic: peering.allowForwardedTraffic === true,
    allowGatewayTransit: peering.allowGatewayTransit === true,
    useRemoteGateways: peering.useRemoteGateways === true,
    peeringState: peering.peeringState ?? "",
    remoteAddressSpace: peering.remoteAddressSpace?.addressPrefixes ?? peering.remoteVirtualNetworkAddressSpace?.addressPrefixes ?? [],
  };
}

/** A subnet as the domain sees it: what regional integration needs of it, and what a PUT must keep. */
export function toSubnetInfo(subnet: Subnet): SubnetInfo {
  return {
    id: subnet.id ?? "",
    name: subnet.name ?? "",
    addressPrefixes: both(subnet.addressPrefix, subnet.addressPrefixes),
    nsgId: subnet.networkSecurityGroup?.id,
    routeTableId: subnet.routeTable?.id,
    delegations: (subnet.delegations ?? []).map((d) => d.serviceName ?? "").filter(Boolean),
    serviceAssociationLinks: (subnet.serviceAssociationLinks ?? []).map((l) => ({ name: l.name ?? "", linkedResourceType: l.linkedResourceType ?? "", link: l.link ?? "" })),
    serviceEndpoints: (subnet.serviceEndpoints ?? []).map((e) => e.service ?? "").filter(Boolean),
    hasServiceEndpointPolicies: (subnet.serviceEndpointPolicies ?? []).length > 0,
    ipConfigurationCount: (subnet.ipConfigurations ?? []).length + (subnet.privateEndpoints ?? []).length,
  };
}

/** A virtual network as the domain sees it. */
export function toVnetInfo(vnet: VirtualNetwork): VnetInfo {
  return {
    id: vnet.id ?? "",
    name: vnet.name ?? "",
    ...scopeOf(vnet.id),
    location: vnet.location ?? "",
    addressSpace: vnet.addressSpace?.addressPrefixes ?? [],
    dnsServers: vnet.dhcpOptions?.dnsServers ?? [],
    subnets: (vnet.subnets ?? []).map(toSubnetInfo),
    peerings: (vnet.virtualNetworkPeerings ?? []).map(toPeeringInfo),
    gatewayIds: gatewayIdsOf(vnet),
  };
}

/** A virtual network gateway as the domain sees it. */
export function toGatewayInfo(gateway: VirtualNetworkGateway): GatewayInfo {
  const p2s = gateway.vpnClientConfiguration;
  return {
    id: gateway.id ?? "",
    name: gateway.name ?? "",
    ...scopeOf(gateway.id),
    gatewayType: gateway.gatewayType ?? "",
    vpnType: gateway.vpnType ?? "",
    skuName: gateway.sku?.name ?? "",
    provisioningState: gateway.provisioningState ?? "",
    addressPool: p2s?.vpnClientAddressPool?.addressPrefixes ?? [],
    protocols: p2s?.vpnClientProtocols ?? [],
    authenticationTypes: p2s?.vpnAuthenticationTypes ?? [],
    rootCertificates: (p2s?.vpnClientRootCertificates ?? []).map((c) => ({ name: c.name ?? "", publicCertData: c.publicCertData })),
  };
}

function toNsgRule(rule: SecurityRule, isDefault: boolean): NsgRule {
  return {
    name: rule.name ?? "",
    priority: rule.priority ?? 0,
    direction: rule.direction === "Outbound" ? "Outbound" : "Inbound",
    access: rule.access === "Deny" ? "Deny" : "Allow",
    protocol: rule.protocol ?? "*",
    sourcePrefixes: both(rule.sourceAddressPrefix, rule.sourceAddressPrefixes),
    destinationPrefixes: both(rule.destinationAddressPrefix, rule.destinationAddressPrefixes),
    destinationPorts: both(rule.destinationPortRange, rule.destinationPortRanges),
    isDefault,
  };
}

/** A network security group with custom and default rules. */
export function toNsgInfo(nsg: NetworkSecurityGroup): NsgInfo {
  return {
    id: nsg.id ?? "",
    name: nsg.name ?? "",
    rules: [...(nsg.securityRules ?? []).map((r) => toNsgRule(r, false)), ...(nsg.defaultSecurityRules ?? []).map((r) => toNsgRule(r, true))],
  };
}

/** A site-to-site or VNet-to-VNet connection of a gateway. */
export function toGatewayConnection(connection: VirtualNetworkGatewayConnectionListEntity): GatewayConnectionInfo {
  return {
    id: connection.id ?? "",
    name: connection.name ?? "",
    connectionType: connection.connectionType ?? "",
    connectionStatus: connection.connectionStatus ?? "Unknown",
    localNetworkGatewayId: connection.localNetworkGateway2?.id || undefined,
    enableBgp: connection.enableBgp === true,
  };
}

/** A local network gateway; an address space ARM leaves out (a BGP-only site) is none. */
export function toLocalNetworkGateway(gateway: LocalNetworkGateway): LocalNetworkGatewayInfo {
  return {
    id: gateway.id ?? "",
    name: gateway.name ?? "",
    addressPrefixes: gateway.localNetworkAddressSpace?.addressPrefixes ?? [],
    bgp: gateway.bgpSettings !== undefined && gateway.bgpSettings !== null,
  };
}
