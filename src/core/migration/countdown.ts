/**
 * The retirement countdown that /vnet list, /vnet migration and the scheduled digests share: how many gateway-required
 * integrations (plan × VNet) vnetbot has moved to regional integration, out of how many, and how many days are left.
 */
import { daysUntilRetirement, isRetired, plural } from "../format.ts";
import type { InventoryFailure, Integration } from "../inventory.ts";
import { parseResourceId, sameId } from "../resource-id.ts";
import type { MigrationRecord } from "./migration-records.ts";

/** Integrations moved completely, and those still on gateway-required integration. */
export interface MigrationProgress {
  migrated: number;
  remaining: number;
  /**
   * Apps a migration took off their gateway that it has not verified on regional integration: running now, or
   * stopped half-way, when they may have no VNet at all. Their integrations count as neither moved nor remaining.
   */
  midway?: { apps: string[]; integrations: number };
}

/** Which plans a count covers (the subscriptions or the plan a command was asked about). */
export type PlanScope = (planId: string) => boolean;

/** A scope of whole subscriptions. */
export function inSubscriptions(subscriptions: readonly string[]): PlanScope {
  const wanted = new Set(subscriptions.map((s) => s.toLowerCase()));
  return (planId) => wanted.has(parseResourceId(planId)?.subscriptionId.toLowerCase() ?? "");
}

/**
 * Counts the integrations vnetbot moved completely: a (plan, old VNet) with a record "migrated" that the inventory no
 * longer holds. A plan whose connections (or whose subscription) could not be read is not counted as moved: its
 * integrations are missing from the inventory because the read failed, not because they moved.
 */
export function migrationProgress(records: readonly MigrationRecord[], inventory: { integrations: readonly Integration[]; failures: readonly InventoryFailure[] }, scope: PlanScope): MigrationProgress {
  const remaining = inventory.integrations.filter((i) => scope(i.plan.id));
  const still = new Set(inventory.integrations.map((i) => pairKey(i.plan.id, i.vnetId)));
  const unread = (planId: string) => {
    const subscription = parseResourceId(planId)?.subscriptionId;
    return inventory.failures.some((f) => sameId(f.scope, planId) || sameId(f.scope, subscription));
  };
  // An integration is moved once none of its apps is left mid-way: one stopped half-way is not migrated yet.
  const moving = new Set(records.filter((r) => r.status === "moving").map((r) => pairKey(r.planId, r.vnetId)));
  const moved = new Set(
    records
      .filter((r) => r.status === "migrated" && scope(r.planId) && !still.has(pairKey(r.planId, r.vnetId)) && !moving.has(pairKey(r.planId, r.vnetId)) && !unread(r.planId))
      .map((r) => pairKey(r.planId, r.vnetId)),
  );
  const integrated = new Set(inventory.integrations.flatMap((i) => i.apps.map((app) => app.id.toLowerCase())));
  const midway = records.filter((r) => r.status === "moving" && scope(r.planId) && !integrated.has(r.appId.toLowerCase()) && !unread(r.planId));
  const midwayIntegrations = new Set(midway.map((r) => pairKey(r.planId, r.vnetId)).filter((pair) => !still.has(pair) && !moved.has(pair))).size;
  return { migrated: moved.size, remaining: remaining.length, ...(midway.length > 0 ? { midway: { apps: midway.map((r) => r.appName).sort(), integrations: midwayIntegrations } } : {}) };
}

/**
 * ":hourglass: … n of m integrations migrated, d days left." The retirement date is azure-docs
 * articles/app-service/configure-gateway-required-vnet-integration.md ("being retired on March 31, 2027"); after it,
 * what is still on gateway-required integration no longer works.
 */
export function countdownLine(now: Date, progress: MigrationProgress): string {
  const line = countdownOf(now, progress);
  const midway = progress.midway;
  if (!midway) return line;
  return `${line} ${midwayLine(midway.apps)}`;
}

/** The apps a migration took off their gateway and has not verified on regional integration, and where to look. */
export function midwayLine(apps: readonly string[]): string {
  return `:warning: Mid-migration (running, or stopped half-way, when it may be without any VNet): ${apps.join(", ")}. \`/vnet show ${apps[0]}\` says where ${apps.length === 1 ? "it is" : "each is"} and how to finish or roll back.`;
}

function countdownOf(now: Date, progress: MigrationProgress): string {
  const total = progress.migrated + progress.remaining + (progress.midway?.integrations ?? 0);
  const days = daysUntilRetirement(now);
  const done = `${progress.migrated} of ${plural(total, "integration")} migrated to regional VNet integration`;
  if (days > 0) {
    if (total === 0) return `:hourglass: Gateway-required integration is retired on 31 March 2027 (${plural(days, "day")} left): nothing here uses it, so there is nothing to migrate.`;
    return `:hourglass: Gateway-required integration is retired on 31 March 2027: ${done}, ${plural(days, "day")} left.`;
  }
  if (!isRetired(now)) {
    if (total === 0) return ":hourglass: Gateway-required integration is retired today, 31 March 2027: nothing here uses it, so there is nothing to migrate.";
    return `:hourglass: Gateway-required integration is retired today, 31 March 2027: ${done}${progress.remaining > 0 ? `; the ${progress.remaining} still on it may stop working at any hour` : ""}.`;
  }
  if (progress.remaining === 0) return `:hourglass: Gateway-required integration was retired on 31 March 2027: ${total === 0 ? "no integration was left on it" : done}.`;
  const still = progress.remaining === 1 ? "the 1 still on gateway-required integration no longer works" : `the ${progress.remaining} still on gateway-required integration no longer work`;
  return `:hourglass: Gateway-required integration was retired on 31 March 2027: ${done}; ${still}.`;
}

function pairKey(planId: string, vnetId: string): string {
  return `${planId}|${vnetId}`.toLowerCase();
}
