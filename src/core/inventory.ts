/** The gateway-required integrations of the configured subscriptions, read with as few ARM calls as possible. */
import { BotError, isBotError } from "../errors.ts";
import { findVpnGateway } from "./eligibility.ts";
import { createLimiter, type Limiter } from "./limiter.ts";
import type { AppInfo, GatewayInfo, PlanInfo, VnetConnectionInfo, VnetInfo } from "./model.ts";
import type { AzureReader } from "./ports.ts";
import { nameOf, sameId } from "./resource-id.ts";
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
  /** What Azure says no longer exists: the VNet, or a gateway its GatewaySubnet still names. Missing means down. */
  missing: "vnet" | "gateway" | undefined;
  /** Whether the connection's certificate is among the gateway's root certificates; undefined when unknown. */
  certOnGateway: boolean | undefined;
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
}

/** Options of a scan. */
export interface InventoryOptions {
  /** Reads in flight at once (default 4). */
  concurrency?: number;
  /** Only plans for which this returns true are scanned. */
  planFilter?: (plan: PlanInfo) => boolean;
}

const NO_INTEGRATION_TIERS = new Set(["free", "shared"]);

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
 * slots, and each slot's connections; then each VNet and gateway once. All under one limiter.
 */
export async function buildInventory(reader: AzureReader, subscriptions: readonly string[], options: InventoryOptions = {}): Promise<Inventory> {
  const limit = createLimiter(options.concurrency ?? 4);
  const failures: InventoryFailure[] = [];
  const record = (scope: string, error: unknown) => {
    failures.push({ scope, message: isBotError(error) ? error.message : "the read failed unexpectedly" });
  };

  const estates = await Promise.all(
    subscriptions.map(async (subscriptionId) => {
      try {
        const [plans, apps] = await Promise.all([limit(() => reader.listPlans(subscriptionId)), limit(() => reader.listApps(subscriptionId))]);
        return { plans, apps };
      } catch (error) {
        record(subscriptionId, error);
        return { plans: [], apps: [], error };
      }
    }),
  );
  // Nothing read is not "0 integrations": say so, with the first reason (a sign-in failure names its credential).
  const failed = estates.flatMap((estate) => ("error" in estate ? [estate.error] : []));
  if (subscriptions.length > 0 && failed.length === subscriptions.length) throw everySubscriptionFailed(failed);
  const plans = estates.flatMap((estate) => estate.plans).filter((plan) => options.planFilter?.(plan) ?? true);
  const apps = estates.flatMap((estate) => estate.apps);
  const regionalCount = apps.filter((app) => app.regionalSubnetId !== undefined).length;
  const appsOf = (plan: PlanInfo) => apps.filter((app) => sameId(app.planId, plan.id));
  const candidates = plans.filter((plan) => mayHaveIntegrations(plan) && appsOf(plan).length > 0);

  let plansScanned = 0;
  const found = await Promise.all(
    candidates.map(async (plan) => {
      try {
        const connections = await limit(() => reader.listPlanVnetConnections(plan.id));
        plansScanned += 1;
        return connections.filter((connection) => !connection.isRegional).map((connection) => ({ plan, connection }));
      } catch (error) {
        record(plan.id, error);
        return [];
      }
    }),
  );

  const connectedPlans = new Map(found.flat().map(({ plan }) => [plan.id.toLowerCase(), plan]));
  const appConnections = await readAppConnections(reader, limit, [...connectedPlans.values()].flatMap(appsOf), connectedPlans, record);
  const networks = createNetworkCache(reader, limit, record);
  const integrations = await Promise.all(
    found.flat().map(async ({ plan, connection: planConnection }): Promise<Integration> => {
      const users = appConnections.filter(({ app, connection }) => sameId(app.planId, plan.id) && connection !== undefined && sameName(connection.name, planConnection.name));
      const connection = withCertificate(planConnection, users.map((user) => user.connection!));
      const vnet = await networks.vnet(connection.vnetId);
      const gateways = vnet ? (await Promise.all(vnet.gatewayIds.map((id) => networks.gateway(id)))).filter((g) => g !== undefined) : [];
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
        missing,
        certOnGateway: gateway && connection.certBlob ? isCertOnGateway(connection.certBlob, gateway) : undefined,
      };
    }),
  );
  integrations.sort((a, b) => key(a).localeCompare(key(b)));
  return { integrations, regionalCount, plansScanned, failures };
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

