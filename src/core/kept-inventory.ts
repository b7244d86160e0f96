/**
 * The last inventory of each subscription, kept in the bot's state store so that reads answer at once and every
 * replica answers the same. It lives in the key/value table of alert state (as the diagnoses' Fix offers do), one
 * row per subscription under "inventory:<id>": a subscription of 1,000 plans is a few megabytes of JSON, which both
 * stores take in one row, and a row per subscription lets a change refresh only the subscriptions it touched.
 */
import { createHash } from "node:crypto";
import { formatTime } from "./format.ts";
import type { Integration, Inventory } from "./inventory.ts";
import type { AppInfo, HealthState, PlanInfo } from "./model.ts";
import type { AlertStateStore } from "./ports.ts";
import { isReferredTo, type ResourceRef } from "./resolve.ts";

/** Keys of kept inventories in the state store; no alert key starts so. */
export const INVENTORY_KEY_PREFIX = "inventory:";

// The shape of a kept row; a row of another shape (an older or newer bot) is ignored until the next refresh.
// 2: inventories carry planSlots; a row of format 1 would count no slot against its plan's limit, so it is read again.
const FORMAT = 2;

/** One subscription's inventory as a scan read it. */
export interface KeptInventory {
  inventory: Inventory;
  /** When the scan that read it started: nothing it says is older than this. */
  at: Date;
  /** Resource Health of the integrations' VPN gateways by lower-case id; a gateway whose health could not be read is absent. */
  health: Record<string, HealthState>;
}

/** Kept inventories by subscription. */
export interface InventoryStore {
  get(subscriptionId: string): Promise<KeptInventory | undefined>;
  /** When the kept inventory was read, without reading the inventory itself. */
  keptAt(subscriptionId: string): Promise<Date | undefined>;
  put(subscriptionId: string, kept: KeptInventory): Promise<void>;
}

/** The store of kept inventories over the key/value state store. */
export function createInventoryStore(store: AlertStateStore): InventoryStore {
  const keyOf = (subscriptionId: string) => `${INVENTORY_KEY_PREFIX}${subscriptionId.toLowerCase()}`;
  // The last row parsed, per subscription: a large one takes tens of milliseconds to parse, a digest of its text
  // about one. The digest, not the text, is kept: on 1,000 plans the texts are 4.6 MB the bot would hold for nothing.
  // What it hands out is shared by every reader: nobody changes it.
  const parsed = new Map<string, { digest: string; kept: KeptInventory | undefined }>();
  return {
    async get(subscriptionId) {
      const key = keyOf(subscriptionId);
      const text = (await store.get(key))?.lastResult;
      if (text === undefined) return undefined;
      const digest = createHash("sha256").update(text).digest("base64");
      const cached = parsed.get(key);
      if (cached?.digest === digest) return cached.kept;
      const kept = parseKeptInventory(text);
      parsed.set(key, { digest, kept });
      return kept;
    },
    async keptAt(subscriptionId) {
      // The row's updatedAt is the scan's start (put below), so the inventory itself need not be parsed.
      return (await store.get(keyOf(subscriptionId)))?.updatedAt;
    },
    async put(subscriptionId, kept) {
      await store.put(keyOf(subscriptionId), { announced: [], snoozedUntil: undefined, lastResult: serializeKeptInventory(kept), updatedAt: kept.at });
    },
  };
}

/** The row's text: the domain inventory as JSON, its dates as ISO strings. */
export function serializeKeptInventory(kept: KeptInventory): string {
  return JSON.stringify({ format: FORMAT, at: kept.at.toISOString(), health: kept.health, inventory: kept.inventory });
}

// The only dates of an inventory are a certificate's validity (CertificateInfo).
const DATE_FIELDS = new Set(["notBefore", "notAfter"]);

/** The kept inventory of a row's text, or undefined when the row has another shape. */
export function parseKeptInventory(text: string): KeptInventory | undefined {
  const row = JSON.parse(text, (field, value) => (DATE_FIELDS.has(field) && typeof value === "string" ? new Date(value) : value)) as {
    format?: number;
    at?: string;
    health?: Record<string, HealthState>;
    inventory?: Inventory;
  };
  if (row.format !== FORMAT || row.at === undefined || row.inventory === undefined) return undefined;
  return { inventory: row.inventory, at: new Date(row.at), health: row.health ?? {} };
}

