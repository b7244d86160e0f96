/**
 * The scheduled inventory refresh, loud when it fails. A subscription that can no longer be listed keeps its last
 * inventory (reads say how old it is), and the gateway check goes on from it: without a word in the alert channel,
 * integrations made since would go unchecked while every answer looked complete. The failure is told there once,
 * and its end, as the alert checks' own failures are (scan-health.ts).
 */
import type { Logger } from "../../log.ts";
import { describeFailure } from "../failure.ts";
import { formatTime } from "../format.ts";
import type { InventoryKeeper } from "../inventory-keeper.ts";
import type { AlertDeps } from "./alert-deps.ts";
import { reportScanHealth, type ScanOutcome } from "./scan-health.ts";

const WHAT = "inventory refresh";

/** What the refresh reports to, besides the scheduler: the alert channel when there is one. */
export interface InventoryRefreshDeps {
  logger: Logger;
  subscriptions: readonly string[];
  timezone?: string;
  alerts?: Pick<AlertDeps, "store" | "chat" | "channel">;
}

/**
 * Refreshes what is due at `now`; tells the alert channel when the refresh fails or could not keep a subscription,
 * and when that ends. Rejects when something could not be kept, for the scheduler's log and metrics.
 */
export async function runInventoryRefresh(keeper: Pick<InventoryKeeper, "refreshDue" | "kept">, deps: InventoryRefreshDeps, now: Date): Promise<void> {
  let outcome: ScanOutcome;
  try {
    const refreshed = await keeper.refreshDue(now);
    // Nothing was due: another replica, or a change, kept every subscription moments ago.
    if (!refreshed) return;
    const kept = await Promise.all(deps.subscriptions.map((subscriptionId) => keeper.kept([subscriptionId], { asScanned: true })));
    const keptAt = (subscriptionId: string) => kept[deps.subscriptions.findIndex((s) => s.toLowerCase() === subscriptionId.toLowerCase())]?.keptAt;
    const failures = refreshed.unkept.map(({ subscriptionId, reason }) => {
      const at = keptAt(subscriptionId);
      const stays = at ? `its inventory as of ${formatTime(at, deps.timezone ?? "UTC")} stays, so integrations made since then are not checked` : "nothing of it is kept, so none of its integrations are checked";
      return `subscription ${subscriptionId} could not be read (${reason}); ${stays}`;
    });
    // One failure per subscription, in the same order: a subscription is what a failure is of.
    outcome = { ok: true, seen: kept.reduce((sum, view) => sum + (view?.inventory.integrations.length ?? 0), 0), failures, failedScopes: refreshed.unkept.map((u) => u.subscriptionId) };
  } catch (error) {
    outcome = { ok: false, error, failure: describeFailure(error, deps.logger, WHAT) };
  }
  if (deps.alerts) await reportScanHealth(deps.alerts, { what: WHAT, job: "inventory", outcome, now });
  if (!outcome.ok) throw outcome.error;
  if (outcome.failures.length > 0) throw new Error(`The ${WHAT} could not keep every subscription: ${outcome.failures.join("; ")}`);
}
