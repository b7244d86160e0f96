/**
 * Keeps the last inventory of every subscription and answers reads from it. At 1,000 plans a live scan is bound by
 * ARM's read rate to tens of seconds; an engineer paged at night gets the kept one at once, told how old it is, and
 * `--fresh` reads Azure. It is refreshed by the scheduled job and after every change the bot makes. Changes and
 * diagnoses never use it: they read live before they act.
 */
import type { ChangeRequest } from "./changes/types.ts";
import { mergeInventories, requireSomethingRead, scanSubscriptions, type Inventory } from "./inventory.ts";
import { createGatewayReadingsStore, withGatewayReadings, type GatewayReadings } from "./gateway-readings.ts";
import { createInventoryStore, keptInventoryLine, type InventoryStore, type KeptInventory } from "./kept-inventory.ts";
import { createLimiter } from "./limiter.ts";
import type { HealthState } from "./model.ts";
import type { AlertStateStore, AzureReader, Clock, Locks } from "./ports.ts";
import { parseResourceId, sameId } from "./resource-id.ts";

/** An inventory for a read command, and how old it is. */
export interface InventoryView {
  inventory: Inventory;
  /** When the oldest kept part was read; undefined when all of it was read from Azure for this answer. */
  keptAt: Date | undefined;
  /** For the reply's context: how old the kept inventory is, and that --fresh reads Azure; undefined when read live. */
  keptNote: string | undefined;
  /** Resource Health of the integrations' VPN gateways by lower-case id, read with the inventory. */
  health: ReadonlyMap<string, HealthState>;
}

/** What read commands use of the kept inventories. */
export interface InventoryReads {
  /**
   * The inventory of these subscriptions: the kept one where there is one, otherwise read with the command's reader
   * (under its deadline) and kept; `fresh` reads all of it.
   */
  read(command: { reader: AzureReader; signal: AbortSignal }, subscriptions: readonly string[], options?: { fresh?: boolean }): Promise<InventoryView>;
  /**
   * The kept inventory of these subscriptions, reading nothing from Azure; undefined unless every one is kept.
   * `asScanned` leaves out the gateway check's newer readings (the check itself, which reads the gateways again).
   */
  kept(subscriptions: readonly string[], options?: { asScanned?: boolean }): Promise<InventoryView | undefined>;
}

/** The kept inventories, for read commands and for what refreshes them. */
export interface InventoryKeeper extends InventoryReads {
  /** Reads these subscriptions (default: all configured) from Azure and keeps them; one already being read is read again after. */
  refresh(subscriptions?: readonly string[]): Promise<void>;
  /**
   * The scheduled refresh at `now`: subscriptions kept since shortly before are left alone (another replica, a
   * change). Resolves with what it could not keep, or undefined when nothing was due.
   */
  refreshDue(now: Date): Promise<RefreshOutcome | undefined>;
  /** After a change ran: refreshes the subscriptions whose kept inventory it may have made wrong. */
  refreshAfterChange(request: ChangeRequest): Promise<void>;
  /** Aborts refreshes in flight and starts no more (shutting down must not wait for a scan). */
  close(): void;
}

/** What a scheduled refresh could not do: subscriptions whose last kept inventory stays, and why. */
export interface RefreshOutcome {
  unkept: Array<{ subscriptionId: string; reason: string }>;
}

/** What the keeper is built from. */
export interface InventoryKeeperDeps {
  /** The bot's reader, for refreshes (commands pass their own). */
  reader: AzureReader;
  store: AlertStateStore;
  subscriptions: readonly string[];
  clock: Clock;
  /** Serialises scheduled refreshes across replicas when they share the database's locks. */
  locks: Locks;
  /** Reads in flight per subscription (default 4). */
  concurrency?: number;
  /** schedule.timezone, for the time the kept inventory was read (default UTC). */
  timezone?: string;
}

/** A scheduled refresh leaves alone what was kept this long before it was due (a replica that ran the same job). */
const RECENT_MS = 60_000;

