/** The PostgreSQL store: approvals, the audit trail and alert state shared by every replica of the bot. */
import type { Stores } from "./sqlite-store.ts";
import { measureDatabaseTime } from "./database-time.ts";
import { createPostgresAlertStateStore } from "./postgres-alert-state-store.ts";
import { createPostgresApprovalStore } from "./postgres-approval-store.ts";
import { createPostgresAuditLog } from "./postgres-audit-log.ts";
import { openPostgresPool } from "./postgres-database.ts";
import { createPostgresInstanceRegistry, type InstanceRegistryEvents } from "./postgres-instance-registry.ts";
import { createPostgresLeaseStore } from "./postgres-lease-store.ts";

/** Connects to the database at url (postgres:// or postgresql://), migrates it and returns its stores. */
export async function openPostgresStore(
  url: string,
  options: {
    onIdleError?: (error: Error) => void;
    connectTimeoutMs?: number;
    onClockSkew?: (offsetMs: number) => void;
    systemNow?: () => number;
    instanceEvents?: InstanceRegistryEvents;
  } = {},
): Promise<Stores> {
  const pool = await openPostgresPool(url, options.onIdleError ?? (() => {}), options.connectTimeoutMs);
  const instances = createPostgresInstanceRegistry(pool, options.onIdleError ?? (() => {}), options.instanceEvents);
  const databaseTime = await measureDatabaseTime(pool, { ...(options.onClockSkew ? { onSkew: options.onClockSkew } : {}), ...(options.systemNow ? { systemNow: options.systemNow } : {}) });
  return {
    databaseTime,
    approvals: createPostgresApprovalStore(pool),
    audit: createPostgresAuditLog(pool),
    alerts: createPostgresAlertStateStore(pool),
    leases: createPostgresLeaseStore(pool),
    instances,
    close: async () => {
      databaseTime.stop();
      await instances.close();
      await pool.end();
    },
  };
}
