/**
 * The VPN gateways as the gateway check last read them. The check reads every integration's gateway every few
 * minutes, the kept inventory is refreshed every quarter of an hour: without this, an alert could say a gateway is
 * down while `/vnet gateways`, answering from the kept inventory, still showed it up. Reads from the kept inventory
 * take each gateway as the newer of the two readings. One row for every subscription, in the key/value state store
 * beside the kept inventories.
 */
import { createHash } from "node:crypto";
import { isCertOnGateway, type Integration } from "./inventory.ts";
import { INVENTORY_KEY_PREFIX } from "./kept-inventory.ts";
import type { GatewayInfo, HealthState } from "./model.ts";
import type { AlertStateStore } from "./ports.ts";

/** A gateway as read: its resource, or gone (ARM answered 404). One that could not be read is absent. */
export type GatewayReading = GatewayInfo | "missing";

/** What one gateway check read, by lower-case gateway id. */
export interface GatewayReadings {
  /** When the check started reading: nothing here is older. */
  at: Date;
  gateways: Record<string, GatewayReading>;
  /**
   * Gateways found on VNets the inventory held without one (deleted, then made again), by lower-case VNet id: the
   * kept integration has no gateway id to look its reading up by.
   */
  vnets?: Record<string, GatewayInfo>;
  /** Resource Health of the gateways it was read for (neither failed nor busy); absent where it was not read. */
  health: Record<string, HealthState>;
}

// Under the kept inventories' prefix, which no alert key uses; no subscription id is "gateways".
const KEY = `${INVENTORY_KEY_PREFIX}gateways`;
const FORMAT = 1;

/** The store of the last readings, over the key/value state store. */
export function createGatewayReadingsStore(store: AlertStateStore) {
  // Every kept read takes the readings (root certificates included: up to 20 a gateway): parsed once per row written,
  // told by a digest of its text, which is not kept (as kept-inventory.ts does).
  let last: { digest: string; readings: GatewayReadings | undefined } | undefined;
  return {
    async get(): Promise<GatewayReadings | undefined> {
      const text = (await store.get(KEY))?.lastResult;
      if (text === undefined) return undefined;
      const digest = createHash("sha256").update(text).digest("base64");
      if (last?.digest === digest) return last.readings;
      last = { digest, readings: parse(text) };
      return last.readings;
    },
    /** Keeps these readings unless newer ones are kept (another replica's check). */
    async put(readings: GatewayReadings): Promise<void> {
      const previous = (await store.get(KEY))?.updatedAt;
      if (previous !== undefined && previous > readings.at) return;
      const text = JSON.stringify({ format: FORMAT, at: readings.at.toISOString(), gateways: readings.gateways, ...(readings.vnets ? { vnets: readings.vnets } : {}), health: readings.health });
      await store.put(KEY, { announced: [], snoozedUntil: undefined, lastResult: text, updatedAt: readings.at });
    },
  };
}

/** The readings of a row's text, or undefined when the row has another shape (an older or newer bot's). */
function parse(text: string): GatewayReadings | undefined {
  const row = JSON.parse(text) as { format?: number; at?: string; gateways?: Record<string, GatewayReading>; vnets?: Record<string, GatewayInfo>; health?: Record<string, HealthState> };
  if (row.format !== FORMAT || row.at === undefined || !row.gateways) return undefined;
  return { at: new Date(row.at), gateways: row.gateways, ...(row.vnets ? { vnets: row.vnets } : {}), health: row.health ?? {} };
}

/**
 * The integrations with each gateway as read: a gateway gone makes the integration's gateway missing; one that could
 * not be read ("unread") leaves it unknown, so that nothing says it is up; one not in the readings is left as it was.
 */
export function withGatewayReadings(integrations: readonly Integration[], gateways: Readonly<Record<string, GatewayReading | "unread">>, vnets: Readonly<Record<string, GatewayInfo>> = {}): Integration[] {
  return integrations.map((integration) => {
    const found = integration.gateway ? undefined : vnets[integration.vnetId.toLowerCase()];
    if (found) return { ...integration, gateway: found, gateways: [found], missing: undefined, certOnGateway: integration.connection.certBlob ? isCertOnGateway(integration.connection.certBlob, found) : undefined };
    const now = integration.gateway ? gateways[integration.gateway.id.toLowerCase()] : undefined;
    if (now === undefined) return integration;
    if (now === "missing") return { ...integration, gateway: undefined, gateways: [], missing: "gateway", certOnGateway: undefined };
    if (now === "unread") return { ...integration, gateway: undefined, gateways: [], certOnGateway: undefined };
    // Its root certificates are read with it: whether the plan's certificate is among them is this reading's to say.
    const certOnGateway = integration.connection.certBlob ? isCertOnGateway(integration.connection.certBlob, now) : undefined;
    return { ...integration, gateway: now, gateways: integration.gateways.map((g) => (g.id.toLowerCase() === now.id.toLowerCase() ? now : g)), certOnGateway };
  });
}
