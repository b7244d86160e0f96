/** Microsoft.Network routes: VNets, subnets, peerings, gateways (with LROs), connections, NSGs, operations. */
import { notFound, ok, page, propertiesOf, route, SimError, type Reply, type Route, type RouteContext } from "../http.ts";
import { packageUriFor } from "../integration.ts";
import { gatewayConnectionWire, gatewayWire, localNetworkGatewayIdOf, localNetworkGatewayWire, nsgWire, peeringWire, vnetWire } from "../network-wire.ts";
import { routeTableWire } from "../subnet-wire.ts";
import { overlaps } from "../addresses.ts";
import type { SimGatewayConnection, SimVnet } from "../state.ts";
import { gatewayOf, lroStart, networkIdOf, vnetOf } from "./lookup.ts";
import { putGateway } from "./network-gateway-put.ts";
import { subnetRoutes } from "./network-subnets.ts";

const RG = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network";
const VNET = `${RG}/virtualNetworks/{vnet}`;
const GATEWAY = `${RG}/virtualNetworkGateways/{gw}`;
const OPERATIONS = "/subscriptions/{sub}/providers/Microsoft.Network/locations/{location}";

const inScope = (ctx: RouteContext, item: { subscriptionId: string; resourceGroup: string }) =>
  item.subscriptionId.toLowerCase() === ctx.params["sub"]!.toLowerCase() &&
  (ctx.params["rg"] === undefined || item.resourceGroup.toLowerCase() === ctx.params["rg"].toLowerCase());

function generatePackage(ctx: RouteContext): Reply {
  const gateway = gatewayOf(ctx);
  if (gateway.gatewayType !== "Vpn") throw new SimError(400, "InvalidRequestFormat", `Gateway ${gateway.name} is an ${gateway.gatewayType} gateway; VPN client packages exist only for VPN gateways.`);
  if (gateway.addressPool.length === 0) {
    throw new SimError(400, "VpnClientConfigurationNotFound", `Gateway ${gateway.name} has no point-to-site configuration (VPN client address pool). Configure point-to-site first.`);
  }
  if (gateway.provisioningState !== "Succeeded") {
    throw new SimError(409, "GatewayNotInSucceededState", `Gateway ${gateway.name} is in provisioning state ${gateway.provisioningState}; try again once it has succeeded.`);
  }
  const headers = ctx.lro.start(lroStart(ctx, gateway.location, () => packageUriFor(gateway, ctx.now())), true);
  return { status: 202, headers };
}

function putPeering(ctx: RouteContext): Reply {
  const vnet = vnetOf(ctx);
  const props = propertiesOf(ctx.body);
  const remoteId = (props["remoteVirtualNetwork"] as { id?: unknown } | undefined)?.id;
  if (typeof remoteId !== "string") throw new SimError(400, "InvalidRequestFormat", "properties.remoteVirtualNetwork.id is required: give the full ARM id of the remote virtual network.");
  const name = ctx.params["peering"]!;
  refuseOverlap(ctx, vnet, remoteId, name);
  refuseOverlapWithPeers(ctx, vnet, remoteId, name);
  const existing = vnet.peerings.find((p) => p.name.toLowerCase() === name.toLowerCase());
  const flag = (key: string, fallback: boolean) => (typeof props[key] === "boolean" ? (props[key] as boolean) : fallback);
  const next = {
    name: existing?.name ?? name,
    remoteVnetId: remoteId,
    allowVirtualNetworkAccess: flag("allowVirtualNetworkAccess", existing?.allowVirtualNetworkAccess ?? true),
    allowForwardedTraffic: flag("allowForwardedTraffic", existing?.allowForwardedTraffic ?? false),
    allowGatewayTransit: flag("allowGatewayTransit", existing?.allowGatewayTransit ?? false),
    useRemoteGateways: flag("useRemoteGateways", existing?.useRemoteGateways ?? false),
    peeringState: existing?.peeringState ?? "Initiated",
  };
  if (next.useRemoteGateways) refuseRemoteGatewayUse(ctx, vnet, remoteId, next.name);
  const apply = (succeeded: boolean) => {
    if (!succeeded) return undefined;
    const remote = ctx.state.vnets.get(remoteId);
    const back = remote?.peerings.find((p) => p.remoteVnetId.toLowerCase() === vnet.id.toLowerCase());
    next.peeringState = back ? "Connected" : "Initiated";
    if (back) back.peeringState = "Connected";
    const index = vnet.peerings.findIndex((p) => p.name.toLowerCase() === name.toLowerCase());
    if (index < 0) vnet.peerings.push(next);
    else vnet.peerings[index] = next;
    return undefined;
  };
  const headers = ctx.lro.start(lroStart(ctx, vnet.location, apply), false);
  return { status: existing ? 200 : 201, body: { ...(peeringWire(ctx.state, vnet, next) as object), properties: { ...(peeringWire(ctx.state, vnet, next) as { properties: object }).properties, provisioningState: "Updating" } }, headers };
}