/** Builds the keeper over the state store. */
export function createInventoryKeeper(deps: InventoryKeeperDeps): InventoryKeeper {
  const kept: InventoryStore = createInventoryStore(deps.store);
  const gatewayReadings = createGatewayReadingsStore(deps.store);
  const stopped = new AbortController();
  const background = deps.reader.withSignal(stopped.signal);
  const running = new Map<string, { done: Promise<unknown>; again?: Promise<void> }>();
  // Why the last scan of a subscription kept nothing, until one keeps it again.
  const unkept = new Map<string, string>();

  /** Scans live, keeps each subscription's part (unless something newer is kept), and returns the parts. */
  async function scanAndKeep(reader: AzureReader, signal: AbortSignal, subscriptions: readonly string[]): Promise<Map<string, KeptInventory>> {
    const at = deps.clock.now();
    const parts = await scanSubscriptions(reader, subscriptions, { concurrency: deps.concurrency ?? 4 });
    const out = new Map<string, KeptInventory>();
    await Promise.all(
      [...parts].map(async ([subscriptionId, inventory]) => {
        const part: KeptInventory = { inventory, at, health: await readGatewayHealth(reader, inventory) };
        out.set(subscriptionId, part);
        // A scan cut short by a deadline or a shutdown is not kept, nor a subscription that could not even be listed:
        // their failures would hide the last good inventory.
        if (signal.aborted) return;
        const listing = inventory.failures.find((f) => f.scope.toLowerCase() === subscriptionId.toLowerCase());
        if (listing) return void unkept.set(subscriptionId.toLowerCase(), listing.message);
        unkept.delete(subscriptionId.toLowerCase());
        const previous = await kept.keptAt(subscriptionId);
        if (previous === undefined || previous <= at) await kept.put(subscriptionId, part);
      }),
    );
    return out;
  }

  async function refresh(subscriptions: readonly string[] = deps.subscriptions): Promise<void> {
    if (stopped.signal.aborted) return;
    const waits: Promise<unknown>[] = [];
    const starting: string[] = [];
    for (const subscriptionId of subscriptions) {
      const current = running.get(subscriptionId.toLowerCase());
      // What a running scan read may predate the change that asked for this refresh: read again once it ends.
      if (current) waits.push((current.again ??= current.done.then(() => refresh([subscriptionId]))));
      else starting.push(subscriptionId);
    }
    if (starting.length > 0) {
      const done = scanAndKeep(background, stopped.signal, starting).finally(() => {
        for (const subscriptionId of starting) running.delete(subscriptionId.toLowerCase());
      });
      for (const subscriptionId of starting) running.set(subscriptionId.toLowerCase(), { done: done.catch(() => undefined) });
      waits.push(done);
    }
    await Promise.all(waits);
  }

  /**
   * One view of the parts; `kept` are those that came from the store, whose gateways are taken as the gateway check
   * read them when it read them later.
   */
  async function view(live: readonly KeptInventory[], keptParts: readonly KeptInventory[], asScanned = false): Promise<InventoryView> {
    const readings = keptParts.length > 0 && !asScanned ? await gatewayReadings.get() : undefined;
    const newer = keptParts.map((part) => withNewerGateways(part, readings));
    const parts = [...newer, ...live];
    const keptAt = keptParts.length === 0 ? undefined : new Date(Math.min(...keptParts.map((part) => part.at.getTime())));
    const gatewaysAt = readings && newer.some((part, i) => part !== keptParts[i]) ? readings.at : undefined;
    return {
      inventory: mergeInventories(parts.map((part) => part.inventory)),
      keptAt,
      keptNote: keptAt && keptInventoryLine(keptAt, deps.clock.now(), deps.timezone, gatewaysAt),
      health: new Map(parts.flatMap((part) => Object.entries(part.health))),
    };
  }

  return {
    async read({ reader, signal }, subscriptions, options = {}) {
      const found = options.fresh ? subscriptions.map(() => undefined) : await Promise.all(subscriptions.map((s) => kept.get(s)));
      const missing = subscriptions.filter((_, i) => found[i] === undefined);
      const live = missing.length > 0 ? await scanAndKeep(reader, signal, missing) : new Map<string, KeptInventory>();
      const keptParts = found.filter((part) => part !== undefined);
      requireSomethingRead([...keptParts, ...live.values()].map((part) => part.inventory));
      return view([...live.values()], keptParts);
    },
    async kept(subscriptions, options = {}) {
      const found = await Promise.all(subscriptions.map((s) => kept.get(s)));
      const parts = found.filter((part) => part !== undefined);
      return parts.length === subscriptions.length ? view([], parts, options.asScanned) : undefined;
    },
    refresh,
    async refreshDue(now) {
      return deps.locks.withLock("inventory-refresh", async () => {
        const keptAt = await Promise.all(deps.subscriptions.map((s) => kept.keptAt(s)));
        const due = deps.subscriptions.filter((_, i) => !keptAt[i] || keptAt[i].getTime() < now.getTime() - RECENT_MS);
        if (due.length === 0) return undefined;
        await refresh(due);
        return { unkept: due.flatMap((subscriptionId) => {
          const reason = unkept.get(subscriptionId.toLowerCase());
          return reason === undefined ? [] : [{ subscriptionId, reason }];
        }) };
      });
    },
    async refreshAfterChange(request) {
      await refresh(await touchedSubscriptions(kept, deps.subscriptions, request));
    },
    close() {
      stopped.abort();
    },
  };
}

