/** Microsoft.Network wire shapes (api-version 2026-01-01); gateways start from the official GET example. */
import { readFileSync } from "node:fs";
import { sourceFile } from "../../source-files.ts";
import type { SimGateway, SimGatewayConnection, SimNsg, SimNsgRule, SimPeering, SimVnet, SimulatorState } from "./state.ts";
import { subnetWire } from "./subnet-wire.ts";
import { gatewayIpConfigId } from "./subnets.ts";

const GATEWAY_EXAMPLE = JSON.parse(
  readFileSync(sourceFile("src/stand-ins/arm/fixtures/network-2026-01-01_VirtualNetworkGatewayGet.json"), "utf8"),
) as { responses: { "200": { body: Record<string, unknown> & { properties: Record<string, unknown> } } } };

/** A stable weak etag for a resource id. */
export const etag = (id: string): string => `W/"${Buffer.from(id.toLowerCase()).toString("hex").slice(-32).padStart(32, "0").replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-")}"`;

/** GET virtualNetworkGateways/{name}. */
export function gatewayWire(gateway: SimGateway): unknown {
  const example = structuredClone(GATEWAY_EXAMPLE.responses["200"].body);
  const { natRules: _nat, vpnClientConfiguration: _p2s, ipConfigurations: _ip, ...exampleProps } = example.properties;
  delete example["identity"];
  const hasP2s = gateway.addressPool.length > 0 || gateway.protocols.length > 0;
  return {
    ...example,
    name: gateway.name,
    id: gateway.id,
    etag: gateway.etag,
    location: gateway.location,
    properties: {
      ...exampleProps,
      bgpSettings: { asn: 65515, bgpPeeringAddress: "", peerWeight: 0 },
      customRoutes: { addressPrefixes: [] },
      gatewayType: gateway.gatewayType,
      vpnType: gateway.vpnType,
      sku: { name: gateway.sku, tier: gateway.sku, capacity: 2 },
      provisioningState: gateway.provisioningState,
      resourceGuid: etag(gateway.id).slice(3, -1),
      vpnGatewayGeneration: gateway.gatewayType === "Vpn" ? "Generation1" : "None",
      ipConfigurations: [
        {
          name: "default",
          etag: gateway.etag,
          id: gatewayIpConfigId(gateway),
          properties: {
            privateIPAllocationMethod: "Dynamic",
            provisioningState: "Succeeded",
            publicIPAddress: { id: gateway.id.replace(/virtualNetworkGateways\/.*$/i, `publicIPAddresses/${gateway.name}-pip`) },
            subnet: { id: `${gateway.vnetId}/subnets/GatewaySubnet` },
          },
        },
      ],
      ...(hasP2s
        ? {
            vpnClientConfiguration: {
              vpnClientAddressPool: { addressPrefixes: gateway.addressPool },
              vpnClientProtocols: gateway.protocols,
              vpnAuthenticationTypes: gateway.authenticationTypes,
              vpnClientRootCertificates: gateway.rootCertificates.map((cert) => ({
                name: cert.name,
                id: `${gateway.id}/vpnClientRootCertificates/${cert.name}`,
                etag: gateway.etag,
                properties: { provisioningState: "Succeeded", publicCertData: cert.publicCertData },
              })),
              vpnClientRevokedCertificates: [],
              vpnClientIpsecPolicies: [],
            },
          }
        : {}),
    },
  };
}

/** One side of a peering, with the remote VNet's current address space. */
export function peeringWire(state: SimulatorState, vnet: SimVnet, peering: SimPeering): unknown {
  const remoteSpace = { addressPrefixes: state.vnets.get(peering.remoteVnetId)?.addressSpace ?? [] };
  return {
    name: peering.name,
    id: `${vnet.id}/virtualNetworkPeerings/${peering.name}`,
    etag: etag(`${vnet.id}/${peering.name}`),
    type: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
    properties: {
      allowForwardedTraffic: peering.allowForwardedTraffic,
      allowGatewayTransit: peering.allowGatewayTransit,
      allowVirtualNetworkAccess: peering.allowVirtualNetworkAccess,
      useRemoteGateways: peering.useRemoteGateways,
      peeringState: peering.peeringState,
      peeringSyncLevel: "FullyInSync",
      provisioningState: "Succeeded",
      remoteAddressSpace: remoteSpace,
      remoteVirtualNetworkAddressSpace: remoteSpace,
      remoteVirtualNetwork: { id: peering.remoteVnetId },
    },
  };
}

/** The VNet's resourceGuid: App Service names a regional integration `{resourceGuid}_{subnet}` after it. */
export function resourceGuidOf(vnet: Pick<SimVnet, "id">): string {
  return etag(vnet.id).slice(3, -1);
}

