/**
 * What the integration subnet's VNet routes on to on-premises: its gateways' site-to-site connections and the
 * prefixes their local network gateways announce, and those of a peer's gateway it uses through gateway transit (its
 * side of the peering Connected with useRemoteGateways: azure-docs articles/virtual-network/virtual-network-peering-
 * overview.md, "Gateways and on-premises connectivity"). After the move a plan route to a private range outside the
 * VNet and its peers is reached only this way (or through a route table on the subnet), where before the old
 * gateway's point-to-site tunnel carried it (azure-docs articles/app-service/overview-vnet-integration.md, "Routes").
 * Read only when some route needs it: the transit peer's VNet, one connection list per gateway and one read per local
 * network gateway.
 */
import { isBotError } from "../../errors.ts";
import type { VnetInfo } from "../model.ts";
import type { AzureReader } from "../ports.ts";

/** One connection to on-premises: an IPsec connection's announced prefixes, or an ExpressRoute circuit's (BGP). */
export interface Site {
  connection: string;
  /** The VNet whose gateway holds the connection: the integration's, or the peer whose gateway it uses. */
  vnet: string;
  vnetId: string;
  status: string;
  prefixes: string[];
  /** On-premises may announce more over BGP than the prefixes say (a BGP site, or ExpressRoute). */
  bgp: boolean;
}

export interface SiteToSite {
  sites: Site[];
  /** Why the connections could not be read, when they could not. */
  unreadable: string | undefined;
}

export async function readSiteToSite(
  reader: Pick<AzureReader, "listGatewayConnections" | "getLocalNetworkGateway" | "getVnet">,
  vnet: Pick<VnetInfo, "id" | "name" | "gatewayIds" | "peerings">,
): Promise<SiteToSite> {
  try {
    // A VNet that uses a peer's gateway has none of its own (Azure refuses useRemoteGateways beside a local gateway).
    const transit = vnet.peerings.filter((p) => p.useRemoteGateways && /^connected$/i.test(p.peeringState));
    const remotes = await Promise.all(transit.map((p) => reader.getVnet(p.remoteVnetId)));
    const gateways = [...vnet.gatewayIds.map((id) => ({ id, vnet })), ...remotes.flatMap((remote) => remote.gatewayIds.map((id) => ({ id, vnet: remote })))];
    const connections = (await Promise.all(gateways.map(async (gateway) => (await reader.listGatewayConnections(gateway.id)).map((c) => ({ ...c, vnet: gateway.vnet.name, vnetId: gateway.vnet.id }))))).flat();
    const sites = await Promise.all(
      connections.flatMap((c): Array<Promise<Site>> => {
        if (c.connectionType === "ExpressRoute") return [Promise.resolve({ connection: c.name, vnet: c.vnet, vnetId: c.vnetId, status: c.connectionStatus, prefixes: [], bgp: true })];
        if (c.connectionType !== "IPsec" || !c.localNetworkGatewayId) return [];
        // BGP needs both: the local network gateway's BGP settings say how to peer, the connection's enableBgp turns it
        // on (Az.Network's New-AzVirtualNetworkGatewayConnection -EnableBgp).
        return [reader.getLocalNetworkGateway(c.localNetworkGatewayId).then((lng) => ({ connection: c.name, vnet: c.vnet, vnetId: c.vnetId, status: c.connectionStatus, prefixes: lng.addressPrefixes, bgp: lng.bgp && c.enableBgp }))];
      }),
    );
    return { sites, unreadable: undefined };
  } catch (error) {
    if (isBotError(error)) return { sites: [], unreadable: error.message };
    throw error;
  }
}
