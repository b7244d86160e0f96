/** The audit trail on PostgreSQL: an append-only table shared by every replica. */
import type pg from "pg";
import type { AuditAction, AuditLog } from "../core/audit.ts";

interface Row {
  at: Date;
  actor: string;
  action: string;
  request_id: string | null;
  summary: string;
  azure_request_ids: string[];
}

/** Builds the audit log over a migrated database. */
export function createPostgresAuditLog(pool: pg.Pool): AuditLog {
  return {
    async append(record) {
      await pool.query("INSERT INTO audit (at, actor, action, request_id, summary, azure_request_ids) VALUES ($1, $2, $3, $4, $5, $6)", [
        record.at, record.actor, record.action, record.requestId ?? null, record.summary, JSON.stringify(record.azureRequestIds),
      ]);
    },
    async latest(count) {
      const { rows } = await pool.query<Row>("SELECT * FROM audit ORDER BY seq DESC LIMIT $1", [count]);
      return rows.map((row) => ({
        at: row.at,
        actor: row.actor,
        action: row.action as AuditAction,
        requestId: row.request_id ?? undefined,
        summary: row.summary,
        azureRequestIds: row.azure_request_ids,
      }));
    },
  };
}
