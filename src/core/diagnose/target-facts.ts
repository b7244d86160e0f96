/** Where a target address sits relative to the integration: its VNet, a peered VNet, a plan route, or nowhere. */
import { isBotError } from "../../errors.ts";
import { parseIpv4, prefixHolds, rangeContains, rangeOfRoute } from "../address-range.ts";
import type { GatewayConnectionInfo, NsgInfo, PeeringInfo, PlanRoute, SubnetInfo, VnetInfo } from "../model.ts";
import type { AzureReader } from "../ports.ts";
import type { IntegrationFacts } from "./integration-facts.ts";

/** Where the address is. */
export type TargetPlace =
  | { kind: "vnet"; prefix: string }
  | { kind: "peered"; peering: PeeringInfo; prefix: string; remote: VnetInfo | undefined; remoteError: string | undefined }
  | { kind: "plan-route"; route: PlanRoute }
  | { kind: "none" };

/** What the path checks need about one target address. */
export interface TargetFacts {
  ip: string;
  place: TargetPlace;
  /** The plan route that covers the address, if any (also set for VNet and peered targets). */
  route: PlanRoute | undefined;
  /** The subnet holding the address, in the integration's VNet or the peered one. */
  subnet: SubnetInfo | undefined;
  /** The VNet that subnet belongs to. */
  subnetVnet: VnetInfo | undefined;
  nsg: NsgInfo | undefined;
  /** The gateway's site-to-site connections, read when only a plan route leads to the address. */
  siteToSite: SiteToSite[] | undefined;
}

/**
 * A site-to-site connection with what its local network gateway announces: the prefixes on-premises said it holds.
 * Undefined when the connection has none (VNet-to-VNet) or it could not be read.
 */
export type SiteToSite = GatewayConnectionInfo & { announces: string[] | undefined; bgp: boolean };


function routeHolds(route: PlanRoute, ip: string): boolean {
  try {
    const address = parseIpv4(ip);
    return rangeContains(rangeOfRoute(route), { start: address, end: address });
  } catch {
    return false;
  }
}

/** Reads what is needed to place the address and evaluate its subnet's NSG. */
export async function readTarget(reader: AzureReader, facts: IntegrationFacts, ip: string): Promise<TargetFacts> {
  const { vnet, connection, gateway } = facts;
  const route = connection.routes.find((r) => routeHolds(r, ip));
  const base = { ip, route, subnet: undefined, subnetVnet: undefined, nsg: undefined, siteToSite: undefined };
  const vnetPrefix = vnet.addressSpace.find((prefix) => prefixHolds(prefix, ip));
  if (vnetPrefix) return withSubnet(reader, { ...base, place: { kind: "vnet", prefix: vnetPrefix } }, vnet);
  for (const peering of vnet.peerings) {
    // A peering that has not synced may not list the remote address space yet: the remote VNet has it.
    const known = peering.remoteAddressSpace.find((p) => prefixHolds(p, ip));
    if (!known && peering.remoteAddressSpace.length > 0) continue;
    const { remote, remoteError } = await readRemote(reader, peering.remoteVnetId);
    const prefix = known ?? remote?.addressSpace.find((p) => prefixHolds(p, ip));
    if (!prefix) continue;
    const facts: TargetFacts = { ...base, place: { kind: "peered", peering, prefix, remote, remoteError } };
    return remote ? withSubnet(reader, facts, remote) : facts;
  }
  if (route) {
    const siteToSite = gateway ? await withAnnouncements(reader, await reader.listGatewayConnections(gateway.id)) : [];
    return { ...base, place: { kind: "plan-route", route }, siteToSite };
  }
  return { ...base, place: { kind: "none" } };
}

/** Each connection with its local network gateway's address space; one that cannot be read is left unknown. */
async function withAnnouncements(reader: AzureReader, connections: readonly GatewayConnectionInfo[]): Promise<SiteToSite[]> {
  return Promise.all(
    connections.map(async (connection): Promise<SiteToSite> => {
      if (!connection.localNetworkGatewayId) return { ...connection, announces: undefined, bgp: false };
      try {
        const local = await reader.getLocalNetworkGateway(connection.localNetworkGatewayId);
        return { ...connection, announces: local.addressPrefixes, bgp: local.bgp };
      } catch (error) {
        if (isBotError(error)) return { ...connection, announces: undefined, bgp: false };
        throw error;
      }
    }),
  );
}

async function readRemote(reader: AzureReader, id: string): Promise<{ remote: VnetInfo | undefined; remoteError: string | undefined }> {
  try {
    return { remote: await reader.getVnet(id), remoteError: undefined };
  } catch (error) {
    // The peered VNet may live where vnetbot has no read access; the local side can still be checked.
    if (isBotError(error)) return { remote: undefined, remoteError: error.message };
    throw error;
  }
}

async function withSubnet(reader: AzureReader, facts: TargetFacts, vnet: VnetInfo): Promise<TargetFacts> {
  const subnet = vnet.subnets.find((s) => s.addressPrefixes.some((prefix) => prefixHolds(prefix, facts.ip)));
  const nsg = subnet?.nsgId ? await reader.getNsg(subnet.nsgId) : undefined;
  return { ...facts, subnet, subnetVnet: vnet, nsg };
}
