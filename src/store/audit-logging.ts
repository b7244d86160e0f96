/**
 * Every audit record as a structured log line too, so that the trail also reaches the platform's log pipeline
 * (search, retention, alerting) and survives the loss of the database.
 */
import type { AuditLog, AuditRecord } from "../core/audit.ts";
import type { LogFields, Logger } from "../log.ts";

/** The audit log, logging each record it stores (info) or fails to store (error, then the failure is rethrown). */
export function withAuditLogging(audit: AuditLog, logger: Logger): AuditLog {
  return {
    async append(record) {
      try {
        await audit.append(record);
      } catch (error) {
        logger.error("audit record not stored", { ...fieldsOf(record), error: error instanceof Error ? error.message : String(error) });
        throw error;
      }
      logger.info("audit", fieldsOf(record));
    },
    latest: (count) => audit.latest(count),
  };
}

// By allowlist, like every log line: the record's own fields, which are secret-free by contract (and masked again).
function fieldsOf(record: AuditRecord): LogFields {
  return {
    at: record.at.toISOString(),
    actor: record.actor,
    action: record.action,
    requestId: record.requestId ?? null,
    summary: record.summary,
    azureRequestIds: record.azureRequestIds,
  };
}
