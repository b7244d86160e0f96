/**
 * A migration whose app was deleted half-way leaves its record "moving" for good: the countdown would name the app as
 * mid-migration in every answer and digest, and the gateway it left would never be called idle, while `/vnet show`
 * and `/vnet migrate` of the app only find it gone, so nobody could end it. Nothing is left to finish or roll back:
 * once Azure says the app is not found, its record is closed ("app-deleted") and the audit trail says so. One read
 * per record still mid-way, which are few, and none when there are none; the certificate check runs it.
 */
import { isBotError } from "../../errors.ts";
import { BOT_ACTOR, type AuditLog } from "../audit.ts";
import type { AzureReader } from "../ports.ts";
import { parseResourceId } from "../resource-id.ts";
import type { MigrationRecords } from "./migration-records.ts";

/**
 * Closes the records mid-way of apps Azure no longer has, in these subscriptions (the audit trail names each). Only
 * "not found" closes one: an app that could not be read (throttled, forbidden, a server error) may still be there,
 * half-way, and stays as it is. Resolves with those that could not be read.
 */
export async function closeMigrationsOfDeletedApps(
  deps: { reader: AzureReader; migrations: MigrationRecords; audit?: AuditLog | undefined },
  options: { subscriptions: readonly string[]; now: Date },
): Promise<{ failures: string[] }> {
  const managed = new Set(options.subscriptions.map((s) => s.toLowerCase()));
  const midway = (await deps.migrations.list()).filter((r) => r.status === "moving" && managed.has(parseResourceId(r.appId)?.subscriptionId.toLowerCase() ?? ""));
  const failures: string[] = [];
  // One at a time: there are seldom more than a few, and the scan before this spent the read budget.
  for (const record of midway) {
    try {
      await deps.reader.getApp(record.appId);
      continue;
    } catch (error) {
      if (!isBotError(error) || error.kind !== "not-found") {
        failures.push(`${record.appName}, mid-way through its migration off ${record.vnetName}, could not be read: ${isBotError(error) ? error.message : "the read failed unexpectedly"}`);
        continue;
      }
    }
    // Only the record as it was read before the app was: a migration (of a new app of the name) or another replica
    // that wrote it since keeps it, and only the replica that closes it writes the audit line.
    const closed = await deps.migrations.closeAsDeleted(record, options.now);
    if (!closed) continue;
    await deps.audit?.append({
      at: options.now,
      actor: BOT_ACTOR,
      action: "close",
      requestId: closed.requestId,
      summary: `closed the migration of ${closed.appName} off ${closed.vnetName}: Azure no longer has the app, so nothing is left to finish or roll back`,
      azureRequestIds: [],
    });
  }
  return { failures };
}
