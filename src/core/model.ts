/**
 * The estate as the domain sees it: plain data read from Azure, with no SDK or wire types. Every `id` is a full
 * ARM resource id as Azure returned it; compare ids with sameId() from resource-id.ts (ARM ids are
 * case-insensitive).
 */

export interface PlanInfo {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location: string;
  /** sku.name, e.g. "S1", "P1v3", "F1". */
  skuName: string;
  /** sku.tier, e.g. "Standard", "PremiumV3", "Free". */
  tier: string;
  /** reserved === true. */
  isLinux: boolean;
  /** hyperV === true or isXenon === true. */
  isWindowsContainer: boolean;
  /** Instances it runs now (sku.capacity): a regional integration subnet needs an address for each, twice over. */
  workers: number;
}

/**
 * A web app or one of its deployment slots (a slot is its own site to ARM: its own VNet connections, restarts and
 * Kudu). Which VNet a gateway-required integration uses is not here: ARM keeps it in the app's connection list
 * (see connections.ts), not in the site.
 */
export interface AppInfo {
  id: string;
  /** "app", or "app/slot" for a deployment slot, as ARM names slots. */
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location: string;
  planId: string;
  kind: string;
  isLinux: boolean;
  isWindowsContainer: boolean;
  state: string;
  /** The slot's own name ("staging"); undefined for the production app. */
  slot: string | undefined;
  /** virtualNetworkSubnetId: set when the app uses regional integration instead. */
  regionalSubnetId: string | undefined;
  /** The Kudu (SCM) host name, e.g. "app.scm.azurewebsites.net" ("app-slot.scm…" for a slot). */
  scmHostName: string | undefined;
  /**
   * True when the site's outboundVnetRouting sends application (or all) traffic through the VNet: route-all as newer
   * API versions set it; config/web's vnetRouteAllEnabled is the older form (configure-vnet-integration-routing.md).
   */
  outboundRouteAll?: true;
}

/** A plan-level route: traffic for this range goes into the VNet. */
export interface PlanRoute {
  name: string;
  startAddress: string;
  /** Absent when startAddress is in CIDR notation. */
  endAddress: string | undefined;
  /** "STATIC", "DEFAULT" or "INHERITED". */
  routeType: string;
}

/** What the integration's client certificate says about itself (parsed from certBlob). */
export interface CertificateInfo {
  /** SHA-1, upper-case hex, as Windows and ARM show it. */
  thumbprint: string;
  notBefore: Date;
  notAfter: Date;
}

/** A VNet connection as seen from an app or a plan (VnetInfoResource). */
export interface VnetConnectionInfo {
  /** The connection's name, which is the VNet's name. */
  name: string;
  vnetId: string;
  /** isSwift: regional integration, which vnetbot counts but does not manage. */
  isRegional: boolean;
  certThumbprint: string | undefined;
  /** base64 DER of the client certificate. Public, but bulky: never shown to users. */
  certBlob: string | undefined;
  certificate: CertificateInfo | undefined;
  routes: PlanRoute[];
  resyncRequired: boolean;
  dnsServers: string[];
}

/** A P2S root certificate on a gateway. */
export interface RootCertificate {
  name: string;
  /** base64 DER, as App Service's certBlob. */
  publicCertData: string;
}

export interface GatewayInfo {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  /** "Vpn", "ExpressRoute" or "LocalGateway". */
  gatewayType: string;
  /** "RouteBased" or "PolicyBased". */
  vpnType: string;
  skuName: string;
  /** "Succeeded", "Failed", "Updating", ... */
  provisioningState: string;
  /** vpnClientConfiguration.vpnClientAddressPool.addressPrefixes: the P2S pool. */
  addressPool: string[];
  /** vpnClientConfiguration.vpnClientProtocols: "SSTP", "IkeV2", "OpenVPN". */
  protocols: string[];
  /** vpnClientConfiguration.vpnAuthenticationTypes: "Certificate", "Radius", "AAD"; empty when Azure does not say. */
  authenticationTypes: string[];
  rootCertificates: RootCertificate[];
}

