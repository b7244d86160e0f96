/** The scan's reads past the plan level: the apps on connected plans, and the VNets and gateways they use. */
import { isBotError } from "../errors.ts";
import type { AppConnection } from "./connections.ts";
import type { KeyedLimiter } from "./limiter.ts";
import type { AppInfo, GatewayInfo, PlanInfo, VnetConnectionInfo, VnetInfo } from "./model.ts";
import type { AzureReader } from "./ports.ts";

/** Records a failed read against the scope (a plan, app or resource id) that it leaves unknown. */
export type RecordFailure = (scope: string, error: unknown) => void;

/** What the reads past the plan level found: each app's and slot's connection, and the slots on the plans. */
export interface AppConnections {
  connections: AppConnection[];
  /** The slots listed that run on one of the plans, whether or not their connections could be read. */
  slots: AppInfo[];
  /** The apps whose slots could not be listed, with why. */
  slotsUnlisted: Array<{ app: AppInfo; error: unknown }>;
}

/**
 * Each app's and slot's gateway-required connection on the plans that have one: the app's connection list and its
 * slot list, then each slot's connection list (a slot on one of those plans may be integrated on its own).
 */
export async function readAppConnections(
  reader: AzureReader,
  limit: KeyedLimiter,
  apps: readonly AppInfo[],
  connectedPlans: ReadonlyMap<string, PlanInfo>,
  record: RecordFailure,
): Promise<AppConnections> {
  const slotsOnPlans: AppInfo[] = [];
  const slotsUnlisted: AppConnections["slotsUnlisted"] = [];
  const read = async (app: AppInfo): Promise<AppConnection[]> => {
    try {
      const connections = await limit(app.id, () => reader.listAppVnetConnections(app.id));
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
        limit(app.id, () => reader.listSlots(app.id)).catch((error: unknown) => {
          record(app.id, error);
          slotsUnlisted.push({ app, error });
          return [];
        }),
      ]);
      const onConnectedPlans = slots.filter((slot) => connectedPlans.has(slot.planId.toLowerCase()));
      slotsOnPlans.push(...onConnectedPlans);
      return [...own, ...(await Promise.all(onConnectedPlans.map(read))).flat()];
    }),
  );
  return { connections: perApp.flat(), slots: slotsOnPlans, slotsUnlisted };
}

/**
 * The plan's connection with a certificate: whether the plan-level connection carries certBlob is not documented
 * (the app-level one does: Microsoft's connect script reads CertBlob from the app's PUT), so an app's is used
 * when the plan's has none.
 */
export function withCertificate(connection: VnetConnectionInfo, appConnections: readonly VnetConnectionInfo[]): VnetConnectionInfo {
  if (connection.certBlob) return connection;
  const withBlob = appConnections.find((c) => c.certBlob);
  if (!withBlob) return connection;
  return { ...connection, certBlob: withBlob.certBlob, certThumbprint: connection.certThumbprint ?? withBlob.certThumbprint, certificate: withBlob.certificate };
}

/** VNets and gateways read once per scan, however many integrations (of however many subscriptions) share them. */
export interface NetworkCache {
  /** The VNet, or undefined when it is gone or could not be read; a failed read is recorded with each caller's record. */
  vnet(id: string, record: RecordFailure): Promise<VnetInfo | undefined>;
  gateway(id: string, record: RecordFailure): Promise<GatewayInfo | undefined>;
  /** True once a read of this id answered "not found". */
  isMissing(id: string): boolean;
}

/** Builds the cache; reads go through the limiter of the resource's subscription. */
export function createNetworkCache(reader: AzureReader, limit: KeyedLimiter): NetworkCache {
  type Outcome<T> = { value: T | undefined; error: unknown };
  const vnets = new Map<string, Promise<Outcome<VnetInfo>>>();
  const gateways = new Map<string, Promise<Outcome<GatewayInfo>>>();
  const missing = new Set<string>();
  const once = async <T>(cache: Map<string, Promise<Outcome<T>>>, id: string, read: () => Promise<T>, record: RecordFailure) => {
    const cacheKey = id.toLowerCase();
    let pending = cache.get(cacheKey);
    if (!pending) {
      pending = limit(id, read).then(
        (value) => ({ value, error: undefined }),
        (error: unknown) => {
          // Gone is an answer, not a failed read: the integration says what is missing (and alerts call it down).
          if (isBotError(error) && error.kind === "not-found") missing.add(cacheKey);
          return { value: undefined, error: missing.has(cacheKey) ? undefined : error };
        },
      );
      cache.set(cacheKey, pending);
    }
    // Each subscription whose integrations need a resource that could not be read says so in its own failures.
    const outcome = await pending;
    if (outcome.error !== undefined) record(id, outcome.error);
    return outcome.value;
  };
  return {
    vnet: (id, record) => once(vnets, id, () => reader.getVnet(id), record),
    gateway: (id, record) => once(gateways, id, () => reader.getGateway(id), record),
    isMissing: (id) => missing.has(id.toLowerCase()),
  };
}