/**
 * useRemoteGateways, as the peering's schema describes it: "Only one peering can have this flag set to true. This flag
 * cannot be set if virtual network already has a gateway." A remote VNet without a gateway is refused with 400
 * RemoteVnetHasNoGateways in the words public captures show (hashicorp/terraform#30569, Azure/bicep#12191); the codes
 * of the other two refusals are not captured, so these are descriptive.
 */
function refuseRemoteGatewayUse(ctx: RouteContext, vnet: SimVnet, remoteId: string, name: string): void {
  const peeringId = `${vnet.id}/virtualNetworkPeerings/${name}`;
  if (!ctx.state.gateways.values().some((g) => g.vnetId.toLowerCase() === remoteId.toLowerCase())) {
    throw new SimError(400, "RemoteVnetHasNoGateways", `Peering ${peeringId} cannot have UseRemoteGateway flag set to true because remote virtual network ${remoteId} referenced by the peering does not have any gateways.`);
  }
  if (ctx.state.gateways.values().some((g) => g.vnetId.toLowerCase() === vnet.id.toLowerCase())) {
    throw new SimError(400, "VnetHasGatewayCannotUseRemoteGateways", `Peering ${peeringId} cannot have UseRemoteGateway flag set to true because virtual network ${vnet.id} has a gateway of its own.`);
  }
  const other = vnet.peerings.find((p) => p.useRemoteGateways && p.name.toLowerCase() !== name.toLowerCase());
  if (other) {
    throw new SimError(400, "OnlyOnePeeringCanUseRemoteGateways", `Peering ${peeringId} cannot have UseRemoteGateway flag set to true because peering ${vnet.id}/virtualNetworkPeerings/${other.name} of the same virtual network already has it.`);
  }
}

/**
 * Network refuses to peer two VNets whose address spaces overlap: a 400 VnetAddressSpacesOverlap on the PUT. The rule
 * is Microsoft's (its network-dotnet-manage-network-peering sample: "the networks' address spaces must not overlap");
 * the code and wording are as Azure answers them in public captures (kyma-project/cloud-manager handles
 * VnetAddressSpacesOverlap, "Virtual networks cannot be peered because their address spaces overlap").
 */
function refuseOverlap(ctx: RouteContext, vnet: SimVnet, remoteId: string, name: string): void {
  const remote = ctx.state.vnets.get(remoteId);
  if (!remote) return;
  const clash = vnet.addressSpace.filter((own) => remote.addressSpace.some((prefix) => overlaps(own, prefix)));
  if (clash.length === 0) return;
  throw new SimError(
    400,
    "VnetAddressSpacesOverlap",
    `Cannot create or update peering ${vnet.id}/virtualNetworkPeerings/${name}. Virtual networks ${vnet.id} and ${remote.id} cannot be peered because their address spaces overlap. Overlapping address prefixes: ${clash.join(", ")}.`,
  );
}

/**
 * Network refuses to peer two VNets when either is peered with a third whose address space overlaps the other: a 400
 * VnetAddressSpaceOverlapsWithAlreadyPeeredVnet on the PUT, worded as captured in azure/ResourceModules#731 and
 * microsoft/AzureTRE#1927.
 */
function refuseOverlapWithPeers(ctx: RouteContext, vnet: SimVnet, remoteId: string, name: string): void {
  const remote = ctx.state.vnets.get(remoteId);
  if (!remote) return;
  for (const [first, second] of [[vnet, remote], [remote, vnet]] as const) {
    for (const peering of second.peerings) {
      if (peering.remoteVnetId.toLowerCase() === first.id.toLowerCase()) continue;
      const third = ctx.state.vnets.get(peering.remoteVnetId);
      const clash = third && first.addressSpace.filter((own) => third.addressSpace.some((prefix) => overlaps(own, prefix)));
      if (!third || !clash?.length) continue;
      throw new SimError(
        400,
        "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet",
        `Cannot create or update peering ${vnet.id}/virtualNetworkPeerings/${name}. Virtual networks ${first.id} and ${second.id} cannot be peered because address space of the first virtual network overlaps with address space of virtual network ${third.id} already peered with the second virtual network. Overlapping address prefixes: ${clash.join(", ")}.`,
      );
    }
  }
}

/** A connection as a list shows it: without its status unless the estate says lists carry it (estate.ts). */
const listedConnection = (ctx: RouteContext, connection: SimGatewayConnection) => gatewayConnectionWire(connection, { listed: !ctx.state.options.connectionListStatus });

