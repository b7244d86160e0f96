import type {
  AppInfo,
  RegionalIntegrationInfo,
  SubnetInfo,
  GatewayConnectionInfo,
  GatewayInfo,
  HealthState,
  LocalNetworkGatewayInfo,
  ManagementLock,
  NsgInfo,
  PlanInfo,
  PlanRoute,
  VnetConnectionInfo,
  VnetInfo,
  WriteReceipt,
} from "./model.ts";
import type { Secret } from "./secret.ts";

/**
 * Reads of the estate. Implemented by src/azure over the real SDK clients. Every method throws BotError for
 * what a user can act on (not-found, forbidden, throttled, unavailable).
 */
export interface AzureReader {
  /** The same reader whose every call carries the signal to ARM (a command's deadline). */
  withSignal(signal: AbortSignal): AzureReader;
  /** Every App Service plan of a subscription (one paged call). */
  listPlans(subscriptionId: string): Promise<PlanInfo[]>;
  /** Every web app of a subscription (one paged call); production apps only, as ARM lists them. */
  listApps(subscriptionId: string): Promise<AppInfo[]>;
  /** The apps of one plan (one paged call). */
  listPlanApps(planId: string): Promise<AppInfo[]>;
  /** An app's deployment slots (one paged call). */
  listSlots(appId: string): Promise<AppInfo[]>;
  getPlan(planId: string): Promise<PlanInfo>;
  /** An app, or a slot when the id is …/sites/{app}/slots/{slot}. */
  getApp(appId: string): Promise<AppInfo>;
  /** The plan's VNet connections: one call per plan, however many apps it has. */
  listPlanVnetConnections(planId: string): Promise<VnetConnectionInfo[]>;
  /** One app's or slot's VNet connections (gateway-required and regional): where ARM keeps which VNet it uses. */
  listAppVnetConnections(appId: string): Promise<VnetConnectionInfo[]>;
  /** Every VNet of a subscription (one paged call), for resolving names. */
  listVnets(subscriptionId: string): Promise<VnetInfo[]>;
  getVnet(vnetId: string): Promise<VnetInfo>;
  getGateway(gatewayId: string): Promise<GatewayInfo>;
  /** Resource Health's current availability; "Unknown" when Resource Health has no answer. */
  getResourceHealth(resourceId: string): Promise<HealthState>;
  /** Every management lock in a subscription, whatever its scope (one paged call). */
  listLocks(subscriptionId: string): Promise<ManagementLock[]>;
  getNsg(nsgId: string): Promise<NsgInfo>;
  /** Site-to-site and VNet-to-VNet connections of a gateway. */
  listGatewayConnections(gatewayId: string): Promise<GatewayConnectionInfo[]>;
  /** A site-to-site connection's local network gateway: the on-premises prefixes it announces. */
  getLocalNetworkGateway(id: string): Promise<LocalNetworkGatewayInfo>;
  /** One subnet, read fresh (…/virtualNetworks/{vnet}/subnets/{subnet}). */
  getSubnet(subnetId: string): Promise<SubnetInfo>;
  /** An app's or slot's regional integration and whether its scale unit supports one. */
  getRegionalIntegration(appId: string): Promise<RegionalIntegrationInfo>;
  /** Whether all the app's outbound traffic goes into its VNet (config/web vnetRouteAllEnabled). */
  getRouteAll(appId: string): Promise<boolean>;
}

/** Peering flags to set on one side of a peering. */
export interface PeeringSettings {
  remoteVnetId: string;
  allowVirtualNetworkAccess: boolean;
  allowForwardedTraffic: boolean;
  allowGatewayTransit: boolean;
  useRemoteGateways: boolean;
}

/**
 * Writes to the estate, one method per ARM write the change plans need. Each is safe to repeat.
 */
