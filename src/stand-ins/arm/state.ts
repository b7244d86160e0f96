/** The simulator's live estate: what ARM would hold. Tests read and change it directly (fail a gateway, edit DNS). */
import type { EstateSeed } from "./estate.ts";
import type { SimLock } from "./locks.ts";
import type { IssuedCertificate } from "./tls.ts";

export type SimHealth = "Available" | "Unavailable" | "Degraded" | "Unknown";

/** Where a resource lives. */
export interface SimResource {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location: string;
}

export interface SimPlan extends SimResource {
  os: "windows" | "linux";
  container: boolean;
  sku: { name: string; tier: string; capacity: number };
  /** Whether the plan's scale unit supports regional VNet integration (the site's swiftSupported). */
  regionalIntegration: boolean;
}

/** A web app; vnetName is siteConfig.vnetName (its gateway-required VNet). */
export interface SimApp extends SimResource {
  /** The production app's id, for a deployment slot (whose name is "app/slot"). */
  slotOf: string | undefined;
  planId: string;
  kind: string;
  state: "Running" | "Stopped";
  vnetName: string | undefined;
  /** The regional (swift) integration subnet; App Service keeps the plan's AppServiceLink on it. */
  regionalSubnetId: string | undefined;
  /** When it joined that subnet (a counter, seeds first): the subnet's link names the plan that joined first. */
  regionalSince?: number;
  /** config/web vnetRouteAllEnabled: all outbound traffic, not only RFC 1918, enters the regional VNet. */
  routeAll: boolean;
  /**
   * The site's outboundVnetRouting, the newer API versions' form of route-all; absent unless set (whether ARM mirrors
   * vnetRouteAllEnabled into it is not documented, so the simulator keeps the two apart and the bot reads both).
   */
  outboundRouting?: { applicationTraffic?: boolean; allTraffic?: boolean };
  privateIp: string | undefined;
  /** How many times the app restarted (restart, plan restartSites, disconnect). */
  restarts: number;
}

/** A gateway-required VNet connection of an app. */
export interface SimAppConnection {
  vnetName: string;
  /** A Microsoft.Network VNet, or a Microsoft.ClassicNetwork one (served by no route: classic VNets are not ARM's). */
  vnetId: string;
  /** The DNS servers App Service pushed at connect or the last sync. */
  dnsServers: string[];
  vpnPackageUri: string | undefined;
  /** Seeded resync flag (estate `resyncRequired`); a sync clears it. */
  resyncRequired?: boolean;
}

/** A plan-level route into a VNet. */
export interface SimRoute {
  name: string;
  startAddress: string;
  endAddress: string | undefined;
  routeType: string;
}

/** A subnet's delegation; ARM fills its actions from the service (network-wire.ts). */
export interface SimDelegation {
  name: string;
  serviceName: string;
}

export interface SimServiceEndpoint {
  service: string;
  locations: string[];
}

/**
 * A subnet as a PUT stores it: exactly what the body carried. Its service association links are not here: App
 * Service keeps them while an app of a plan is integrated (subnets.ts appServiceLinkOf).
 */
export interface SimSubnet {
  name: string;
  /** The first (usually only) prefix. */
  addressPrefix: string;
  /** Set when the subnet was written with the plural field, which ARM then echoes instead of addressPrefix. */
  addressPrefixes: string[] | undefined;
  nsgId: string | undefined;
  routeTableId: string | undefined;
  natGatewayId: string | undefined;
  delegations: SimDelegation[];
  serviceEndpoints: SimServiceEndpoint[];
  serviceEndpointPolicyIds: string[];
  /** IP configurations of NICs and private endpoints in the subnet (seeded; gateways' come from the gateways). */
  ipConfigurationIds: string[];
  privateEndpointNetworkPolicies: string;
  privateLinkServiceNetworkPolicies: string;
  provisioningState: "Succeeded" | "Updating";
}

export interface SimPeering {
  name: string;
  remoteVnetId: string;
  allowVirtualNetworkAccess: boolean;
  allowForwardedTraffic: boolean;
  allowGatewayTransit: boolean;
  useRemoteGateways: boolean;
  peeringState: string;
}

export interface SimVnet extends SimResource {
  addressSpace: string[];
  dnsServers: string[];
  subnets: SimSubnet[];
  peerings: SimPeering[];
}

/** A classic (Service Management) VNet: only its id appears in ARM, in gateway-required connections. */
export interface SimClassicVnet extends SimResource {
  addressSpace: string[];
}

/** A route table, seeded so that subnets can reference it by id. */
export type SimRouteTable = SimResource;

export interface SimRootCertificate {
  name: string;
  publicCertData: string;
}

export interface SimGateway extends SimResource {
  vnetId: string;
  gatewayType: string;
  vpnType: string;
  sku: string;
  provisioningState: string;
  addressPool: string[];
  protocols: string[];
  authenticationTypes: string[];
  rootCertificates: SimRootCertificate[];
  etag: string;
}