/**
 * Each app's and slot's gateway-required connection on the plans that have one: the app's connection list and its
 * slot list, then each slot's connection list (a slot on one of those plans may be integrated on its own).
 */
async function readAppConnections(
  reader: AzureReader,
  limit: Limiter,
  apps: readonly AppInfo[],
  connectedPlans: ReadonlyMap<string, PlanInfo>,
  record: (scope: string, error: unknown) => void,
): Promise<AppConnection[]> {
  const read = async (app: AppInfo): Promise<AppConnection[]> => {
    try {
      const connections = await limit(() => reader.listAppVnetConnections(app.id));
      return [{ app, connection: connections.find((c) => !c.isRegional) }];
    } catch (error) {
      record(app.id, error);
      return [];
    }
  };
  const perApp = await Promise.all(
    apps.map(async (app) => {
      const [own, slots] = await Promise.all([
        read(app),
        limit(() => reader.listSlots(app.id)).catch((error: unknown) => {
          record(app.id, error);
          return [];
        }),
      ]);
      const onConnectedPlans = slots.filter((slot) => connectedPlans.has(slot.planId.toLowerCase()));
      return [...own, ...(await Promise.all(onConnectedPlans.map(read))).flat()];
    }),
  );
  return perApp.flat();
}

/**
 * The plan's connection with a certificate: whether the plan-level connection carries certBlob is not documented
 * (the app-level one does: Microsoft's connect script reads CertBlob from the app's PUT), so an app's is used
 * when the plan's has none.
 */
function withCertificate(connection: VnetConnectionInfo, appConnections: readonly VnetConnectionInfo[]): VnetConnectionInfo {
  if (connection.certBlob) return connection;
  const withBlob = appConnections.find((c) => c.certBlob);
  if (!withBlob) return connection;
  return { ...connection, certBlob: withBlob.certBlob, certThumbprint: connection.certThumbprint ?? withBlob.certThumbprint, certificate: withBlob.certificate };
}

function key(integration: Integration): string {
  return `${integration.plan.name}|${integration.vnetName}`.toLowerCase();
}

/** Each VNet and gateway is read once however many integrations share it; failed reads are recorded once. */
function createNetworkCache(reader: AzureReader, limit: Limiter, record: (scope: string, error: unknown) => void) {
  const vnets = new Map<string, Promise<VnetInfo | undefined>>();
  const gateways = new Map<string, Promise<GatewayInfo | undefined>>();
  const missing = new Set<string>();
  const once = <T>(cache: Map<string, Promise<T | undefined>>, id: string, read: () => Promise<T>) => {
    const cacheKey = id.toLowerCase();
    let pending = cache.get(cacheKey);
    if (!pending) {
      pending = limit(read).catch((error: unknown) => {
        // Gone is an answer, not a failed read: the integration says what is missing (and alerts call it down).
        if (isBotError(error) && error.kind === "not-found") missing.add(cacheKey);
        else record(id, error);
        return undefined;
      });
      cache.set(cacheKey, pending);
    }
    return pending;
  };
  return {
    vnet: (id: string) => once(vnets, id, () => reader.getVnet(id)),
    gateway: (id: string) => once(gateways, id, () => reader.getGateway(id)),
    /** True once a read of this id answered "not found". */
    isMissing: (id: string) => missing.has(id.toLowerCase()),
  };
}
