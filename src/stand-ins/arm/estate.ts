/**
 * The seed format of a simulated estate (YAML or JSON), validated on load. Names refer to resources of the same
 * subscription (any resource group); a full ARM id refers across subscriptions. Documented in estates/README.md.
 */
import { readFileSync, existsSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { sourceFile } from "../../source-files.ts";
import { regionalOptions } from "./estate-regional-options.ts";
import { ARM_THROTTLING_LIMITS } from "./throttling.ts";

const healthState = z.enum(["Available", "Unavailable", "Degraded", "Unknown"]);
const provisioningState = z.enum(["Succeeded", "Failed", "Updating", "Creating", "Deleting", "Canceled"]);

const routeSeed = z.strictObject({
  vnet: z.string().min(1),
  name: z.string().min(1),
  startAddress: z.string().min(1),
  endAddress: z.string().optional(),
  routeType: z.enum(["STATIC", "DEFAULT", "INHERITED"]).default("STATIC"),
});

const planSeed = z.strictObject({
  name: z.string().min(1),
  location: z.string().optional(),
  os: z.enum(["windows", "linux"]).default("windows"),
  /** Windows containers (hyperV) or Linux containers. */
  container: z.boolean().default(false),
  sku: z.strictObject({ name: z.string().min(1), tier: z.string().min(1), capacity: z.number().int().positive().default(1) }),
  routes: z.array(routeSeed).default([]),
  /**
   * false: the plan's scale unit cannot do regional VNet integration (older Basic/Standard stamps): its sites answer
   * swiftSupported false and a regional PUT is refused (azure-docs#56945).
   */
  regionalIntegration: z.boolean().default(true),
});

const gatewayConnectionSeed = z.strictObject({
  /** A Resource Manager VNet; or classicVnet, a classic one from a resource group's classicVnets. */
  vnet: z.string().min(1).optional(),
  classicVnet: z.string().min(1).optional(),
  /** Expiry of the (plan, VNet) certificate, relative to now; negative = already expired. */
  certificateExpiresInDays: z.number().optional(),
  certificateExpiresOn: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  /** DNS servers pushed at the last sync; default: the VNet's current ones (in sync). */
  dnsServers: z.array(z.string()).optional(),
  /** False when the gateway lost this certificate (resync required). */
  certificateOnGateway: z.boolean().default(true),
  /** True when Azure flags the connection for resync for a reason the seed does not model otherwise; a sync clears it. */
  resyncRequired: z.boolean().default(false),
}).refine((c) => (c.vnet === undefined) !== (c.classicVnet === undefined), { message: "give exactly one of vnet (Resource Manager) and classicVnet" });

const siteFields = {
  state: z.enum(["Running", "Stopped"]).default("Running"),
  vnetConnection: gatewayConnectionSeed.optional(),
  /** The subnet is delegated to Microsoft.Web/serverFarms and linked to the app's plan (AppServiceLink). */
  regionalIntegration: z.strictObject({ vnet: z.string().min(1), subnet: z.string().min(1) }).optional(),
  /** config/web vnetRouteAllEnabled: all outbound traffic, not only RFC 1918, goes into the regional VNet. */
  vnetRouteAllEnabled: z.boolean().default(false),
  /** WEBSITE_PRIVATE_IP; default: an address from the gateway's P2S pool or the integration subnet. */
  privateIp: z.string().optional(),
};

/** A deployment slot: its own site to ARM, with its own connections; on the app's plan unless it names another. */
const slotSeed = z.strictObject({ name: z.string().min(1), plan: z.string().optional(), ...siteFields });

const appSeed = z.strictObject({
  name: z.string().min(1),
  plan: z.string().min(1),
  location: z.string().optional(),
  kind: z.string().optional(),
  ...siteFields,
  slots: z.array(slotSeed).default([]),
});

const peeringSeed = z.strictObject({
  name: z.string().min(1),
  remoteVnet: z.string().min(1),
  allowVirtualNetworkAccess: z.boolean().default(true),
  allowForwardedTraffic: z.boolean().default(false),
  allowGatewayTransit: z.boolean().default(false),
  useRemoteGateways: z.boolean().default(false),
  peeringState: z.enum(["Initiated", "Connected", "Disconnected"]).default("Connected"),
});

/** A delegation by service name (named as the portal names it, e.g. Microsoft.Web.serverFarms) or in full. */
const delegationSeed = z.union([z.string().min(1), z.strictObject({ name: z.string().min(1), serviceName: z.string().min(1) })]);

const subnetSeed = z.strictObject({
  name: z.string().min(1),
  addressPrefix: z.string().min(1),
  nsg: z.string().optional(),
  routeTable: z.string().optional(),
  delegations: z.array(delegationSeed).default([]),
  /** Services, e.g. Microsoft.Storage; ARM fills in their locations. */
  serviceEndpoints: z.array(z.string().min(1)).default([]),
  /** Names of service endpoint policies (ids in the VNet's resource group; the policies themselves are not served). */
  serviceEndpointPolicies: z.array(z.string().min(1)).default([]),
  /** How many NIC IP configurations use the subnet (VMs, private endpoints): it is not empty. */
  ipConfigurations: z.number().int().min(0).default(0),
});

const vnetSeed = z.strictObject({
  name: z.string().min(1),
  location: z.string().optional(),
  addressSpace: z.array(z.string().min(1)).min(1),
  dnsServers: z.array(z.string()).default([]),
  subnets: z.array(subnetSeed).default([]),
  peerings: z.array(peeringSeed).default([]),
  health: healthState.optional(),
});

const gatewaySeed = z.strictObject({
  name: z.string().min(1),
  vnet: z.string().min(1),
  location: z.string().optional(),
  gatewayType: z.enum(["Vpn", "ExpressRoute"]).default("Vpn"),
  vpnType: z.enum(["RouteBased", "PolicyBased"]).default("RouteBased"),
  sku: z.string().default("VpnGw1"),
  provisioningState: provisioningState.default("Succeeded"),
  /** The P2S address pool (vpnClientAddressPool); empty = no P2S configuration. */
  addressPool: z.array(z.string()).default([]),
  protocols: z.array(z.enum(["SSTP", "IkeV2", "OpenVPN"])).default([]),
  /** P2S authentication (vpnAuthenticationTypes); App Service's client certificates need Certificate. */
  authenticationTypes: z.array(z.enum(["Certificate", "Radius", "AAD"])).default(["Certificate"]),
  /** Extra root certificates (e.g. the team's own VPN users); without data, one is issued. */
  rootCertificates: z.array(z.strictObject({ name: z.string().min(1), publicCertData: z.string().optional() })).default([]),
  health: healthState.default("Available"),
});

const nsgRuleSeed = z.strictObject({
  name: z.string().min(1),
  priority: z.number().int().min(100).max(4096),
  direction: z.enum(["Inbound", "Outbound"]),
  access: z.enum(["Allow", "Deny"]),
  protocol: z.string().default("*"),
  sourceAddressPrefix: z.string().default("*"),
  destinationAddressPrefix: z.string().default("*"),
  destinationPortRange: z.string().default("*"),
});

const s2sSeed = z.strictObject({
  name: z.string().min(1),
  gateway: z.string().min(1),
  location: z.string().optional(),
  connectionType: z.enum(["IPsec", "Vnet2Vnet", "ExpressRoute", "VPNClient"]).default("IPsec"),
  connectionStatus: z.enum(["Connected", "Connecting", "NotConnected", "Unknown"]).default("Connected"),
  health: healthState.optional(),
  /**
   * An IPsec connection's local network gateway (named "<connection>-lng", in the connection's group): the on-premises
   * prefixes it announces to Azure, and whether BGP announces more. Default: no prefixes, no BGP.
   */
  localNetwork: z.strictObject({ addressPrefixes: z.array(z.string().min(1)).default([]), bgp: z.boolean().default(false) }).optional(),
  /** BGP on the connection itself (default: as its local network gateway); BGP runs only with both. */
  enableBgp: z.boolean().optional(),
});

const resourceGroupSeed = z.strictObject({
  name: z.string().min(1),
  location: z.string().default("westeurope"),
  plans: z.array(planSeed).default([]),
  apps: z.array(appSeed).default([]),
  vnets: z.array(vnetSeed).default([]),
  /** Classic (Service Management) VNets: gateway-required connections may point at them; Microsoft.Network has none. */
  classicVnets: z.array(z.strictObject({ name: z.string().min(1), location: z.string().optional(), addressSpace: z.array(z.string().min(1)).min(1) })).default([]),
  /** Route tables, for subnets to reference; their routes are not modelled. */
  routeTables: z.array(z.strictObject({ name: z.string().min(1), location: z.string().optional() })).default([]),
  gateways: z.array(gatewaySeed).default([]),
  nsgs: z.array(z.strictObject({ name: z.string().min(1), location: z.string().optional(), rules: z.array(nsgRuleSeed).default([]) })).default([]),
  connections: z.array(s2sSeed).default([]),
  /**
   * Management locks: on the group itself, or with `on` ("Microsoft.Web/sites/orders-web") on one of its resources.
   * ARM refuses what they forbid with 409 ScopeLocked (locks.ts).
   */
  locks: z.array(z.strictObject({ name: z.string().min(1), level: z.enum(["ReadOnly", "CanNotDelete"]), on: z.string().min(1).optional() })).default([]),
});

/** What Kudu commands on the apps' workers can reach (see estates/README.md). */
const networkSeed = z.strictObject({
  hosts: z
    .array(
      z.strictObject({
        ip: z.string().min(1),
        names: z.array(z.string()).default([]),
        openPorts: z.array(z.number().int().min(1).max(65535)).default([]),
        /** App names whose traffic a firewall drops (times out). */
        blockedApps: z.array(z.string()).default([]),
      }),
    )
    .default([]),
  /** DNS servers that do not answer (nameresolver times out). */
  unreachableDnsServers: z.array(z.string()).default([]),
});

const bucketSeed = z.strictObject({ burst: z.number().int().positive(), refillPerSecond: z.number().positive() });

/** ARM's buckets by default; a key left out keeps ARM's limits for that operation type. */
const throttlingSeed = z.strictObject({
  reads: bucketSeed.default(ARM_THROTTLING_LIMITS.reads),
  writes: bucketSeed.default(ARM_THROTTLING_LIMITS.writes),
  deletes: bucketSeed.default(ARM_THROTTLING_LIMITS.deletes),
});

const estateSchema = z.strictObject({
  subscriptions: z
    .array(z.strictObject({ id: z.string().min(1), name: z.string().optional(), resourceGroups: z.array(resourceGroupSeed).default([]) }))
    .min(1),
  network: networkSeed.default({ hosts: [], unreachableDnsServers: [] }),
  /** Items per page in paged lists; small so that clients must follow nextLink. */
  pageSize: z.number().int().positive().default(50),
  /**
   * What ARM does: site lists answer siteConfig null and a site GET a siteConfig without vnetName (azure-powershell
   * #4841, #14877). true is the convenient behaviour that is not ARM's: both carry siteConfig.vnetName.
   */
  siteConfigVnetName: z.boolean().default(false),
  /**
   * Whether a plan's site list (GET serverfarms/{plan}/sites) holds its deployment slots besides its apps. The spec
   * calls it "all apps associated with an App Service plan"; a Microsoft answer points to it for "apps and respective
   * slots under an app service plan" (azure-cli#23924). Default: apps only; true: slots too.
   */
  planSiteListIncludesSlots: z.boolean().default(false),
  /**
   * Whether the plan-level VNet connection carries the certificate (certBlob, certThumbprint) like the app-level one.
   * Not documented either way; default: it does not.
   */
  planConnectionCertBlob: z.boolean().default(false),
  /**
   * What the plan-level gateways/primary PUT (sync) reaches. Not documented: "app" (default) means only the per-app
   * gateways/primary PUT gives an app a package; "plan" means the plan-level one gives it to every app of the plan.
   */
  syncScope: z.enum(["app", "plan"]).default("app"),
  /**
   * Whether an app that reconnects gets a new certificate. Not documented: "keep" (default) never issues another
   * while one exists, "replace" issues one on every connect, "replace-within-six-months" only once the current one
   * is within six months of expiry (when the portal offers renewal).
   */
  reconnectCertificate: z.enum(["keep", "replace", "replace-within-six-months"]).default("keep"),
  /**
   * How a gateway refuses a 21st root certificate; ARM's answer is not documented: "sync" (default) a 400 on the PUT,
   * "async" an operation that ends Failed.
   */
  rootCertificateLimitError: z.enum(["sync", "async"]).default("sync"),
  /**
   * Whether a list of connections (a gateway's, or a resource group's) carries each one's connectionStatus. Captures
   * of the list show it null while a GET of the one connection fills it (azure-powershell#2581: "only if the -name
   * parameter is omitted"; azure-cli#2061). Default: left out of lists; true: lists carry it too.
   */
  connectionListStatus: z.boolean().default(false),
  /**
   * How a plan's VNet connection list shows a regional integration of its apps. The plan holds one as a child
   * resource (pulumi-azure-native#1778 imports serverfarms/{plan}/virtualNetworkConnections/{guid}_{subnet}); no
   * capture shows whether it carries isSwift, as the app's entry does. Default: listed without isSwift; flagged:
   * listed with isSwift true; none: not listed.
   */
  planRegionalEntries: z.enum(["no-flag", "flagged", "none"]).default("no-flag"),
  /**
   * Whether a gateway-required connection reports the DNS servers its apps got at their last sync. The schema has the
   * field ("DNS servers to be used by this Virtual Network") and Microsoft's trigger for a sync is the VNet's DNS
   * changing, but no public capture shows it filled. Default: reported, as the schema describes (the diagnosis and
   * the sync's preview compare it with the VNet's); never: always null, which the bot must not take for drift.
   */
  connectionDnsServers: z.enum(["reported", "never"]).default("reported"),
  ...regionalOptions,
  /** ARM's request throttling (token buckets per subscription, principal and operation type); false: none at all. */
  throttling: z.union([z.literal(false), throttlingSeed]).default(ARM_THROTTLING_LIMITS),
});

/** A validated estate seed. */
export type EstateSeed = z.output<typeof estateSchema>;
/** An estate seed as written (defaults not yet applied), for tests that build seeds in code. */
export type EstateSeedInput = z.input<typeof estateSchema>;
export type PlanSeed = z.output<typeof planSeed>;
export type AppSeed = z.output<typeof appSeed>;
export type VnetSeed = z.output<typeof vnetSeed>;
export type GatewaySeed = z.output<typeof gatewaySeed>;
export type ResourceGroupSeed = z.output<typeof resourceGroupSeed>;

/** Validates a seed, listing every problem with where it is. */
export function parseEstate(input: unknown, source = "estate"): EstateSeed {
  const result = estateSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  - ${formatPath(issue.path)}: ${issue.message}`);
  throw new Error(`${source} is not a valid estate:\n${problems.join("\n")}\nSee src/stand-ins/arm/estates/README.md for the format.`);
}

function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), "") || "(top level)";
}

const ESTATES_DIR = sourceFile("src/stand-ins/arm/estates/");

/** Loads a bundled estate by name ("demo") or an estate file (YAML or JSON) by path. */
export function loadEstate(nameOrPath: string): EstateSeed {
  const bundled = `${ESTATES_DIR}${nameOrPath}.yaml`;
  const path = /^[a-z0-9-]+$/i.test(nameOrPath) && existsSync(bundled) ? bundled : nameOrPath;
  if (!existsSync(path)) {
    throw new Error(`No estate "${nameOrPath}": give a bundled name (e.g. "demo") or the path of a YAML or JSON estate file.`);
  }
  const text = readFileSync(path, "utf8");
  let data: unknown;
  try {
    data = path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new Error(`Estate file ${nameOrPath} cannot be parsed: ${(error as Error).message}`);
  }
  return parseEstate(data, `Estate ${nameOrPath}`);
}