export interface AzureWriter {
  /** PUT the app's VNet connection; Azure answers with the client certificate. */
  putAppVnetConnection(appId: string, vnetId: string): Promise<WriteReceipt & { certBlob: string; certThumbprint: string | undefined }>;
  /** DELETE the app's VNet connection (the app restarts). */
  deleteAppVnetConnection(appId: string, vnetName: string): Promise<WriteReceipt>;
  /** GET-modify-PUT the gateway so that its P2S root certificates include this one, keeping all others. */
  addGatewayRootCertificate(gatewayId: string, name: string, publicCertData: string): Promise<WriteReceipt>;
  /** GET-modify-PUT the gateway without the root certificate of this public data, keeping all others. */
  removeGatewayRootCertificate(gatewayId: string, publicCertData: string): Promise<WriteReceipt>;
  /** Generate the gateway's VPN client package; the URL carries a SAS token. */
  generateVpnPackage(gatewayId: string): Promise<WriteReceipt & { packageUri: Secret }>;
  /** Give the app the package URL (sites/.../virtualNetworkConnections/{vnet}/gateways/primary). */
  putAppVnetGateway(appId: string, vnetName: string, packageUri: Secret): Promise<WriteReceipt>;
  /** Give the whole plan a fresh package URL (serverfarms/.../gateways/primary): sync network. */
  putPlanVnetGateway(planId: string, vnetName: string, packageUri: Secret): Promise<WriteReceipt>;
  putPlanRoute(planId: string, vnetName: string, route: PlanRoute): Promise<WriteReceipt>;
  deletePlanRoute(planId: string, vnetName: string, routeName: string): Promise<WriteReceipt>;
  /** Create or update one side of a peering (the VNet that owns it is vnetId). */
  putPeering(vnetId: string, peeringName: string, settings: PeeringSettings): Promise<WriteReceipt>;
  /**
   * Delegate a subnet to Microsoft.Web/serverFarms: GET-modify-PUT of an existing subnet, sending back its NSG, route
   * table, service endpoints and other delegations (a subnet PUT replaces them all), or, with addressPrefix, create it.
   */
  delegateSubnet(subnetId: string, addressPrefix?: string): Promise<WriteReceipt>;
  /** Integrate the app or slot with the subnet (PUT networkConfig/virtualNetwork); the app restarts. */
  putRegionalIntegration(appId: string, subnetId: string): Promise<WriteReceipt>;
  /**
   * Integrate the app or slot with a subnet other plans use (multi-plan subnet join): PATCH the site's
   * virtualNetworkSubnetId, the property the App Service team's announcement sets (with `az resource update`), since the
   * networkConfig PUT is documented to refuse a subnet "in use by another App Service Plan"; the app restarts.
   */
  joinSharedSubnet(appId: string, subnetId: string): Promise<WriteReceipt>;
  /** Remove the app's or slot's regional integration (DELETE networkConfig/virtualNetwork); the app restarts. */
  deleteRegionalIntegration(appId: string): Promise<WriteReceipt>;
  /** Send all the app's outbound traffic into its VNet, or only RFC 1918 traffic (PATCH config/web vnetRouteAllEnabled). */
  setRouteAll(appId: string, enabled: boolean): Promise<WriteReceipt>;
}

/** Output of a Kudu command run on the app's worker. */
export interface KuduCommandResult {
  output: string;
  error: string;
  exitCode: number;
}

/** Runs commands on an app's worker through Kudu's command API (diagnose). */
export interface KuduRunner {
  runCommand(app: AppInfo, command: string, options?: { signal?: AbortSignal }): Promise<KuduCommandResult>;
}

/**
 * Serialises work on one named thing: a gateway's root certificates, whose PUT replaces the whole list and honours no
 * If-Match. With one replica an in-process lock does; replicas on PostgreSQL hold a database lock.
 */
export interface Locks {
  /**
   * Runs work holding the lock. `held` aborts when the lock was lost (a replica that stalled longer than its lease
   * and found it taken): work checks it before each write, and its reason is the error to throw.
   */
  withLock<T>(name: string, work: (held: AbortSignal) => Promise<T>): Promise<T>;
}

/** The clock, so that tests and jobs can fix "now". */
export interface Clock {
  now(): Date;
}

/** Where a posted message lives, so that it can be updated or answered in its thread. */
export interface PostedMessage {
  channel: string;
  ts: string;
}

/**
 * Posting to channels outside a command's reply (approval requests, scheduled alerts). Implemented by src/slack over
 * the Web API; messages are platform-neutral replies (src/core/reply.ts).
 */
export interface ChatPort<TReply = unknown> {
  post(channel: string, reply: TReply): Promise<PostedMessage>;
  update(message: PostedMessage, reply: TReply): Promise<void>;
  replyInThread(message: PostedMessage, reply: TReply): Promise<PostedMessage>;
}

/** What the scheduled alerts remember about one alert (a certificate, a gateway) between scans. */
export interface AlertState {
  /** Thresholds already announced, e.g. "6 months", "30 days", so that each is said once. */
  announced: string[];
  /** No reminders before this time. */
  snoozedUntil: Date | undefined;
  /** The last scan's finding as JSON text (opaque to the store). */
  lastResult: string | undefined;
  updatedAt: Date;
}

/**
 * An announcement claimed but not yet confirmed (posted, then recorded): the claimer has until `until` to post it.
 * Should it die first, the claim lapses and the announcement counts as never made, so that another run makes it.
 */
export interface AlertClaim {
  until: Date;
  /** The state before the claim: put back when the post fails, and what others decide from once it lapses. */
  previous: AlertState | undefined;
}

/** An alert state as stored: its version tag and the announcement being made, if any. */
export interface StoredAlertState extends AlertState {
  /** Changes with every write: what a conditional write compares, so that no two writers both win. */
  etag: string;
  claim: AlertClaim | undefined;
}

/**
 * Durable alert state keyed by alert (e.g. "cert:<app id>", "gateway:<gateway id>"), shared by every replica.
 * Implemented by src/store. Announcements go through swap, never through get-then-put: two replicas that read the
 * same state cannot both claim the same announcement.
 */
export interface AlertStateStore {
  get(key: string): Promise<StoredAlertState | undefined>;
  /** Writes unconditionally (state that is no announcement, e.g. the diagnoses' Fix offers). */
  put(key: string, state: AlertState): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every alert whose key starts with the prefix (all when omitted). */
  list(prefix?: string): Promise<Array<{ key: string; state: StoredAlertState }>>;
  /**
   * One conditional write: replaces the state read as `expected` (undefined: there was none) with `next` (undefined:
   * deletes it), recording `claim` on it when given. Returns what is stored now, or false when the stored state is no
   * longer `expected` because someone else wrote first.
   */
  swap(key: string, expected: StoredAlertState | undefined, next: AlertState | undefined, claim?: AlertClaim): Promise<{ state: StoredAlertState | undefined } | false>;
}
