/** What the scheduled alert checks need from the outside world. */
import type { Logger } from "../../log.ts";
import type { AuditLog } from "../audit.ts";
import type { InventoryReads } from "../inventory-keeper.ts";
import type { AlertStateStore, AzureReader, ChatPort, StoredAlertState } from "../ports.ts";
import type { Reply } from "../reply.ts";

/** Dependencies of the certificate and gateway checks (wired by main.ts, faked by nothing: tests use the real parts). */
export interface AlertDeps {
  reader: AzureReader;
  subscriptions: readonly string[];
  store: AlertStateStore;
  chat: ChatPort<Reply>;
  /** Where internal failures of a scan are logged, with the reference the channel is shown. */
  logger: Logger;
  /** slack.alertChannel. */
  channel: string;
  /** schedule.timezone, for the times shown (default UTC). */
  timezone?: string;
  /** schedule.certificateWarningMonths (default 6). */
  certificateWarningMonths?: number;
  /** schedule.reminderHours (default 4). */
  reminderHours?: number;
  /** Reads in flight at once during a scan (default 4). */
  concurrency?: number;
  /**
   * The kept inventory: the gateway check takes the integrations from it and reads only their gateways live. Without
   * it (or before anything is kept) each run scans the subscriptions.
   */
  inventory?: Pick<InventoryReads, "kept">;
  /** Where the certificate check records the migrations it closes (their apps deleted half-way). */
  audit?: AuditLog;
}

/** Loads every alert state under a prefix into a map, as stored (with version tags and claims). */
export async function loadStates(store: AlertStateStore, prefix: string): Promise<Map<string, StoredAlertState>> {
  return new Map((await store.list(prefix)).map(({ key, state }) => [key, state]));
}
