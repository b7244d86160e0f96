/** The scheduled inventory refresh (schedule.inventory): keeps the inventory read commands answer from. */
import { runInventoryRefresh, type InventoryRefreshDeps } from "../src/core/alerts/inventory-refresh-check.ts";
import type { InventoryKeeper } from "../src/core/inventory-keeper.ts";

/**
 * Every 15 minutes by default: a kept inventory is at most that old for changes made outside the bot (the bot's own
 * refresh it at once), while a 1,000-plan subscription's scan, some 8,000 reads, leaves most of ARM's read rate
 * (25 a second per subscription) to the commands and the alert checks.
 */
export const DEFAULT_INVENTORY_SCHEDULE = "*/15 * * * *";

/** The job for the scheduler: its name, cron expression and run(now). */
export function inventoryJob(keeper: Pick<InventoryKeeper, "refreshDue" | "kept">, expression: string, deps: InventoryRefreshDeps) {
  return { name: "inventory", expression, run: (now: Date) => runInventoryRefresh(keeper, deps, now) };
}