/** One NSG rule, in ARM's singular fields. */
export interface SimNsgRule {
  name: string;
  priority: number;
  direction: "Inbound" | "Outbound";
  access: "Allow" | "Deny";
  protocol: string;
  sourceAddressPrefix: string;
  destinationAddressPrefix: string;
  destinationPortRange: string;
}

export interface SimNsg extends SimResource {
  rules: SimNsgRule[];
}

/** A site-to-site (or VNet-to-VNet) connection on a gateway. */
export interface SimGatewayConnection extends SimResource {
  gatewayId: string;
  connectionType: string;
  connectionStatus: string;
  /** An IPsec connection's local network gateway: what on-premises announces, and whether it has BGP settings. */
  localNetwork: { addressPrefixes: string[]; bgp: boolean };
  /** BGP on the connection (it runs only when the local network gateway has BGP settings too). */
  enableBgp: boolean;
}

/** What Kudu commands can reach. */
export type SimNetwork = EstateSeed["network"];

const key = (id: string) => id.toLowerCase();

/** A map keyed by ARM id, compared case-insensitively as ARM does. */
export class IdMap<T extends { id: string }> {
  readonly #items = new Map<string, T>();
  /** Goes up with every set and delete, so that indexes built over the map know when they are stale. */
  version = 0;

  /** Adds or replaces a resource. */
  set(item: T): T {
    this.#items.set(key(item.id), item);
    this.version += 1;
    return item;
  }
  get(id: string): T | undefined {
    return this.#items.get(key(id));
  }
  delete(id: string): boolean {
    this.version += 1;
    return this.#items.delete(key(id));
  }
  /** The first resource with this name (tests use names; ids are long). */
  named(name: string): T {
    const found = this.values().find((item) => (item as unknown as { name: string }).name.toLowerCase() === name.toLowerCase());
    if (!found) throw new Error(`The simulated estate has no resource named "${name}" here.`);
    return found;
  }
  values(): T[] {
    return [...this.#items.values()];
  }
}

/** The estate's answers where ARM's are unknown or inconvenient (see estate.ts for each). */
export interface SimOptions {
  siteConfigVnetName: boolean;
  planSiteListIncludesSlots: boolean;
  planConnectionCertBlob: boolean;
  syncScope: "app" | "plan";
  reconnectCertificate: "keep" | "replace" | "replace-within-six-months";
  rootCertificateLimitError: "sync" | "async";
  connectionListStatus: boolean;
  planRegionalEntries: "no-flag" | "flagged" | "none";
  connectionDnsServers: "reported" | "never";
  appServiceErrorCasing: "camelCase" | "PascalCase";
  appServiceDelegatesSubnet: boolean;
  regionalWithGatewayRequired: "conflict" | "gateway-timeout";
  regionalIntegrationsPerLinuxPlan: 1 | 2;
  regionalDeleteWithoutIntegration: "not-found" | "ok";
}

/** The options a state starts with: each the estate schema's default. */
export const DEFAULT_OPTIONS: SimOptions = {
  siteConfigVnetName: false,
  planSiteListIncludesSlots: false,
  planConnectionCertBlob: false,
  syncScope: "app",
  reconnectCertificate: "keep",
  rootCertificateLimitError: "sync",
  connectionListStatus: false,
  planRegionalEntries: "no-flag",
  connectionDnsServers: "reported",
  appServiceErrorCasing: "PascalCase",
  appServiceDelegatesSubnet: false,
  regionalWithGatewayRequired: "conflict",
  regionalIntegrationsPerLinuxPlan: 2,
  regionalDeleteWithoutIntegration: "not-found",
};

/** The live estate. */
export class SimulatorState {
  readonly plans = new IdMap<SimPlan>();
  /** Management locks, checked by the server before any route (locks.ts). */
  readonly locks: SimLock[] = [];
  readonly apps = new IdMap<SimApp>();
  readonly vnets = new IdMap<SimVnet>();
  readonly classicVnets = new IdMap<SimClassicVnet>();
  readonly routeTables = new IdMap<SimRouteTable>();
  readonly gateways = new IdMap<SimGateway>();
  readonly nsgs = new IdMap<SimNsg>();
  readonly gatewayConnections = new IdMap<SimGatewayConnection>();
  /** App id (lower-case) → its gateway-required connections. */
  readonly appConnections = new Map<string, SimAppConnection[]>();
  /** "planId|vnetId" (lower-case) → the client certificate App Service issued for that pair. */
  readonly certificates = new Map<string, IssuedCertificate>();
  /** "planId|vnetName" (lower-case) → plan routes; they outlive the connections. */
  readonly routes = new Map<string, SimRoute[]>();
  /** Resource id (lower-case) → Resource Health; absent means Available. */
  readonly health = new Map<string, SimHealth>();
  network: SimNetwork = { hosts: [], unreachableDnsServers: [] };
  pageSize = 50;
  /** The estate's answers where ARM's are unknown or inconvenient (see estate.ts). */
  options: SimOptions = { ...DEFAULT_OPTIONS };
  /** The simulator's clock (certificate expiry, package URLs). */
  now: () => Date = () => new Date();
  /** How many status polls an LRO takes to finish; the last one reports the outcome. */
  lroPolls = 1;

