/** ApprovalStore on SQLite: every transition is one conditional UPDATE, so exactly one caller wins it. */
import type { DatabaseSync } from "node:sqlite";
import { ACTIVE_STATUSES, type ApprovalRecord, type ApprovalStatus, type ApprovalStore, type NewApproval } from "../core/approvals/approval-store.ts";
import type { PostedMessage } from "../core/ports.ts";
import type { StepResult } from "../core/changes/types.ts";

type Row = Record<string, string | number | null>;

const date = (value: string | number | null): Date | undefined => (value === null ? undefined : new Date(Number(value)));
const text = (value: string | number | null): string | undefined => (value === null ? undefined : String(value));

function toRecord(row: Row): ApprovalRecord {
  const channel = text(row["message_channel"]!);
  const ts = text(row["message_ts"]!);
  return {
    id: String(row["id"]),
    status: String(row["status"]) as ApprovalStatus,
    request: JSON.parse(String(row["request"])),
    plan: JSON.parse(String(row["plan"])),
    commandText: String(row["command_text"]),
    origin: row["origin"] === null || row["origin"] === undefined ? undefined : JSON.parse(String(row["origin"])),
    requestedBy: String(row["requested_by"]),
    requestedIn: String(row["requested_in"]),
    createdAt: date(row["created_at"]!)!,
    expiresAt: date(row["expires_at"]!)!,
    decidedBy: text(row["decided_by"]!),
    decidedAt: date(row["decided_at"]!),
    message: channel && ts ? { channel, ts } : undefined,
    steps: JSON.parse(String(row["steps"])) as StepResult[],
    failure: text(row["failure"]!),
    finishedAt: date(row["finished_at"]!),
    owner: text(row["owner"]!),
    leaseUntil: date(row["lease_until"]!),
  };
}

const inList = (statuses: readonly ApprovalStatus[]) => statuses.map((s) => `'${s.replace(/'/g, "")}'`).join(", ");
const ACTIVE = inList(ACTIVE_STATUSES);
// Only the runner that started a change may record its steps and finish it; its last parameter is the owner.
const OWNED = "status = 'running' AND owner = ?";

/** Builds the store over an open, migrated database. */
export function createSqliteApprovalStore(db: DatabaseSync): ApprovalStore {
  const get = (id: string) => {
    const row = db.prepare("SELECT * FROM approvals WHERE id = ?").get(id) as Row | undefined;
    return row ? toRecord(row) : undefined;
  };
  const all = (sql: string, ...params: (string | number | null)[]) => (db.prepare(sql).all(...params) as Row[]).map(toRecord);
  const changed = (sql: string, ...params: (string | number | null)[]) => Number(db.prepare(sql).run(...params).changes) === 1;

  return {
    async create(approval: NewApproval) {
      const appKeys = JSON.stringify(approval.appKeys.map((key) => key.toLowerCase()));
      // One statement decides: SQLite takes writes one at a time.
      const holdingApp = `SELECT a.* FROM approvals a, json_each(a.app_keys) held WHERE a.status IN (${ACTIVE}) AND held.value IN (SELECT value FROM json_each(?))`;
      const inserted = db
        .prepare(
          `INSERT INTO approvals (id, status, target_key, request, plan, command_text, origin, requested_by, requested_in, created_at, expires_at, app_keys)
           SELECT ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
           WHERE NOT EXISTS (SELECT 1 FROM approvals WHERE target_key = ? AND status IN (${ACTIVE}))
             AND NOT EXISTS (${holdingApp})
           ON CONFLICT DO NOTHING`,
        )
        .run(
          approval.id, approval.plan.targetKey, JSON.stringify(approval.request), JSON.stringify(approval.plan), approval.commandText,
          approval.origin ? JSON.stringify(approval.origin) : null, approval.requestedBy, approval.requestedIn, approval.createdAt.getTime(), approval.expiresAt.getTime(), appKeys,
          approval.plan.targetKey, appKeys,
        );
      if (Number(inserted.changes) === 1) return { created: true };
      const target = all(`SELECT * FROM approvals WHERE target_key = ? AND status IN (${ACTIVE}) LIMIT 1`, approval.plan.targetKey)[0];
      if (target) return { created: false, existing: target, holds: "target" };
      const app = all(`${holdingApp} ORDER BY a.created_at LIMIT 1`, appKeys)[0];
      if (app) return { created: false, existing: app, holds: "app" };
      throw new Error(`request id ${approval.id} is already taken`);
    },
    get: async (id) => get(id),
    async setMessage(id: string, message: PostedMessage) {
      db.prepare("UPDATE approvals SET message_channel = ?, message_ts = ? WHERE id = ?").run(message.channel, message.ts, id);
    },
    async decide(id, decision, by, at) {
      const result = db
        .prepare("UPDATE approvals SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending' AND expires_at > ?")
        .run(decision, by, at.getTime(), id, at.getTime());
      return Number(result.changes) === 1;
    },
    async expireDue(now) {
      return all("UPDATE approvals SET status = 'expired' WHERE status = 'pending' AND expires_at <= ? RETURNING *", now.getTime());
    },
    async start(id, owner, leaseUntil) {
      return changed("UPDATE approvals SET status = 'running', owner = ?, lease_until = ? WHERE id = ? AND status = 'approved'", owner, leaseUntil.getTime(), id);
    },
    async renewLease(id, owner, leaseUntil) {
      return changed(`UPDATE approvals SET lease_until = ? WHERE id = ? AND ${OWNED}`, leaseUntil.getTime(), id, owner);
    },
    async recordStep(id, owner, result) {
      return changed(`UPDATE approvals SET steps = json_insert(steps, '$[#]', json(?)) WHERE id = ? AND ${OWNED}`, JSON.stringify(result), id, owner);
    },
    async finish(id, owner, status, failure, at) {
      return changed(`UPDATE approvals SET status = ?, failure = ?, finished_at = ? WHERE id = ? AND ${OWNED}`, status, failure ?? null, at.getTime(), id, owner);
    },
    async abandon(id, failure, at) {
      return changed("UPDATE approvals SET status = 'failed', failure = ?, finished_at = ? WHERE id = ? AND status = 'approved'", failure, at.getTime(), id);
    },
    async interruptUnfinished(at, approvedBefore, predecessor) {
      return all(
        `UPDATE approvals SET status = 'interrupted', finished_at = ?
         WHERE (status = 'running' AND (lease_until IS NULL OR lease_until <= ? OR owner = ?)) OR (status = 'approved' AND decided_at <= ?)
         RETURNING *`,
        at.getTime(), at.getTime(), predecessor ?? null, approvedBefore.getTime(),
      ).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
    },
    async list(statuses) {
      return all(`SELECT * FROM approvals WHERE status IN (${inList(statuses)}) ORDER BY created_at, id`);
    },
  };
}
