/**
 * Gateways vnetbot left idle: once it has migrated the last app off a VNet's gateway (a migration record "migrated"
 * for the VNet, and no gateway-required integration on it in a complete scan), the certificate digest says once per
 * gateway that it still costs money. A VPN gateway is billed by the hour whether or not anything connects through it
 * (azure-docs articles/vpn-gateway/vpn-gateway-about-vpngateways.md, "Pricing"), but it may still carry site-to-site
 * connections or serve peers through gateway transit, which the digest names, so the choice is the team's. Only those
 * VNets are read (getVnet, each of its gateways, then the VPN gateway's connections).
 */
import { isBotError } from "../../errors.ts";
import { isRetired, plural } from "../format.ts";
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
  /** Its site-to-site and ExpressRoute connections: on-premises routes, migrated apps' among them, may go through them. */
  connections: string[];
  /** Peers its VNet offers it to through gateway transit (allowed on its side of a Connected peering). */
  transitPeers: string[];
  /** Root certificates left on it: point-to-site clients (people's VPN, other apps) vnetbot cannot see may use them. */
  rootCertificates: number;
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
  // A migration off the VNet still under way, or stopped half-way, needs the gateway: to finish, or to roll back.
  const midway = new Set(records.filter((r) => r.status === "moving").map((r) => r.vnetId.toLowerCase()));
  const vnetIds = new Map(
    records
      .filter((r) => r.status === "migrated" && managed.has(parseResourceId(r.planId)?.subscriptionId.toLowerCase() ?? "") && !isClassicVnetId(r.vnetId))
      .filter((r) => !inUse.has(r.vnetId.toLowerCase()) && !midway.has(r.vnetId.toLowerCase()) && !told.has(r.vnetId.toLowerCase()))
      .map((r) => [r.vnetId.toLowerCase(), r.vnetId] as const),
  );
  const limit = createLimiter(4);
  await Promise.all(
    [...vnetIds.values()].map(async (vnetId) => {
      const found = await limit(() => readVpnGateway(reader, vnetId)).catch((error: unknown) => {
        result.failures.push(`${nameOf(vnetId)}: ${isBotError(error) ? error.message : "the read failed unexpectedly"}`);
        return undefined;
      });
      if (!found) return;
      const { gateway, connections, transitPeers } = found;
      const idle: IdleGateway = { key: `${IDLE_GATEWAY_PREFIX}${gateway.id.toLowerCase()}`, gatewayName: gateway.name, vnetId, vnetName: nameOf(vnetId), connections, transitPeers, rootCertificates: gateway.rootCertificates.length };
      result.announcements.push(idle);
      result.writes.set(idle.key, { announced: ["idle"], snoozedUntil: undefined, lastResult: JSON.stringify({ vnetId, gateway: gateway.name }), updatedAt: options.now });
    }),
  );
  result.announcements.sort((a, b) => a.gatewayName.localeCompare(b.gatewayName));
  return result;
}

/** The digest's lines about them. */
export function idleGatewayLines(gateways: readonly IdleGateway[], now: Date): string[] {
  // Until the retirement, the gateway is the way back for the apps moved off it: deleting it ends their rollback.
  const rollback = isRetired(now) ? "" : " Until 31 March 2027 it is also the way back for the apps moved off it (`/vnet migrate rollback APP` reconnects through it): delete it once they are confirmed on regional integration, not before.";
  return gateways.map((g) => {
    const uses = [
      ...(g.connections.length > 0 ? [`connections ${g.connections.join(", ")} (on-premises routes, the migrated apps' too, may go through them)`] : []),
      ...(g.transitPeers.length > 0 ? [`the gateway transit it offers peers ${g.transitPeers.join(", ")}`] : []),
    ];
    // What vnetbot cannot see: point-to-site clients other than App Service, and subscriptions it does not manage.
    const unseen = g.rootCertificates > 0 ? ` ${plural(g.rootCertificates, "root certificate")} left on it may still serve point-to-site clients vnetbot cannot see.` : "";
    const verdict = uses.length > 0 ? `it still carries ${uses.join(" and ")}: keep it while they are needed.${unseen}` : `no connection or peer that vnetbot can see uses it.${unseen} Delete it once nothing else connects through it.${rollback}`;
    return `• Gateway *${g.gatewayName}* (VNet ${g.vnetName}) no longer serves any gateway-required integration and still costs money; ${verdict}`;
  });
}

/** The VNet's VPN gateway; undefined when the VNet or its gateway is gone (nothing left to pay for) or it has none. */
async function readVpnGateway(reader: AzureReader, vnetId: string): Promise<{ gateway: GatewayInfo; connections: string[]; transitPeers: string[] } | undefined> {
  const gone = (error: unknown) => {
    if (isBotError(error) && error.kind === "not-found") return undefined;
    throw error;
  };
  const vnet = await reader.getVnet(vnetId).catch(gone);
  if (!vnet) return undefined;
  const gateways = await Promise.all(vnet.gatewayIds.map((id) => reader.getGateway(id).catch(gone)));
  const gateway = findVpnGateway(gateways.filter((g) => g !== undefined));
  if (!gateway) return undefined;
  const connections = (await reader.listGatewayConnections(gateway.id)).map((c) => c.name).sort();
  // Whether a peer takes up the transit is its own side's flag (a read of each peer); that it is offered is enough for
  // a team to look before deleting the gateway.
  const transitPeers = vnet.peerings.filter((p) => p.allowGatewayTransit && /^connected$/i.test(p.peeringState)).map((p) => nameOf(p.remoteVnetId)).sort();
  return { gateway, connections, transitPeers };
}

function readVnetId(state: AlertState | undefined): string | undefined {
  try {
    return (JSON.parse(state?.lastResult ?? "{}") as { vnetId?: string }).vnetId;
  } catch {
    return undefined;
  }
}
