/** The audit trail: who did what to which request, when, and which Azure requests it made. */

/** What an audit record is about. */
export type AuditAction =
  | "request"
  | "approve"
  | "reject"
  | "expire"
  | "execute"
  | "step"
  | "done"
  | "fail"
  | "interrupt"
  | "refuse"
  | "snooze"
  | "close";

/** One line of the audit trail. */
export interface AuditRecord {
  at: Date;
  /** Slack user id of who acted, or "vnetbot" for what the bot did by itself. */
  actor: string;
  action: AuditAction;
  /** The approval request this is about, when there is one. */
  requestId: string | undefined;
  /** A one-line, secret-free description. */
  summary: string;
  /** x-ms-request-id of every Azure request behind this record. */
  azureRequestIds: string[];
}

/** Where audit records go; append-only. */
export interface AuditLog {
  append(record: AuditRecord): Promise<void>;
  /** The newest records first. */
  latest(count: number): Promise<AuditRecord[]>;
}

/** The actor name of what the bot does by itself (expiry, restarts). */
export const BOT_ACTOR = "vnetbot";
