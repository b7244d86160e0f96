/** The gateway-required integrations of the configured subscriptions, read with as few ARM calls as possible. */
import { BotError, isBotError } from "../errors.ts";
import { findVpnGateway } from "./eligibility.ts";
import { createNetworkCache, readAppConnections, withCertificate, type NetworkCache } from "./inventory-reads.ts";
import { createKeyedLimiter, type KeyedLimiter } from "./limiter.ts";
import type { AppInfo, GatewayInfo, PlanInfo, VnetConnectionInfo, VnetInfo } from "./model.ts";
import type { AzureReader } from "./ports.ts";
import { isClassicVnetId, nameOf } from "./resource-id.ts";
import { sameName, type AppConnection } from "./connections.ts";

/** One (plan, VNet) gateway-required integration with what vnetbot knows about its VNet and gateway. */
export interface Integration {
  plan: PlanInfo;
  /** The plan's apps whose gateway-required VNet is this one. */
  apps: AppInfo[];
  vnetId: string;
  vnetName: string;
  connection: VnetConnectionInfo;
  /** Undefined when the VNet could not be read (see failures). */
  vnet: VnetInfo | undefined;
  /** The VNet's VPN gateway; undefined when it has none or it could not be read. */
  gateway: GatewayInfo | undefined;
  /** Every gateway of the VNet that could be read (an ExpressRoute gateway may sit beside the VPN one). */
  gateways: GatewayInfo[];
  /** True when the VNet is a classic one, which Resource Manager cannot read: vnet and gateway stay undefined. */
  classic: boolean;
  /** What Azure says no longer exists: the VNet, or a gateway its GatewaySubnet still names. Missing means down. */
  missing: "vnet" | "gateway" | undefined;
  /** Whether the connection's certificate is among the gateway's root certificates; undefined when unknown. */
  certOnGateway: boolean | undefined;
  /**
   * Apps of the plan whose connections could not be read: any of them may use this VNet, so "apps: none" would not
   * be known. Absent in inventories kept by an older bot.
   */
  unreadApps?: string[];
}

/** A part of the scan that failed; the rest of the inventory is still valid. */
export interface InventoryFailure {
  /** The subscription, plan or resource id whose read failed. */
  scope: string;
  message: string;
}

/** What a scan found. */
export interface Inventory {
  integrations: Integration[];
  /** Apps using regional integration, which vnetbot counts but does not manage. */
  regionalCount: number;
  /** Plans whose VNet connections were read. */
  plansScanned: number;
  failures: InventoryFailure[];
  /**
   * "group/name" (lower-case) of the apps and plans the scan listed that hold no gateway-required integration, so that
   * an answer from the kept inventory can tell a name it holds from one that another app or plan shares. Absent in
   * inventories kept by an older bot.
   */
  others?: { apps: string[]; plans: string[] };
  /**
   * The deployment slots of plans with a gateway-required connection, by lower-case plan id: the regional-integration
   * subnets (lower-case ids) they use, since a plan's limit of regional integrations counts them and the plan's site
   * list may leave slots out (listPlanSites); and, where an app's slots could not be listed, why (the app's plan then
   * cannot be counted). Absent from an inventory that is not a scan's (kept inventories of format 1 are read again).
   */
  planSlots?: Record<string, PlanSlots>;
}

/** What the scan learnt of a plan's deployment slots (Inventory.planSlots). */
export interface PlanSlots {
  regionalSubnets: string[];
  unlisted?: string;
}

/** Options of a scan. */
export interface InventoryOptions {
  /** Reads in flight at once per subscription (default 4). */
  concurrency?: number;
  /** Only plans for which this returns true are scanned. */
  planFilter?: (plan: PlanInfo) => boolean;
}

const NO_INTEGRATION_TIERS = new Set(["free", "shared"]);
const SUBSCRIPTION_OF = /^\/subscriptions\/([^/]+)\//i;

/** True when a plan may hold gateway-required integrations: Windows without containers, not Free or Shared. */
export function mayHaveIntegrations(plan: PlanInfo): boolean {
  return !plan.isLinux && !plan.isWindowsContainer && !NO_INTEGRATION_TIERS.has(plan.tier.toLowerCase());
}