  /** The app's gateway-required connections (a live array: push/splice to change). */
  connectionsOf(appId: string): SimAppConnection[] {
    let list = this.appConnections.get(key(appId));
    if (!list) {
      list = [];
      this.appConnections.set(key(appId), list);
    }
    return list;
  }

  /** The certificate for a (plan, VNet) pair, if one was issued. */
  certificateFor(planId: string, vnetId: string): IssuedCertificate | undefined {
    return this.certificates.get(key(`${planId}|${vnetId}`));
  }

  setCertificate(planId: string, vnetId: string, cert: IssuedCertificate): void {
    this.certificates.set(key(`${planId}|${vnetId}`), cert);
  }

  /** The plan's routes into a VNet (a live array). */
  routesOf(planId: string, vnetName: string): SimRoute[] {
    let list = this.routes.get(key(`${planId}|${vnetName}`));
    if (!list) {
      list = [];
      this.routes.set(key(`${planId}|${vnetName}`), list);
    }
    return list;
  }

  /** The production apps of a subscription (site lists leave slots out). */
  productionApps(): SimApp[] {
    return [...this.#appIndex().production];
  }

  /** The slots of an app. */
  slotsOf(appId: string): SimApp[] {
    return [...(this.#appIndex().slotsByApp.get(key(appId)) ?? [])];
  }

  #regionalJoins = 0;

  /** The next join of a regional subnet, in order (SimApp.regionalSince; seeded integrations come first). */
  nextRegionalJoin(): number {
    return ++this.#regionalJoins;
  }

  /** The apps and slots of a plan. */
  appsOf(planId: string): SimApp[] {
    return [...(this.#appIndex().byPlan.get(key(planId)) ?? [])];
  }

  #index: { version: number; production: SimApp[]; slotsByApp: Map<string, SimApp[]>; byPlan: Map<string, SimApp[]> } | undefined;

  // Built again only when an app is added or removed: a plan list of a 10,000-app estate asked every app about
  // every plan (numberOfSites) on every page, which made the simulator, not the throttling, the bound of a scan.
  #appIndex() {
    if (this.#index?.version === this.apps.version) return this.#index;
    const index = { version: this.apps.version, production: [] as SimApp[], slotsByApp: new Map<string, SimApp[]>(), byPlan: new Map<string, SimApp[]>() };
    const add = (map: Map<string, SimApp[]>, id: string, app: SimApp) => {
      const list = map.get(key(id));
      if (list) list.push(app);
      else map.set(key(id), [app]);
    };
    for (const app of this.apps.values()) {
      if (app.slotOf === undefined) index.production.push(app);
      else add(index.slotsByApp, app.slotOf, app);
      add(index.byPlan, app.planId, app);
    }
    return (this.#index = index);
  }

  /** The VNet (by id) each app of the plan connects to through a gateway, deduplicated. */
  planVnetIds(planId: string): string[] {
    const ids = new Map<string, string>();
    for (const app of this.appsOf(planId)) for (const c of this.connectionsOf(app.id)) ids.set(key(c.vnetId), c.vnetId);
    return [...ids.values()];
  }

  /** The VPN gateway in a VNet's GatewaySubnet, if any. */
  vpnGatewayOf(vnetId: string): SimGateway | undefined {
    return this.gateways.values().find((gw) => key(gw.vnetId) === key(vnetId) && gw.gatewayType === "Vpn");
  }

  /**
   * Resync is required when the VNet's DNS changed since the last sync or the gateway lacks the certificate. A classic
   * VNet's gateway is not modelled, so only the seed's flag can ask for its resync.
   */
  isResyncRequired(planId: string, connection: SimAppConnection): boolean {
    if (this.classicVnets.get(connection.vnetId)) return connection.resyncRequired === true;
    const vnet = this.vnets.get(connection.vnetId);
    const dnsChanged = vnet !== undefined && vnet.dnsServers.join(",") !== connection.dnsServers.join(",");
    const cert = this.certificateFor(planId, connection.vnetId);
    const gateway = this.vpnGatewayOf(connection.vnetId);
    const certOnGateway = cert !== undefined && gateway !== undefined && gateway.rootCertificates.some((r) => r.publicCertData === cert.blob);
    return dnsChanged || !certOnGateway || connection.resyncRequired === true;
  }

  healthOf(resourceId: string): SimHealth {
    return this.health.get(key(resourceId)) ?? "Available";
  }

  setHealth(resourceId: string, state: SimHealth): void {
    this.health.set(key(resourceId), state);
  }
}