/**
 * "Inventory as of 09:15 UTC (12 minutes ago); `--fresh` reads Azure now." for a reply's context; with `gatewaysAt`,
 * when the gateway check read the gateways after the inventory, "…, gateways as of 09:25 UTC; …".
 */
export function keptInventoryLine(at: Date, now: Date, timeZone = "UTC", gatewaysAt?: Date): string {
  const ms = Math.max(0, now.getTime() - at.getTime());
  const minutes = Math.floor(ms / 60_000);
  const hours = Math.floor(minutes / 60);
  const age = minutes < 1 ? "under a minute ago" : minutes < 120 ? `${minutes} minute${minutes === 1 ? "" : "s"} ago` : hours < 48 ? `${hours} hours ago` : `${Math.floor(hours / 24)} days ago`;
  // A time of day is enough within a day; beyond that the date matters too.
  const shown = (when: Date) => (now.getTime() - when.getTime() < 86_400_000 ? formatTime(when, timeZone).slice(11) : formatTime(when, timeZone));
  const gateways = gatewaysAt && gatewaysAt > at ? `, gateways as of ${shown(gatewaysAt)}` : "";
  return `Inventory as of ${shown(at)} (${age})${gateways}; \`--fresh\` reads Azure now.`;
}

/** The one integrated app (or slot) of a kept inventory that a reference names; undefined for none or several. */
export function findKeptApp(inventory: Inventory, ref: ResourceRef): { app: AppInfo; integration: Integration } | undefined {
  const same = (a: string, b: string | undefined) => b !== undefined && a.toLowerCase() === b.toLowerCase();
  const named = (app: AppInfo) => {
    if (ref.id !== undefined) return same(app.id, ref.id);
    if (ref.slot !== undefined) return same(app.resourceGroup, ref.resourceGroup) && same(app.name, `${ref.name}/${ref.slot}`);
    // "a/b" is the app b of resource group a, or the slot b of app a: either may be meant.
    if (ref.resourceGroup !== undefined) return isReferredTo(app, ref) || same(app.name, `${ref.resourceGroup}/${ref.name}`);
    return same(app.name, ref.name);
  };
  const found = new Map(inventory.integrations.flatMap((integration) => integration.apps.filter(named).map((app) => [app.id.toLowerCase(), { app, integration }] as const)));
  return found.size === 1 && !sharedWithOthers(inventory.others?.apps, ref) ? [...found.values()][0] : undefined;
}

/**
 * Whether an app or plan the kept inventory does not hold answers to the same name: then the answer is not the kept
 * one's to give (a live read says the name is ambiguous). Only names that can mean more than one resource: a bare
 * name, or "a/b" (app b of group a, or slot b of app a).
 */
function sharedWithOthers(others: readonly string[] | undefined, ref: ResourceRef): boolean {
  if (!others || ref.id !== undefined || ref.slot !== undefined) return false;
  const name = ref.name.toLowerCase();
  if (ref.resourceGroup === undefined) return others.some((entry) => entry.slice(entry.indexOf("/") + 1) === name);
  const pair = `${ref.resourceGroup}/${ref.name}`.toLowerCase();
  return others.some((entry) => entry === pair || entry.slice(entry.indexOf("/") + 1) === pair);
}

/** The one plan with integrations in a kept inventory that a reference names, with them; undefined for none or several. */
export function findKeptPlan(inventory: Inventory, ref: ResourceRef): { plan: PlanInfo; integrations: Integration[] } | undefined {
  const integrations = inventory.integrations.filter((integration) => isReferredTo(integration.plan, ref));
  const plans = new Set(integrations.map((integration) => integration.plan.id.toLowerCase()));
  return plans.size === 1 && !sharedWithOthers(inventory.others?.plans, ref) ? { plan: integrations[0]!.plan, integrations } : undefined;
}