/** True when the gateway's P2S root certificates include this certificate blob. */
export function isCertOnGateway(certBlob: string, gateway: GatewayInfo): boolean {
  const wanted = certBlob.replace(/\s+/g, "");
  return gateway.rootCertificates.some((root) => root.publicCertData.replace(/\s+/g, "") === wanted);
}

/**
 * Scans the subscriptions with the fewest reads real ARM allows, since site reads never say which VNet an app uses:
 * per subscription the plan list and the site list (paged); one plan-level VNet-connection read per plan that can
 * hold integrations and has apps; then, only on plans with a gateway-required connection, each app's connections and
 * slots, and each slot's connections; then each VNet and gateway once.
 */
export async function buildInventory(reader: AzureReader, subscriptions: readonly string[], options: InventoryOptions = {}): Promise<Inventory> {
  const parts = [...(await scanSubscriptions(reader, subscriptions, options)).values()];
  requireSomethingRead(parts);
  return mergeInventories(parts);
}

/**
 * Throws when not one of the subscriptions' plans or apps could be listed: nothing read is not "0 integrations".
 * The error carries the reasons (a sign-in failure names its credential).
 */
export function requireSomethingRead(parts: readonly Inventory[]): void {
  const failed = parts.flatMap((part) => (unreadable.has(part) ? [unreadable.get(part)] : []));
  if (parts.length > 0 && failed.length === parts.length) throw everySubscriptionFailed(failed);
}

/** The error of each subscription whose plans or apps could not be listed, by the (empty) inventory standing for it. */
const unreadable = new WeakMap<Inventory, unknown>();

/**
 * The same scan, one inventory per subscription (its plans' integrations, its failures). Each subscription goes
 * through its reads on its own, and each read waits for a slot of the subscription it is charged to: ARM throttles
 * every subscription with a bucket of its own, and under one shared limiter and scan-wide steps the reads queued for
 * a subscription whose bucket was empty took every slot while the other subscriptions' buckets stood full (ten
 * subscriptions of 1,000 plans took five times their bound). VNets and gateways are still read once in all.
 */
export async function scanSubscriptions(reader: AzureReader, subscriptions: readonly string[], options: InventoryOptions = {}): Promise<Map<string, Inventory>> {
  const perSubscription = createKeyedLimiter(options.concurrency ?? 4);
  // Keyed by the subscription of a resource id, or by the id itself when it is a subscription's (its lists). A
  // pattern rather than a parse of every id: a scan makes thousands of reads.
  const limit: KeyedLimiter = (id, task) => perSubscription(SUBSCRIPTION_OF.exec(id)?.[1] ?? id, task);
  const networks = createNetworkCache(reader, limit);
  const unique = [...new Map(subscriptions.map((s) => [s.toLowerCase(), s])).values()];
  const parts = await Promise.all(unique.map((subscriptionId) => scanSubscription(reader, subscriptionId, { limit, networks, planFilter: options.planFilter })));
  return new Map(unique.map((subscriptionId, i) => [subscriptionId, parts[i]!]));
}

/** "group/name", lower-case: how Inventory.others names an app or plan. */
export function groupAndName(resource: { resourceGroup: string; name: string }): string {
  return `${resource.resourceGroup}/${resource.name}`.toLowerCase();
}

/** One inventory of several: integrations in the scan's order, counts added up, each failure once. */
export function mergeInventories(parts: readonly Inventory[]): Inventory {
  const failures = new Map(parts.flatMap((part) => part.failures).map((f) => [`${f.scope.toLowerCase()}|${f.message}`, f]));
  return {
    integrations: parts.flatMap((part) => part.integrations).sort(compareIntegrations),
    regionalCount: parts.reduce((sum, part) => sum + part.regionalCount, 0),
    plansScanned: parts.reduce((sum, part) => sum + part.plansScanned, 0),
    failures: [...failures.values()],
    others: { apps: parts.flatMap((part) => part.others?.apps ?? []), plans: parts.flatMap((part) => part.others?.plans ?? []) },
    planSlots: Object.assign({}, ...parts.map((part) => part.planSlots ?? {})),
  };
}