/**
 * The configured subscriptions a change may have made a kept inventory wrong in: those of the resources it names,
 * and those whose kept integrations use a VNet it names (a new root certificate on a gateway other plans share).
 */
async function touchedSubscriptions(kept: InventoryStore, subscriptions: readonly string[], request: ChangeRequest): Promise<string[]> {
  const ids = [...JSON.stringify(request).matchAll(/\/subscriptions\/[^"]+/gi)].map((m) => m[0]).filter((id) => parseResourceId(id) !== undefined);
  const named = new Set(ids.map((id) => parseResourceId(id)!.subscriptionId.toLowerCase()));
  const touched = await Promise.all(
    subscriptions.map(async (subscriptionId) => {
      if (named.has(subscriptionId.toLowerCase())) return true;
      const part = await kept.get(subscriptionId);
      return part?.inventory.integrations.some((i) => ids.some((id) => sameId(id, i.vnetId))) ?? false;
    }),
  );
  return subscriptions.filter((_, i) => touched[i]);
}

/** A kept part with the gateways the gateway check read at or after it was kept (the same part when there are none). */
function withNewerGateways(part: KeptInventory, readings: GatewayReadings | undefined): KeptInventory {
  if (!readings || readings.at < part.at) return part;
  const vnets = readings.vnets ?? {};
  const read = part.inventory.integrations.flatMap((i) => {
    if (i.gateway) return readings.gateways[i.gateway.id.toLowerCase()] !== undefined ? [i.gateway.id.toLowerCase()] : [];
    const found = vnets[i.vnetId.toLowerCase()];
    return found ? [found.id.toLowerCase()] : [];
  });
  if (read.length === 0) return part;
  const health = { ...part.health };
  for (const id of read) {
    // Health the check did not read (a failed or busy gateway, a read that failed) is not known any more.
    if (readings.health[id] !== undefined) health[id] = readings.health[id];
    else delete health[id];
  }
  return { ...part, inventory: { ...part.inventory, integrations: withGatewayReadings(part.inventory.integrations, readings.gateways, vnets) }, health };
}

/** Resource Health of each VPN gateway the integrations use, a few at a time; one that cannot be read is left out. */
export async function readGatewayHealth(reader: AzureReader, inventory: Inventory): Promise<Record<string, HealthState>> {
  const limit = createLimiter(4);
  const gateways = [...new Map(inventory.integrations.flatMap((i) => (i.gateway ? [[i.gateway.id.toLowerCase(), i.gateway.id] as const] : []))).entries()];
  const health: Record<string, HealthState> = {};
  await Promise.all(
    gateways.map(async ([key, id]) => {
      try {
        health[key] = await limit(() => reader.getResourceHealth(id));
      } catch {
        // Said where it is used: /vnet gateways reports the gateway as "could not be checked".
      }
    }),
  );
  return health;
}
