/** Turns a validated seed into the live estate, resolving names and issuing the seeded certificates. */
import { randomUUID } from "node:crypto";
import type { AppSeed, EstateSeed, ResourceGroupSeed } from "./estate.ts";
import { seedRegionalIntegration, subnetFromSeed } from "./build-subnets.ts";
import { DEFAULT_OPTIONS, SimulatorState, type SimApp, type SimGateway, type SimOptions, type SimVnet } from "./state.ts";
import { issueCertificateFor, packageUriFor, privateIpFor } from "./integration.ts";
import { issueClientCertificate } from "./tls.ts";

const DAY_MS = 86_400_000;
const CERT_LIFETIME_MS = 8 * 365 * DAY_MS;

type Kind = "serverfarms" | "sites" | "virtualNetworks" | "classicVirtualNetworks" | "virtualNetworkGateways" | "networkSecurityGroups" | "routeTables" | "connections";
/** Each kind's provider/type in its ARM id. */
const TYPE: Record<Kind, string> = {
  serverfarms: "Microsoft.Web/serverfarms",
  sites: "Microsoft.Web/sites",
  virtualNetworks: "Microsoft.Network/virtualNetworks",
  // The VnetResourceId App Service took for a classic VNet (azure-docs app-service-vnet-integration-powershell.md, 2016).
  classicVirtualNetworks: "Microsoft.ClassicNetwork/virtualNetworks",
  virtualNetworkGateways: "Microsoft.Network/virtualNetworkGateways",
  networkSecurityGroups: "Microsoft.Network/networkSecurityGroups",
  routeTables: "Microsoft.Network/routeTables",
  connections: "Microsoft.Network/connections",
};
const SEED_KEY: Record<Kind, keyof ResourceGroupSeed> = {
  serverfarms: "plans",
  sites: "apps",
  virtualNetworks: "vnets",
  classicVirtualNetworks: "classicVnets",
  virtualNetworkGateways: "gateways",
  networkSecurityGroups: "nsgs",
  routeTables: "routeTables",
  connections: "connections",
};