/** GET virtualNetworks/{name}. */
export function vnetWire(state: SimulatorState, vnet: SimVnet): unknown {
  return {
    name: vnet.name,
    id: vnet.id,
    etag: etag(vnet.id),
    type: "Microsoft.Network/virtualNetworks",
    location: vnet.location,
    properties: {
      provisioningState: "Succeeded",
      resourceGuid: resourceGuidOf(vnet),
      addressSpace: { addressPrefixes: vnet.addressSpace },
      dhcpOptions: { dnsServers: vnet.dnsServers },
      subnets: vnet.subnets.map((s) => subnetWire(state, vnet, s)),
      virtualNetworkPeerings: vnet.peerings.map((p) => peeringWire(state, vnet, p)),
      enableDdosProtection: false,
    },
  };
}

function ruleWire(nsgId: string, rule: SimNsgRule, kind: "securityRules" | "defaultSecurityRules"): unknown {
  const { name, ...props } = rule;
  return {
    name,
    id: `${nsgId}/${kind}/${name}`,
    etag: etag(`${nsgId}/${name}`),
    type: `Microsoft.Network/networkSecurityGroups/${kind}`,
    properties: { ...props, sourcePortRange: "*", provisioningState: "Succeeded" },
  };
}

const DEFAULT_RULES: SimNsgRule[] = [
  ["AllowVnetInBound", 65000, "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork"],
  ["AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "AzureLoadBalancer", "*"],
  ["DenyAllInBound", 65500, "Inbound", "Deny", "*", "*"],
  ["AllowVnetOutBound", 65000, "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork"],
  ["AllowInternetOutBound", 65001, "Outbound", "Allow", "*", "Internet"],
  ["DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*"],
].map(([name, priority, direction, access, source, destination]) => ({
  name: name as string,
  priority: priority as number,
  direction: direction as SimNsgRule["direction"],
  access: access as SimNsgRule["access"],
  protocol: "*",
  sourceAddressPrefix: source as string,
  destinationAddressPrefix: destination as string,
  destinationPortRange: "*",
}));

/** GET networkSecurityGroups/{name}, with Azure's six default rules. */
export function nsgWire(state: SimulatorState, nsg: SimNsg): unknown {
  const subnets = state.vnets.values().flatMap((v) => v.subnets.filter((s) => s.nsgId?.toLowerCase() === nsg.id.toLowerCase()).map((s) => ({ id: `${v.id}/subnets/${s.name}` })));
  return {
    name: nsg.name,
    id: nsg.id,
    etag: etag(nsg.id),
    type: "Microsoft.Network/networkSecurityGroups",
    location: nsg.location,
    properties: {
      provisioningState: "Succeeded",
      securityRules: nsg.rules.map((r) => ruleWire(nsg.id, r, "securityRules")),
      defaultSecurityRules: DEFAULT_RULES.map((r) => ruleWire(nsg.id, r, "defaultSecurityRules")),
      subnets,
    },
  };
}

/** A site-to-site connection (GET connections/{name} and the gateway's connection list). */
/** The id of an IPsec connection's local network gateway: "<connection>-lng" beside the connection. */
export function localNetworkGatewayIdOf(connection: SimGatewayConnection): string {
  return connection.id.replace(/connections\/[^/]+$/i, `localNetworkGateways/${connection.name}-lng`);
}

/**
 * A local network gateway as GET …/localNetworkGateways/{name} answers (arm-network's LocalNetworkGateway): the
 * on-premises address space, the device's address, and BGP settings when BGP is on.
 */
export function localNetworkGatewayWire(connection: SimGatewayConnection): unknown {
  const id = localNetworkGatewayIdOf(connection);
  return {
    name: id.split("/").pop(),
    id,
    etag: etag(id),
    type: "Microsoft.Network/localNetworkGateways",
    location: connection.location,
    properties: {
      localNetworkAddressSpace: { addressPrefixes: connection.localNetwork.addressPrefixes },
      gatewayIpAddress: "203.0.113.10",
      ...(connection.localNetwork.bgp ? { bgpSettings: { asn: 65010, bgpPeeringAddress: "10.255.0.1", peerWeight: 0 } } : {}),
      provisioningState: "Succeeded",
    },
  };
}

export function gatewayConnectionWire(connection: SimGatewayConnection, options: { listed?: boolean } = {}): unknown {
  return {
    name: connection.name,
    id: connection.id,
    etag: etag(connection.id),
    type: "Microsoft.Network/connections",
    location: connection.location,
    properties: {
      connectionType: connection.connectionType,
      ...(options.listed ? {} : { connectionStatus: connection.connectionStatus }),
      enableBgp: connection.enableBgp,
      // ARM embeds the gateways as resources; the SDK deserializes their (empty) properties.
      virtualNetworkGateway1: { id: connection.gatewayId, properties: {} },
      ...(connection.connectionType === "IPsec"
        ? { localNetworkGateway2: { id: localNetworkGatewayIdOf(connection), properties: {} } }
        : {}),
      provisioningState: "Succeeded",
      ingressBytesTransferred: 0,
      egressBytesTransferred: 0,
      routingWeight: 0,
    },
  };
}
