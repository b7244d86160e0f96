/** The gateway-required integrations of the configured subscriptions, read with as few ARM calls as possible. */
import { isBotError } from "../errors.ts";
import { findVpnGateway } from "./eligibility.ts";
import { createLimiter, type Limiter } from "./limiter.ts";
import type { AppInfo, GatewayInfo, PlanInfo, VnetConnectionInfo, VnetInfo } from "./model.ts";
import type { AzureReader } from "./ports.ts";
import { nameOf, sameId } from "./resource-id.ts";

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

/** True when a plan may hold gateway-required integrations: Windows without containers, not Free or Shared, with apps. */
export function canHaveIntegrations(plan: PlanInfo, apps: readonly AppInfo[]): boolean {
  if (plan.isLinux || plan.isWindowsContainer || NO_INTEGRATION_TIERS.has(plan.tier.toLowerCase())) return false;
  return apps.some((app) => sameId(app.planId, plan.id));
}

/** True when the gateway's P2S root certificates include this certificate blob. */
export function isCertOnGateway(certBlob: string, gateway: GatewayInfo): boolean {
  const wanted = certBlob.replace(/\s+/g, "");
  return gateway.rootCertificates.some((root) => root.publicCertData.replace(/\s+/g, "") === wanted);
}

/**
 * Scans the subscriptions: per subscription one listPlans and one listApps, then one plan-level VNet connection
 * read per plan that can have integrations, then each VNet and gateway once, all under one limiter.
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
        return { plans: [], apps: [] };
      }
    }),
  );
  const plans = estates.flatMap((estate) => estate.plans).filter((plan) => options.planFilter?.(plan) ?? true);
  const apps = estates.flatMap((estate) => estate.apps);
  const regionalCount = apps.filter((app) => app.regionalSubnetId !== undefined).length;
  const candidates = plans.filter((plan) => canHaveIntegrations(plan, apps));

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

  await learnVnetsOfUnmappedApps(reader, limit, found.flat(), apps, record);
  const networks = createNetworkCache(reader, limit, record);
  const integrations = await Promise.all(
    found.flat().map(async ({ plan, connection }): Promise<Integration> => {
      const vnet = await networks.vnet(connection.vnetId);
      const gateways = vnet ? (await Promise.all(vnet.gatewayIds.map((id) => networks.gateway(id)))).filter((g) => g !== undefined) : [];
      const gateway = findVpnGateway(gateways);
      const missing = !vnet && networks.isMissing(connection.vnetId) ? "vnet" : !gateway && vnet?.gatewayIds.some(networks.isMissing) ? "gateway" : undefined;
      return {
        plan,
        apps: apps.filter((app) => sameId(app.planId, plan.id) && app.gatewayVnetName?.toLowerCase() === connection.name.toLowerCase()),
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

/**
 * A plan has a VNet connection only while apps of it use that VNet, so a connection that no app claims means the site
 * list did not say which VNet each app uses (siteConfig left out). Only then, and only for that plan's apps, ask each
 * app for its connections: the usual scan stays at one VNet-connection call per plan.
 */
async function learnVnetsOfUnmappedApps(
  reader: AzureReader,
  limit: Limiter,
  found: ReadonlyArray<{ plan: PlanInfo; connection: VnetConnectionInfo }>,
  apps: AppInfo[],
  record: (scope: string, error: unknown) => void,
): Promise<void> {
  const claimed = (plan: PlanInfo, connection: VnetConnectionInfo) =>
    apps.some((app) => sameId(app.planId, plan.id) && app.gatewayVnetName?.toLowerCase() === connection.name.toLowerCase());
  const plans = new Map(found.filter(({ plan, connection }) => !claimed(plan, connection)).map(({ plan }) => [plan.id.toLowerCase(), plan]));
  const unknown = apps.filter((app) => app.gatewayVnetName === undefined && plans.has(app.planId.toLowerCase()));
  await Promise.all(
    unknown.map(async (app) => {
      try {
        const connections = await limit(() => reader.listAppVnetConnections(app.id));
        app.gatewayVnetName = connections.find((c) => !c.isRegional)?.name;
      } catch (error) {
        record(app.id, error);
      }
    }),
  );
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
