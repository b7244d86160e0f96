/** App Service's side of gateway-required VNet integration: certificates, connect, disconnect, sync. */
import { randomBytes, randomUUID } from "node:crypto";
import { intToIpv4, ipv4ToInt } from "./addresses.ts";
import { appServiceError, SimError } from "./http.ts";
import type { SimApp, SimAppConnection, SimGateway, SimulatorState } from "./state.ts";
import { issueClientCertificate, type IssuedCertificate } from "./tls.ts";

const DAY_MS = 86_400_000;
const CERT_LIFETIME_MS = 8 * 365 * DAY_MS;
const RENEW_WITHIN_MS = 182 * DAY_MS;
const MAX_PLAN_VNETS = 5;
const UNSUPPORTED_TIERS = ["free", "shared", "dynamic", "flexconsumption"];

/** Issues and stores the client certificate for a (plan, VNet) pair. */
export async function issueCertificateFor(state: SimulatorState, planId: string, vnetId: string, notBefore: Date, notAfter: Date): Promise<IssuedCertificate> {
  const cert = await issueClientCertificate(`${planId.split("/").pop()}-${vnetId.split("/").pop()}-AppServiceCertificate`, notBefore, notAfter);
  state.setCertificate(planId, vnetId, cert);
  return cert;
}

/** A VPN client package URL with a SAS-like token, as the gateway hands it out; undefined without a gateway. */
export function packageUriFor(gateway: SimGateway | undefined, now: Date): string | undefined {
  if (!gateway) return undefined;
  const expiry = new Date(now.getTime() + DAY_MS).toISOString().slice(0, 19) + "Z";
  const sig = encodeURIComponent(randomBytes(32).toString("base64"));
  return `https://mvnetvpnpkg.blob.core.windows.net/vpnclientpackage/${gateway.name.toLowerCase()}/${randomUUID()}.zip?sv=2024-08-04&sr=b&sp=r&se=${expiry}&sig=${sig}`;
}

/** WEBSITE_PRIVATE_IP for an app: an address from its gateway's P2S pool, stable per app. */
export function privateIpFor(state: SimulatorState, app: SimApp): string | undefined {
  const connection = state.connectionsOf(app.id)[0];
  const pool = connection ? state.vpnGatewayOf(connection.vnetId)?.addressPool[0] : undefined;
  const base = ipv4ToInt(pool?.split("/")[0] ?? "");
  if (base === undefined) return undefined;
  const index = state.apps.values().findIndex((a) => a.id === app.id);
  return intToIpv4(base + 2 + Math.max(index, 0));
}

function refuse(message: string): never {
  throw appServiceError(400, "BadRequest", message);
}

/** PUT sites/{app}/virtualNetworkConnections/{vnet}: checks what Azure checks, then connects and hands out the certificate. */
export async function connectApp(state: SimulatorState, app: SimApp, vnetName: string, vnetResourceId: string | undefined, now: Date): Promise<SimAppConnection> {
  if (!vnetResourceId) refuse("The request is missing properties.vnetResourceId: give the full ARM id of the virtual network to connect.");
  if (vnetResourceId.split("/").pop()?.toLowerCase() !== vnetName.toLowerCase()) {
    refuse(`The connection name "${vnetName}" must be the name of the virtual network in vnetResourceId (${vnetResourceId.split("/").pop()}).`);
  }
  const vnet = state.vnets.get(vnetResourceId);
  if (!vnet) throw new SimError(404, "ResourceNotFound", `The virtual network ${vnetResourceId} was not found.`);
  const plan = state.plans.get(app.planId);
  if (!plan) throw new SimError(404, "ResourceNotFound", `The App Service plan of ${app.name} was not found.`);
  if (plan.os === "linux") refuse(`Gateway-required virtual network integration is not supported for Linux apps (${app.name}). Use regional virtual network integration instead.`);
  if (plan.container) refuse(`Gateway-required virtual network integration is not supported for Windows container apps (${app.name}).`);
  if (UNSUPPORTED_TIERS.includes(plan.sku.tier.toLowerCase())) {
    refuse(`Virtual network integration is not available in the ${plan.sku.tier} tier of plan ${plan.name}. Scale the plan up to Basic or higher.`);
  }
  const connections = state.connectionsOf(app.id);
  const other = connections.find((c) => c.vnetId.toLowerCase() !== vnet.id.toLowerCase());
  if (other) refuse(`The site ${app.name} is already connected to the virtual network ${other.vnetName} through a gateway. Only one gateway-required virtual network is allowed per site; disconnect it first.`);
  const planVnets = state.planVnetIds(plan.id).map((id) => id.toLowerCase());
  if (!planVnets.includes(vnet.id.toLowerCase()) && planVnets.length >= MAX_PLAN_VNETS) {
    refuse(`The App Service plan ${plan.name} already uses the maximum of ${MAX_PLAN_VNETS} virtual networks. Disconnect one of them from the plan's apps first.`);
  }

  // Whether a reconnect issues a new certificate is not documented: the estate says (see estate.ts).
  const existing = state.certificateFor(plan.id, vnet.id);
  const policy = state.options.reconnectCertificate;
  const renews = policy === "replace" || (policy === "replace-within-six-months" && existing !== undefined && existing.notAfter.getTime() - now.getTime() < RENEW_WITHIN_MS);
  if (!existing || renews) {
    await issueCertificateFor(state, plan.id, vnet.id, now, new Date(now.getTime() + CERT_LIFETIME_MS));
  }
  let connection = connections.find((c) => c.vnetId.toLowerCase() === vnet.id.toLowerCase());
  if (!connection) {
    connection = { vnetName: vnet.name, vnetId: vnet.id, dnsServers: [...vnet.dnsServers], vpnPackageUri: undefined };
    connections.push(connection);
  }
  app.vnetName = vnet.name;
  app.privateIp ??= privateIpFor(state, app);
  return connection;
}

/** DELETE sites/{app}/virtualNetworkConnections/{vnet}: the app restarts; VNet, gateway and plan routes stay. */
export function disconnectApp(state: SimulatorState, app: SimApp, vnetName: string): void {
  const connections = state.connectionsOf(app.id);
  const index = connections.findIndex((c) => c.vnetName.toLowerCase() === vnetName.toLowerCase());
  if (index < 0) throw new SimError(404, "NotFound", `The site ${app.name} has no virtual network connection named ${vnetName}.`);
  connections.splice(index, 1);
  if (app.vnetName?.toLowerCase() === vnetName.toLowerCase()) app.vnetName = undefined;
  app.privateIp = undefined;
  app.restarts += 1;
}

/** Gives connections a package URL; like a sync, this pushes the VNet's current DNS servers. */
export function applyPackage(state: SimulatorState, connections: readonly SimAppConnection[], vpnPackageUri: string | undefined): void {
  if (!vpnPackageUri || !/^https:\/\//i.test(vpnPackageUri)) {
    refuse("properties.vpnPackageUri must be the https URL returned by the gateway's generatevpnclientpackage operation.");
  }
  for (const connection of connections) {
    connection.vpnPackageUri = vpnPackageUri;
    connection.dnsServers = [...(state.vnets.get(connection.vnetId)?.dnsServers ?? [])];
    connection.resyncRequired = false;
  }
}