function findPeering(ctx: RouteContext) {
  const vnet = vnetOf(ctx);
  const peering = vnet.peerings.find((p) => p.name.toLowerCase() === ctx.params["peering"]!.toLowerCase());
  if (!peering) throw notFound("Microsoft.Network/virtualNetworks/virtualNetworkPeerings", ctx.params["peering"]!, ctx.params["rg"]);
  return peeringWire(ctx.state, vnet, peering);
}

/** Every Microsoft.Network route the simulator answers. */
export const networkRoutes: Route[] = [
  route("GET", "/subscriptions/{sub}/providers/Microsoft.Network/virtualNetworks", (ctx) =>
    page(ctx, ctx.state.vnets.values().filter((v) => inScope(ctx, v)).map((v) => vnetWire(ctx.state, v))),
  ),
  route("GET", `${RG}/virtualNetworks`, (ctx) => page(ctx, ctx.state.vnets.values().filter((v) => inScope(ctx, v)).map((v) => vnetWire(ctx.state, v)))),
  route("GET", VNET, (ctx) => ok(vnetWire(ctx.state, vnetOf(ctx)))),
  ...subnetRoutes,
  route("GET", `${VNET}/virtualNetworkPeerings`, (ctx) => {
    const vnet = vnetOf(ctx);
    return page(ctx, vnet.peerings.map((p) => peeringWire(ctx.state, vnet, p)));
  }),
  route("GET", `${VNET}/virtualNetworkPeerings/{peering}`, (ctx) => ok(findPeering(ctx))),
  route("PUT", `${VNET}/virtualNetworkPeerings/{peering}`, putPeering),
  route("GET", `${RG}/virtualNetworkGateways`, (ctx) => page(ctx, ctx.state.gateways.values().filter((g) => inScope(ctx, g)).map(gatewayWire))),
  route("GET", GATEWAY, (ctx) => ok(gatewayWire(gatewayOf(ctx)))),
  route("PUT", GATEWAY, putGateway),
  route("POST", `${GATEWAY}/generatevpnclientpackage`, generatePackage),
  route("GET", `${GATEWAY}/connections`, (ctx) => {
    const gateway = gatewayOf(ctx);
    return page(ctx, ctx.state.gatewayConnections.values().filter((c) => c.gatewayId.toLowerCase() === gateway.id.toLowerCase()).map((c) => listedConnection(ctx, c)));
  }),
  route("GET", `${RG}/connections`, (ctx) => page(ctx, ctx.state.gatewayConnections.values().filter((c) => inScope(ctx, c)).map((c) => listedConnection(ctx, c)))),
  route("GET", `${RG}/localNetworkGateways/{name}`, (ctx) => {
    const id = networkIdOf(ctx, "localNetworkGateways", "name").toLowerCase();
    const connection = ctx.state.gatewayConnections.values().find((c) => c.connectionType === "IPsec" && localNetworkGatewayIdOf(c).toLowerCase() === id);
    if (!connection) throw notFound("Microsoft.Network/localNetworkGateways", ctx.params["name"]!, ctx.params["rg"]);
    return ok(localNetworkGatewayWire(connection));
  }),
  route("GET", `${RG}/connections/{name}`, (ctx) => {
    const connection = ctx.state.gatewayConnections.get(networkIdOf(ctx, "connections", "name"));
    if (!connection) throw notFound("Microsoft.Network/connections", ctx.params["name"]!, ctx.params["rg"]);
    return ok(gatewayConnectionWire(connection));
  }),
  route("GET", `${RG}/networkSecurityGroups/{nsg}`, (ctx) => {
    const nsg = ctx.state.nsgs.get(networkIdOf(ctx, "networkSecurityGroups", "nsg"));
    if (!nsg) throw notFound("Microsoft.Network/networkSecurityGroups", ctx.params["nsg"]!, ctx.params["rg"]);
    return ok(nsgWire(ctx.state, nsg));
  }),
  route("GET", `${RG}/routeTables/{table}`, (ctx) => {
    const table = ctx.state.routeTables.get(networkIdOf(ctx, "routeTables", "table"));
    if (!table) throw notFound("Microsoft.Network/routeTables", ctx.params["table"]!, ctx.params["rg"]);
    return ok(routeTableWire(ctx.state, table));
  }),
  route("GET", `${OPERATIONS}/operations/{id}`, (ctx) => ctx.lro.status(ctx.params["id"]!)),
  route("GET", `${OPERATIONS}/operationResults/{id}`, (ctx) => ctx.lro.result(ctx.params["id"]!, `${ctx.baseUrl}${ctx.path}?api-version=2026-01-01`)),
];
