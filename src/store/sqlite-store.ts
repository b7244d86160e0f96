/** The SQLite store: one database file holding approvals, the audit trail and alert state. */
import type { ApprovalStore } from "../core/approvals/approval-store.ts";
import type { AuditLog } from "../core/audit.ts";
import type { DatabaseTime } from "./database-time.ts";
import type { InstanceRegistry, LeaseStore } from "../core/leases.ts";
import type { AlertStateStore } from "../core/ports.ts";
import { createSqliteAlertStateStore } from "./sqlite-alert-state-store.ts";
import { createSqliteApprovalStore } from "./sqlite-approval-store.ts";
import { createSqliteLeaseStore } from "./sqlite-lease-store.ts";
import { openSqliteDatabase } from "./sqlite-database.ts";
import { createSqliteAuditLog } from "./sqlite-audit-log.ts";

/** The stores the bot needs, behind their core ports, plus close() (asynchronous for PostgreSQL: await it). */
export interface Stores {
  approvals: ApprovalStore;
  audit: AuditLog;
  alerts: AlertStateStore;
  leases: LeaseStore;
  instances: InstanceRegistry;
  /** How far this host's clock is from the shared database's (PostgreSQL); absent where nobody shares the store. */
  databaseTime?: DatabaseTime;
  close(): void | Promise<void>;
}

/** Opens (and migrates) the database at path and returns its stores. */
export function openSqliteStore(path: string): Stores {
  const db = openSqliteDatabase(path);
  return {
    approvals: createSqliteApprovalStore(db),
    audit: createSqliteAuditLog(db),
    alerts: createSqliteAlertStateStore(db),
    leases: createSqliteLeaseStore(db),
    // One process per SQLite file (several replicas need PostgreSQL): nobody else can be this instance.
    instances: { register: async () => true },
    close: () => db.close(),
  };
}
