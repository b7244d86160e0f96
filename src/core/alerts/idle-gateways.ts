/**
 * Gateways vnetbot left idle: once it has migrated the last app off a VNet's gateway (a migration record "migrated"
 * for the VNet, and no gateway-required integration on it in a complete scan), the certificate digest says once per
 * gateway that it still costs money. A VPN gateway is billed by the hour whether or not anything connects through it
 * (azure-docs articles/vpn-gateway/vpn-gateway-about-vpngateways.md, "Pricing"), but it may still carry site-to-site
 * connections, so the choice is the team's. Only those VNets are read (getVnet, then each of its gateways).
 */
import { isBotError } from "../../errors.ts";
import { findVpnGateway } from "../eligibility.ts";
import type { Integration } from "../inventory.ts";
import { createLimiter } from "../limiter.ts";
import type { GatewayInfo } from "../model.ts";
import type { MigrationRecord } from "../migration/migration-records.ts";
import type { AlertState, AzureReader, StoredAlertState } from "../ports.ts";
import { isClassicVnetId, nameOf, parseResourceId } from "../resource-id.ts";
import { viewOf } from "./announcement.ts";

/** The key prefix these announcements are kept under, one per gateway. */
export const IDLE_GATEWAY_PREFIX = "idle-gateway:";

/** A gateway no gateway-required integration uses any more. */
export interface IdleGateway {
  key: string;
  gatewayName: string;
  vnetId: string;
  vnetName: string;
}

/** What this scan says, and what the store keeps. */
export interface IdleGatewayEvaluation {
  /** Gateways to name in this digest: idle and never announced. */
  announcements: IdleGateway[];
  writes: Map<string, AlertState>;
  /** Announcements to forget: their VNet serves a gateway-required integration again, so a later move is told anew. */
  deletes: string[];
  /** VNets or gateways that could not be read. */
  failures: string[];
}

/** Finds the gateways to announce. A partial scan decides nothing: a plan it could not read may still use the VNet. */
export async function evaluateIdleGateways(
  reader: AzureReader,
  records: readonly MigrationRecord[],
  integrations: readonly Integration[],
  stored: ReadonlyMap<string, StoredAlertState>,
  options: { now: Date; scanComplete: boolean; subscriptions: readonly string[] },
): Promise<IdleGatewayEvaluation> {
  const result: IdleGatewayEvaluation = { announcements: [], writes: new Map(), deletes: [], failures: [] };
  if (!options.scanComplete) return result;
  const inUse = new Set(integrations.map((i) => i.vnetId.toLowerCase()));
  // VNets whose gateway was announced, or is being announced by another run right now; a lapsed claim was never made.
  const told = new Set<string>();
  for (const [key, state] of stored) {
    const view = viewOf(state, options.now);
    const vnetId = readVnetId(view.busy ? state : view.state)?.toLowerCase();
    if (vnetId === undefined) continue;
    told.add(vnetId);
    if (!view.busy && inUse.has(vnetId)) result.deletes.push(key);
  }
  const managed = new Set(options.subscriptions.map((s) => s.toLowerCase()));
  const vnetIds = new Map(
    records
      .filter((r) => r.status === "migrated" && managed.has(parseResourceId(r.planId)?.subscriptionId.toLowerCase() ?? "") && !isClassicVnetId(r.vnetId))
      .filter((r) => !inUse.has(r.vnetId.toLowerCase()) && !told.has(r.vnetId.toLowerCase()))
      .map((r) => [r.vnetId.toLowerCase(), r.vnetId] as const),
  );
  const limit = createLimiter(4);
  await Promise.all(
    [...vnetIds.values()].map(async (vnetId) => {
      const gateway = await limit(() => readVpnGateway(reader, vnetId)).catch((error: unknown) => {
        result.failures.push(`${nameOf(vnetId)}: ${isBotError(error) ? error.message : "the read failed unexpectedly"}`);
        return undefined;
      });
      if (!gateway) return;
      const idle: IdleGateway = { key: `${IDLE_GATEWAY_PREFIX}${gateway.id.toLowerCase()}`, gatewayName: gateway.name, vnetId, vnetName: nameOf(vnetId) };
      result.announcements.push(idle);
      result.writes.set(idle.key, { announced: ["idle"], snoozedUntil: undefined, lastResult: JSON.stringify({ vnetId, gateway: gateway.name }), updatedAt: options.now });
    }),
  );
  result.announcements.sort((a, b) => a.gatewayName.localeCompare(b.gatewayName));
  return result;
}

/** The digest's lines about them. */
export function idleGatewayLines(gateways: readonly IdleGateway[]): string[] {
  return gateways.map((g) => `• Gateway *${g.gatewayName}* (VNet ${g.vnetName}) no longer serves any gateway-required integration: it still costs money; delete it or keep it for site-to-site use.`);
}

/** The VNet's VPN gateway; undefined when the VNet or its gateway is gone (nothing left to pay for) or it has none. */
async function readVpnGateway(reader: AzureReader, vnetId: string): Promise<GatewayInfo | undefined> {
  const gone = (error: unknown) => {
    if (isBotError(error) && error.kind === "not-found") return undefined;
    throw error;
  };
  const vnet = await reader.getVnet(vnetId).catch(gone);
  if (!vnet) return undefined;
  const gateways = await Promise.all(vnet.gatewayIds.map((id) => reader.getGateway(id).catch(gone)));
  return findVpnGateway(gateways.filter((g) => g !== undefined));
}

function readVnetId(state: AlertState | undefined): string | undefined {
  try {
    return (JSON.parse(state?.lastResult ?? "{}") as { vnetId?: string }).vnetId;
  } catch {
    return undefined;
  }
}