interface ScanShared {
  limit: KeyedLimiter;
  networks: NetworkCache;
  planFilter: InventoryOptions["planFilter"];
}

async function scanSubscription(reader: AzureReader, subscriptionId: string, { limit, networks, planFilter }: ScanShared): Promise<Inventory> {
  const failures = new Map<string, InventoryFailure>();
  const record = (scope: string, error: unknown) => {
    failures.set(scope.toLowerCase(), { scope, message: isBotError(error) ? error.message : "the read failed unexpectedly" });
  };
  let listed: { plans: PlanInfo[]; apps: AppInfo[] };
  try {
    const [plans, apps] = await Promise.all([limit(subscriptionId, () => reader.listPlans(subscriptionId)), limit(subscriptionId, () => reader.listApps(subscriptionId))]);
    listed = { plans, apps };
  } catch (error) {
    record(subscriptionId, error);
    const unread: Inventory = { integrations: [], regionalCount: 0, plansScanned: 0, failures: [...failures.values()] };
    unreadable.set(unread, error);
    return unread;
  }
  const plans = listed.plans.filter((plan) => planFilter?.(plan) ?? true);
  const appsByPlan = new Map<string, AppInfo[]>();
  for (const app of listed.apps) {
    const planKey = app.planId.toLowerCase();
    const onPlan = appsByPlan.get(planKey);
    if (onPlan) onPlan.push(app);
    else appsByPlan.set(planKey, [app]);
  }
  const appsOf = (plan: PlanInfo) => appsByPlan.get(plan.id.toLowerCase()) ?? [];
  const candidates = plans.filter((plan) => mayHaveIntegrations(plan) && appsOf(plan).length > 0);

  let plansScanned = 0;
  const found = (
    await Promise.all(
      candidates.map(async (plan) => {
        try {
          const connections = await limit(plan.id, () => reader.listPlanVnetConnections(plan.id));
          plansScanned += 1;
          return connections.filter((connection) => !connection.isRegional).map((connection) => ({ plan, connection }));
        } catch (error) {
          record(plan.id, error);
          return [];
        }
      }),
    )
  ).flat();

  const connectedPlans = new Map(found.map(({ plan }) => [plan.id.toLowerCase(), plan]));
  const { connections: appConnections, slots, slotsUnlisted } = await readAppConnections(reader, limit, [...connectedPlans.values()].flatMap(appsOf), connectedPlans, record);
  // Each plan's apps with a gateway-required connection, grouped once rather than looked for per integration.
  const usersByPlan = new Map<string, AppConnection[]>();
  for (const user of appConnections) {
    if (user.connection === undefined) continue;
    const planKey = user.app.planId.toLowerCase();
    const onPlan = usersByPlan.get(planKey);
    if (onPlan) onPlan.push(user);
    else usersByPlan.set(planKey, [user]);
  }
  // A slot's failed read is recorded under the slot's id: it is named ("orders-api/staging") like an app's.
  const slotsByPlan = Map.groupBy(slots, (slot) => slot.planId.toLowerCase());
  const slotsOf = (plan: PlanInfo) => slotsByPlan.get(plan.id.toLowerCase()) ?? [];
  const unreadAppsOf = (plan: PlanInfo) => {
    const unread = [...appsOf(plan), ...slotsOf(plan)].filter((app) => failures.has(app.id.toLowerCase())).map((app) => app.name).sort();
    return unread.length > 0 ? { unreadApps: unread } : {};
  };
  const integrations = await Promise.all(
    found.map(async ({ plan, connection: planConnection }): Promise<Integration> => {
      const users = (usersByPlan.get(plan.id.toLowerCase()) ?? []).filter(({ connection }) => sameName(connection!.name, planConnection.name));
      const connection = withCertificate(planConnection, users.map((user) => user.connection!));
      const classic = isClassicVnetId(connection.vnetId);
      const vnet = classic ? undefined : await networks.vnet(connection.vnetId, record);
      const gateways = vnet ? (await Promise.all(vnet.gatewayIds.map((id) => networks.gateway(id, record)))).filter((g) => g !== undefined) : [];
      const gateway = findVpnGateway(gateways);
      const missing = !vnet && networks.isMissing(connection.vnetId) ? "vnet" : !gateway && vnet?.gatewayIds.some(networks.isMissing) ? "gateway" : undefined;
      return {
        plan,
        apps: users.map((user) => user.app).sort((a, b) => a.name.localeCompare(b.name)),
        vnetId: connection.vnetId,
        vnetName: vnet?.name ?? (connection.name || nameOf(connection.vnetId)),
        connection,
        vnet,
        gateway,
        gateways,
        classic,
        missing,
        certOnGateway: gateway && connection.certBlob ? isCertOnGateway(connection.certBlob, gateway) : undefined,
        ...unreadAppsOf(plan),
      };
    }),
  );
  integrations.sort((a, b) => key(a).localeCompare(key(b)));
  const regionalCount = listed.apps.filter((app) => app.regionalSubnetId !== undefined).length;
  const integratedApps = new Set(integrations.flatMap((integration) => integration.apps.map((app) => app.id.toLowerCase())));
  const integratedPlans = new Set(integrations.map((integration) => integration.plan.id.toLowerCase()));
  const others = {
    apps: listed.apps.filter((app) => !integratedApps.has(app.id.toLowerCase())).map(groupAndName),
    plans: listed.plans.filter((plan) => !integratedPlans.has(plan.id.toLowerCase())).map(groupAndName),
  };
  return { integrations, regionalCount, plansScanned, failures: [...failures.values()], others, planSlots: planSlotsOf(connectedPlans.keys(), slots, slotsUnlisted) };
}