/** A subnet of a VNet. */
export interface SubnetInfo {
  id: string;
  name: string;
  addressPrefixes: string[];
  nsgId: string | undefined;
  routeTableId: string | undefined;
  /** The services it is delegated to, e.g. "Microsoft.Web/serverFarms" (regional integration needs that one). */
  delegations: string[];
  /** Who holds it through a service association link; App Service's (AppServiceLink) links the plan. */
  serviceAssociationLinks: Array<{ name: string; linkedResourceType: string; link: string }>;
  /** Service endpoints, e.g. "Microsoft.Storage"; a subnet PUT must send them back or they are lost. */
  serviceEndpoints: string[];
  /** Regional integration refuses a subnet with service endpoint policies. */
  hasServiceEndpointPolicies: boolean;
  /** NICs, private endpoints and the like using its addresses: regional integration needs an unused subnet. */
  ipConfigurationCount: number;
}

/** An app's regional integration as App Service reports it (sites/{app}/networkConfig/virtualNetwork). */
export interface RegionalIntegrationInfo {
  /** The integration subnet; undefined when the app has no regional integration. */
  subnetId: string | undefined;
  /** Whether the app's scale unit supports regional integration at all. */
  swiftSupported: boolean;
}

/** One side of a VNet peering, as seen from the VNet that owns it. */
export interface PeeringInfo {
  id: string;
  name: string;
  remoteVnetId: string;
  allowVirtualNetworkAccess: boolean;
  allowForwardedTraffic: boolean;
  allowGatewayTransit: boolean;
  useRemoteGateways: boolean;
  /** "Initiated", "Connected" or "Disconnected". */
  peeringState: string;
  remoteAddressSpace: string[];
}

/** A virtual network with what the bot needs of it. */
export interface VnetInfo {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location: string;
  addressSpace: string[];
  /** dhcpOptions.dnsServers; empty means Azure-provided DNS. */
  dnsServers: string[];
  subnets: SubnetInfo[];
  peerings: PeeringInfo[];
  /** Gateways found through the GatewaySubnet's IP configurations (a VPN and an ExpressRoute gateway may coexist). */
  gatewayIds: string[];
}

/** Resource Health availability of a resource. */
export type HealthState = "Available" | "Unavailable" | "Degraded" | "Unknown";

/**
 * A management lock: ARM refuses, at its scope and below, every change (ReadOnly) or every deletion (CanNotDelete),
 * whatever the caller's role.
 */
export interface ManagementLock {
  name: string;
  level: "ReadOnly" | "CanNotDelete";
  /** The id of what it locks: a subscription, a resource group or a resource. */
  scope: string;
}

/** One NSG rule, flattened to lists (singular and plural ARM fields merged). */
export interface NsgRule {
  name: string;
  priority: number;
  direction: "Inbound" | "Outbound";
  access: "Allow" | "Deny";
  /** "Tcp", "Udp", "Icmp", "*", ... */
  protocol: string;
  sourcePrefixes: string[];
  destinationPrefixes: string[];
  /** Port ranges as written: "443", "1000-2000", "*". */
  destinationPorts: string[];
  isDefault: boolean;
}

/** A network security group with its custom and default rules. */
export interface NsgInfo {
  id: string;
  name: string;
  rules: NsgRule[];
}

/** A site-to-site or VNet-to-VNet connection on a gateway. */
export interface GatewayConnectionInfo {
  id: string;
  name: string;
  connectionType: string;
  /** "Connected", "Connecting", "NotConnected", "Unknown". */
  connectionStatus: string;
  /** A site-to-site (IPsec) connection's local network gateway: what the on-premises side announces. */
  localNetworkGatewayId: string | undefined;
  /** BGP runs over this connection (its local network gateway's BGP settings alone do not turn it on). */
  enableBgp: boolean;
}

/** The on-premises side of a site-to-site connection. */
export interface LocalNetworkGatewayInfo {
  id: string;
  name: string;
  /** The prefixes it announces to Azure (its local network address space). */
  addressPrefixes: string[];
  /** BGP is on: on-premises may announce more than the address space says. */
  bgp: boolean;
}

/** What one Azure write returned, for the audit trail. */
export interface WriteReceipt {
  /** x-ms-request-id of every request the write made. */
  requestIds: string[];
}