/** Builds the live estate from a seed; throws one error listing every broken reference. */
export async function buildState(seed: EstateSeed, now: Date): Promise<SimulatorState> {
  const state = new SimulatorState();
  state.pageSize = seed.pageSize;
  state.options = Object.fromEntries(Object.keys(DEFAULT_OPTIONS).map((key) => [key, seed[key as keyof SimOptions]])) as unknown as SimOptions;
  state.network = seed.network;
  const problems: string[] = [];

  // Every id first, so that references can point anywhere in the subscription.
  const idsByName = new Map<string, string>();
  for (const sub of seed.subscriptions) {
    for (const rg of sub.resourceGroups) {
      for (const kind of Object.keys(SEED_KEY) as Kind[]) {
        for (const item of rg[SEED_KEY[kind]] as Array<{ name: string }>) {
          const nameKey = `${sub.id}|${kind}|${item.name}`.toLowerCase();
          if (idsByName.has(nameKey)) problems.push(`subscription ${sub.id} has two ${kind} named "${item.name}"; names must be unique per subscription.`);
          idsByName.set(nameKey, `/subscriptions/${sub.id}/resourceGroups/${rg.name}/providers/${TYPE[kind]}/${item.name}`);
        }
      }
    }
  }
  const resolve = (sub: string, kind: Kind, ref: string, where: string): string => {
    if (ref.startsWith("/subscriptions/")) return ref;
    const id = idsByName.get(`${sub}|${kind}|${ref}`.toLowerCase());
    if (id) return id;
    problems.push(`${where}: no ${kind} named "${ref}" in subscription ${sub}; use a name from the same subscription or a full ARM id.`);
    return `/subscriptions/${sub}/resourceGroups/missing/providers/${TYPE[kind]}/${ref}`;
  };

  const known = new Set([...idsByName.values()].map((id) => id.toLowerCase()));
  for (const sub of seed.subscriptions) {
    for (const rg of sub.resourceGroups) {
      for (const lock of rg.locks) {
        const scope = `/subscriptions/${sub.id}/resourceGroups/${rg.name}${lock.on ? `/providers/${lock.on}` : ""}`;
        if (lock.on && !known.has(scope.toLowerCase())) problems.push(`lock ${lock.name}: no resource ${lock.on} in resource group ${rg.name}; give its type and name, e.g. Microsoft.Web/sites/orders-web.`);
        state.locks.push({ name: lock.name, level: lock.level, scope });
      }
    }
  }
  for (const sub of seed.subscriptions) {
    for (const rg of sub.resourceGroups) {
      const base = { resourceGroup: rg.name, subscriptionId: sub.id };
      const idOf = (kind: Kind, name: string) => idsByName.get(`${sub.id}|${kind}|${name}`.toLowerCase())!;
      for (const plan of rg.plans) {
        const id = idOf("serverfarms", plan.name);
        state.plans.set({ ...base, id, name: plan.name, location: plan.location ?? rg.location, os: plan.os, container: plan.container, sku: plan.sku, regionalIntegration: plan.regionalIntegration });
        for (const route of plan.routes) {
          const vnetName = resolve(sub.id, "virtualNetworks", route.vnet, `plan ${plan.name} route ${route.name}`).split("/").pop()!;
          state.routesOf(id, vnetName).push({ name: route.name, startAddress: route.startAddress, endAddress: route.endAddress, routeType: route.routeType });
        }
      }
      for (const nsg of rg.nsgs) {
        state.nsgs.set({ ...base, id: idOf("networkSecurityGroups", nsg.name), name: nsg.name, location: nsg.location ?? rg.location, rules: nsg.rules });
      }
      for (const table of rg.routeTables) {
        state.routeTables.set({ ...base, id: idOf("routeTables", table.name), name: table.name, location: table.location ?? rg.location });
      }
      for (const classic of rg.classicVnets) {
        const id = idOf("classicVirtualNetworks", classic.name);
        if (idsByName.has(`${sub.id}|virtualNetworks|${classic.name}`.toLowerCase())) {
          problems.push(`classic VNet ${classic.name}: a Resource Manager VNet has the same name; App Service names connections after the VNet, so names must differ.`);
        }
        state.classicVnets.set({ ...base, id, name: classic.name, location: classic.location ?? rg.location, addressSpace: classic.addressSpace });
      }
      for (const vnet of rg.vnets) {
        const id = idOf("virtualNetworks", vnet.name);
        const location = vnet.location ?? rg.location;
        const sim: SimVnet = {
          ...base,
          id,
          name: vnet.name,
          location,
          addressSpace: vnet.addressSpace,
          dnsServers: vnet.dnsServers,
          subnets: vnet.subnets.map((s) => {
            const where = `VNet ${vnet.name} subnet ${s.name}`;
            return subnetFromSeed(s, id, location, {
              nsg: s.nsg === undefined ? undefined : resolve(sub.id, "networkSecurityGroups", s.nsg, where),
              routeTable: s.routeTable === undefined ? undefined : resolve(sub.id, "routeTables", s.routeTable, where),
            });
          }),
          peerings: vnet.peerings.map(({ remoteVnet, ...p }) => ({
            ...p,
            remoteVnetId: resolve(sub.id, "virtualNetworks", remoteVnet, `VNet ${vnet.name} peering ${p.name}`),
          })),
        };
        state.vnets.set(sim);
        if (vnet.health) state.setHealth(id, vnet.health);
      }
      for (const gw of rg.gateways) {
        const id = idOf("virtualNetworkGateways", gw.name);
        const rootCertificates = [];
        for (const root of gw.rootCertificates) {
          const data = root.publicCertData ?? (await issueClientCertificate(root.name, new Date(now.getTime() - DAY_MS), new Date(now.getTime() + 3650 * DAY_MS))).blob;
          rootCertificates.push({ name: root.name, publicCertData: data });
        }
        const sim: SimGateway = {
          ...base,
          id,
          name: gw.name,
          location: gw.location ?? rg.location,
          vnetId: resolve(sub.id, "virtualNetworks", gw.vnet, `gateway ${gw.name}`),
          gatewayType: gw.gatewayType,
          vpnType: gw.vpnType,
          sku: gw.sku,
          provisioningState: gw.provisioningState,
          addressPool: gw.addressPool,
          protocols: gw.protocols,
          authenticationTypes: gw.authenticationTypes,
          rootCertificates,
          etag: `W/"${randomUUID()}"`,
        };
        state.gateways.set(sim);
        state.setHealth(id, gw.health);
      }
      for (const c of rg.connections) {
        const id = idOf("connections", c.name);
        const gatewayId = resolve(sub.id, "virtualNetworkGateways", c.gateway, `connection ${c.name}`);
        state.gatewayConnections.set({ ...base, id, name: c.name, location: c.location ?? rg.location, gatewayId, connectionType: c.connectionType, connectionStatus: c.connectionStatus, localNetwork: c.localNetwork ?? { addressPrefixes: [], bgp: false }, enableBgp: c.enableBgp ?? c.localNetwork?.bgp ?? false });
        if (c.health) state.setHealth(id, c.health);
      }
    }
  }

  for (const gw of state.gateways.values()) {
    const vnet = state.vnets.get(gw.vnetId);
    if (vnet && !vnet.subnets.some((s) => s.name === "GatewaySubnet")) {
      problems.push(`gateway ${gw.name}: VNet ${vnet.name} has no subnet named "GatewaySubnet"; add one (e.g. a /27) for the gateway.`);
    }
  }

  // Apps and their slots last: their connections need plans, VNets and gateways.
  const offGateway = new Set<string>();
  type SiteSeed = Pick<AppSeed, "state" | "vnetConnection" | "regionalIntegration" | "privateIp" | "vnetRouteAllEnabled">;
  const addSite = async (sub: string, site: SiteSeed, sim: SimApp, where: string) => {
    state.apps.set(sim);
    sim.routeAll = site.vnetRouteAllEnabled;
    if (site.regionalIntegration && site.vnetConnection) {
      // "Your app can only use one form of the VNet Integration feature at a time" (azure-docs#33186).
      problems.push(`${where}: give either vnetConnection or regionalIntegration; an app has one form of VNet integration at a time.`);
    }
    if (site.regionalIntegration) {
      const vnetId = resolve(sub, "virtualNetworks", site.regionalIntegration.vnet, `${where} regionalIntegration`);
      const problem = seedRegionalIntegration(state, sim, `${vnetId}/subnets/${site.regionalIntegration.subnet}`);
      if (problem) problems.push(`${where} regionalIntegration: ${problem}`);
    }
    const seeded = site.vnetConnection;
    if (!seeded) return;
    const vnetId = seeded.classicVnet !== undefined
      ? resolve(sub, "classicVirtualNetworks", seeded.classicVnet, `${where} vnetConnection`)
      : resolve(sub, "virtualNetworks", seeded.vnet!, `${where} vnetConnection`);
    const vnet = state.vnets.get(vnetId) ?? state.classicVnets.get(vnetId);
    if (!vnet) return;
    let cert = state.certificateFor(sim.planId, vnetId);
    if (!cert) {
      const expiry = seeded.certificateExpiresOn
        ? new Date(seeded.certificateExpiresOn)
        : seeded.certificateExpiresInDays !== undefined
          ? new Date(now.getTime() + seeded.certificateExpiresInDays * DAY_MS)
          : new Date(now.getTime() - 365 * DAY_MS + CERT_LIFETIME_MS);
      cert = await issueCertificateFor(state, sim.planId, vnetId, new Date(expiry.getTime() - CERT_LIFETIME_MS), expiry);
    }
    if (!seeded.certificateOnGateway) offGateway.add(cert.blob);
    sim.vnetName = vnet.name;
    state.connectionsOf(sim.id).push({
      vnetName: vnet.name,
      vnetId: vnet.id,
      dnsServers: seeded.dnsServers ?? [...(state.vnets.get(vnetId)?.dnsServers ?? [])],
      vpnPackageUri: packageUriFor(state.vpnGatewayOf(vnet.id), now),
      resyncRequired: seeded.resyncRequired,
    });
    sim.privateIp ??= privateIpFor(state, sim);
  };
  for (const sub of seed.subscriptions) {
    for (const rg of sub.resourceGroups) {
      for (const app of rg.apps) {
        const planId = resolve(sub.id, "serverfarms", app.plan, `app ${app.name}`);
        const plan = state.plans.get(planId);
        const isLinux = plan?.os === "linux";
        const kind = app.kind ?? (isLinux ? (plan?.container ? "app,linux,container" : "app,linux") : plan?.container ? "app,container,windows" : "app");
        const base = { resourceGroup: rg.name, subscriptionId: sub.id, location: app.location ?? plan?.location ?? rg.location, kind, vnetName: undefined, regionalSubnetId: undefined, routeAll: false, restarts: 0 };
        const id = idsByName.get(`${sub.id}|sites|${app.name}`.toLowerCase())!;
        await addSite(sub.id, app, { ...base, id, name: app.name, slotOf: undefined, planId, state: app.state, privateIp: app.privateIp }, `app ${app.name}`);
        for (const slot of app.slots) {
          const slotPlanId = slot.plan ? resolve(sub.id, "serverfarms", slot.plan, `slot ${app.name}/${slot.name}`) : planId;
          const sim: SimApp = { ...base, id: `${id}/slots/${slot.name}`, name: `${app.name}/${slot.name}`, slotOf: id, planId: slotPlanId, state: slot.state, privateIp: slot.privateIp };
          await addSite(sub.id, slot, sim, `slot ${app.name}/${slot.name}`);
        }
      }
    }
  }

  // Seeded integrations are healthy unless the seed says the gateway lost the certificate.
  for (const [pair, cert] of state.certificates) {
    const gateway = state.vpnGatewayOf(pair.split("|")[1]!);
    if (!gateway || offGateway.has(cert.blob) || gateway.rootCertificates.some((r) => r.publicCertData === cert.blob)) continue;
    gateway.rootCertificates.push({ name: `AppServiceCertificate_${cert.thumbprint.slice(0, 8)}.cer`, publicCertData: cert.blob });
  }

  if (problems.length > 0) throw new Error(`The estate has broken references:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return state;
}
