/** The simple, data-driven network model behind the Kudu commands: what an app's worker can reach. */
import { inPrefix, RFC1918 } from "./addresses.ts";
import type { SimApp, SimulatorState, SimVnet } from "./state.ts";

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];
const AZURE_DNS = "168.63.129.16";

/** How a TCP connection attempt ends. */
export type TcpOutcome = "connected" | "refused" | "timeout" | "unknown-host";

const isIp = (text: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(text);

/** The hosts entry for an IP or a name, if the estate's network section knows it. */
function hostOf(state: SimulatorState, target: string) {
  const lower = target.toLowerCase();
  return state.network.hosts.find((h) => h.ip === target || h.names.some((n) => n.toLowerCase() === lower));
}

/** True when the app's integration carries traffic for this private IP (VNet address space or plan routes). */
export function routesInto(state: SimulatorState, app: SimApp, ip: string): boolean {
  for (const connection of state.connectionsOf(app.id)) {
    const vnet = state.vnets.get(connection.vnetId);
    const gateway = state.vpnGatewayOf(connection.vnetId);
    const cert = state.certificateFor(app.planId, connection.vnetId);
    const tunnelUp =
      gateway !== undefined &&
      gateway.provisioningState === "Succeeded" &&
      state.healthOf(gateway.id) !== "Unavailable" &&
      cert !== undefined &&
      cert.notAfter.getTime() > state.now().getTime() &&
      gateway.rootCertificates.some((r) => r.publicCertData === cert.blob);
    if (!tunnelUp) continue;
    if (vnet?.addressSpace.some((range) => inPrefix(ip, range))) return true;
    const routed = state.routesOf(app.planId, connection.vnetName).some((r) => r.startAddress.includes("/") && inPrefix(ip, r.startAddress));
    if (routed && (!vnet || crossesPeering(state, vnet, ip))) return true;
  }
  return app.regionalSubnetId !== undefined && regionalReaches(state, app, ip);
}

/** A plan route into the VNet holds the address: it lies behind that VNet (on premises, through its gateway). */
function behind(state: SimulatorState, planId: string, vnet: SimVnet, ip: string): boolean {
  const gateway = state.gateways.values().find((g) => g.vnetId.toLowerCase() === vnet.id.toLowerCase() && g.provisioningState === "Succeeded");
  return gateway !== undefined && state.routesOf(planId, vnet.name).some((r) => r.startAddress.includes("/") && inPrefix(ip, r.startAddress));
}

/**
 * Regional integration sends RFC 1918 traffic into the VNet, and everything else only with route-all (overview-vnet-
 * integration.md "Routes"). There it reaches the VNet, VNets peered with it (access allowed both ways), and what lies
 * behind the VNet's gateway or a peer's gateway it may use (use-remote-gateways here, gateway transit there). What lies
 * behind a gateway is what the plan's routes sent there under gateway-required integration: the network does not
 * change when the app moves, only the app's way into it.
 */
function regionalReaches(state: SimulatorState, app: SimApp, ip: string): boolean {
  const vnet = state.vnets.get(app.regionalSubnetId!.replace(/\/subnets\/[^/]+$/i, ""));
  if (!vnet || (!RFC1918.some((range) => inPrefix(ip, range)) && !app.routeAll)) return false;
  if (vnet.addressSpace.some((range) => inPrefix(ip, range)) || behind(state, app.planId, vnet, ip)) return true;
  return vnet.peerings.some((peering) => {
    const remote = state.vnets.get(peering.remoteVnetId);
    const back = remote?.peerings.find((p) => p.remoteVnetId.toLowerCase() === vnet.id.toLowerCase());
    if (!remote || !back || peering.peeringState !== "Connected" || !peering.allowVirtualNetworkAccess || !back.allowVirtualNetworkAccess) return false;
    if (remote.addressSpace.some((range) => inPrefix(ip, range))) return true;
    return peering.useRemoteGateways && back.allowGatewayTransit && behind(state, app.planId, remote, ip);
  });
}

/** True when one of the plan's routes holds the address: gateway-required integration sends it into a VNet. */
function planRouted(state: SimulatorState, app: SimApp, ip: string): boolean {
  const prefix = `${app.planId.toLowerCase()}|`;
  return [...state.routes].some(([pair, routes]) => pair.startsWith(prefix) && routes.some((r) => r.startAddress.includes("/") && inPrefix(ip, r.startAddress)));
}

/**
 * P2S traffic enters a peered VNet only when this side allows access, forwarded traffic and gateway transit and the
 * remote side allows access and forwarded traffic and uses the remote gateway; addresses in no peered VNet pass.
 */
function crossesPeering(state: SimulatorState, vnet: SimVnet, ip: string): boolean {
  for (const peering of vnet.peerings) {
    const remote = state.vnets.get(peering.remoteVnetId);
    if (!remote?.addressSpace.some((range) => inPrefix(ip, range))) continue;
    const back = remote.peerings.find((p) => p.remoteVnetId.toLowerCase() === vnet.id.toLowerCase());
    const local = peering.peeringState === "Connected" && peering.allowVirtualNetworkAccess && peering.allowForwardedTraffic && peering.allowGatewayTransit;
    return local && back !== undefined && back.allowVirtualNetworkAccess && back.allowForwardedTraffic && back.useRemoteGateways;
  }
  return true;
}

/**
 * Private addresses, and public ones a plan route sends into a VNet, are reached only through an integration; other
 * public addresses through the internet.
 */
function canRoute(state: SimulatorState, app: SimApp, ip: string): boolean {
  const throughVnet = PRIVATE_RANGES.some((range) => inPrefix(ip, range)) || planRouted(state, app, ip);
  return !throughVnet || routesInto(state, app, ip);
}

/** Where a TCP connection from the app's worker to host:port ends. */
export function tcpConnect(state: SimulatorState, app: SimApp, target: string, port: number): { outcome: TcpOutcome; ip: string | undefined } {
  const host = hostOf(state, target);
  const ip = host?.ip ?? (isIp(target) ? target : undefined);
  if (ip === undefined) return { outcome: "unknown-host", ip };
  if (!canRoute(state, app, ip) || !host || host.blockedApps.some((name) => name.toLowerCase() === app.name.toLowerCase())) {
    return { outcome: "timeout", ip };
  }
  return { outcome: host.openPorts.includes(port) ? "connected" : "refused", ip };
}

/** The DNS servers the worker asks, in order: the ones pushed with the integration, else Azure DNS. */
export function dnsServersOf(state: SimulatorState, app: SimApp): string[] {
  const pushed = state.connectionsOf(app.id).flatMap((c) => c.dnsServers);
  if (pushed.length > 0) return pushed;
  const regionalVnet = app.regionalSubnetId ? state.vnets.get(app.regionalSubnetId.replace(/\/subnets\/[^/]+$/i, "")) : undefined;
  return regionalVnet && regionalVnet.dnsServers.length > 0 ? regionalVnet.dnsServers : [AZURE_DNS];
}

/** How a DNS lookup ends: the addresses, "nxdomain", or "timeout" when no server answered. */
export function resolveName(state: SimulatorState, app: SimApp, name: string, servers: string[]): { server: string; result: string[] | "nxdomain" | "timeout" } {
  for (const server of servers) {
    const reachable = server === AZURE_DNS || canRoute(state, app, server);
    if (!reachable || state.network.unreachableDnsServers.includes(server)) continue;
    if (isIp(name)) return { server, result: [name] };
    const host = hostOf(state, name);
    return { server, result: host ? [host.ip] : "nxdomain" };
  }
  return { server: servers[0] ?? AZURE_DNS, result: "timeout" };
}