/** Every connected plan has an entry, so that a plan read afresh replaces what a kept inventory said of it. */
function planSlotsOf(plans: Iterable<string>, slots: readonly AppInfo[], unlisted: ReadonlyArray<{ app: AppInfo; error: unknown }>): Record<string, PlanSlots> {
  const byPlan: Record<string, PlanSlots> = Object.fromEntries([...plans].map((plan) => [plan, { regionalSubnets: [] }]));
  const of = (planId: string) => (byPlan[planId.toLowerCase()] ??= { regionalSubnets: [] });
  for (const slot of slots) if (slot.regionalSubnetId) of(slot.planId).regionalSubnets.push(slot.regionalSubnetId.toLowerCase());
  for (const entry of Object.values(byPlan)) entry.regionalSubnets = [...new Set(entry.regionalSubnets)].sort();
  // The slots of an app whose list failed are unknown; they are most likely on the app's own plan.
  for (const { app, error } of unlisted) of(app.planId).unlisted ??= `the slots of app ${app.name} could not be listed: ${isBotError(error) ? error.message : "the read failed unexpectedly"}`;
  return byPlan;
}

// A BotError when every failure was one (its hint kept); otherwise the first internal error, to be logged with a ref.
function everySubscriptionFailed(errors: unknown[]): Error {
  const internal = errors.find((error) => !isBotError(error));
  if (internal !== undefined) return internal instanceof Error ? internal : new Error(String(internal));
  const first = errors[0] as BotError;
  const reasons = [...new Set(errors.map((error) => (error as BotError).message))].join(" ");
  const what = errors.length === 1 ? "the configured subscription" : `any of the ${errors.length} configured subscriptions`;
  return new BotError(first.kind, `vnetbot could not read ${what}, so it cannot tell which integrations exist: ${reasons}`, first.hint ? { hint: first.hint } : {});
}

function key(integration: Integration): string {
  return `${integration.plan.name}|${integration.vnetName}`.toLowerCase();
}

/** The order of an inventory's integrations: by plan, then VNet; plans or VNets of one name by their ids. */
export function compareIntegrations(a: Integration, b: Integration): number {
  return key(a).localeCompare(key(b)) || a.plan.id.toLowerCase().localeCompare(b.plan.id.toLowerCase()) || a.vnetId.toLowerCase().localeCompare(b.vnetId.toLowerCase());
}
