/** The audit trail on SQLite: an append-only table. */
import type { DatabaseSync } from "node:sqlite";
import type { AuditAction, AuditLog } from "../core/audit.ts";

/** Builds the audit log over an open, migrated database. */
export function createSqliteAuditLog(db: DatabaseSync): AuditLog {
  return {
    async append(record) {
      db.prepare("INSERT INTO audit (at, actor, action, request_id, summary, azure_request_ids) VALUES (?, ?, ?, ?, ?, ?)").run(
        record.at.getTime(), record.actor, record.action, record.requestId ?? null, record.summary, JSON.stringify(record.azureRequestIds),
      );
    },
    async latest(count) {
      const rows = db.prepare("SELECT * FROM audit ORDER BY seq DESC LIMIT ?").all(count) as Record<string, string | number | null>[];
      return rows.map((row) => ({
        at: new Date(Number(row["at"])),
        actor: String(row["actor"]),
        action: String(row["action"]) as AuditAction,
        requestId: row["request_id"] === null ? undefined : String(row["request_id"]),
        summary: String(row["summary"]),
        azureRequestIds: JSON.parse(String(row["azure_request_ids"])) as string[],
      }));
    },
  };
}
