/** ApprovalStore on PostgreSQL: every transition is one conditional UPDATE … RETURNING, so exactly one caller wins it, on any replica. */
import type pg from "pg";
import { ACTIVE_STATUSES, type ApprovalRecord, type ApprovalStatus, type ApprovalStore, type NewApproval } from "../core/approvals/approval-store.ts";
import type { StepResult } from "../core/changes/types.ts";
import { withConnection } from "./postgres-unreachable.ts";

interface Row {
  id: string;
  status: string;
  request: ApprovalRecord["request"];
  plan: ApprovalRecord["plan"];
  command_text: string;
  origin: ApprovalRecord["origin"] | null;
  requested_by: string;
  requested_in: string;
  created_at: Date;
  expires_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  message_channel: string | null;
  message_ts: string | null;
  steps: StepResult[];
  failure: string | null;
  finished_at: Date | null;
  owner: string | null;
  lease_until: Date | null;
}

function toRecord(row: Row): ApprovalRecord {
  return {
    id: row.id,
    status: row.status as ApprovalStatus,
    request: row.request,
    plan: row.plan,
    commandText: row.command_text,
    origin: row.origin ?? undefined,
    requestedBy: row.requested_by,
    requestedIn: row.requested_in,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    decidedBy: row.decided_by ?? undefined,
    decidedAt: row.decided_at ?? undefined,
    message: row.message_channel && row.message_ts ? { channel: row.message_channel, ts: row.message_ts } : undefined,
    steps: row.steps,
    failure: row.failure ?? undefined,
    finishedAt: row.finished_at ?? undefined,
    owner: row.owner ?? undefined,
    leaseUntil: row.lease_until ?? undefined,
  };
}

// Only the runner that started a change may record its steps and finish it: $1 is the id, $2 the owner.
const OWNED = "status = 'running' AND owner = $2";

// Statements that change several rows return them oldest first, as list() does.
const oldestFirst = (update: string) => `WITH changed AS (${update} RETURNING *) SELECT * FROM changed ORDER BY created_at, id`;

/** Builds the store over a migrated database. */
export function createPostgresApprovalStore(pool: pg.Pool): ApprovalStore {
  const rows = async (sql: string, params: unknown[]) => (await pool.query<Row>(sql, params)).rows.map(toRecord);
  const changed = async (sql: string, params: unknown[]) => ((await pool.query(sql, params)).rowCount ?? 0) === 1;
  const activeFor = async (targetKey: string) =>
    (await rows("SELECT * FROM approvals WHERE target_key = $1 AND status = ANY($2) LIMIT 1", [targetKey, ACTIVE_STATUSES]))[0];

  return {
    async create(approval: NewApproval) {
      const targetKey = approval.plan.targetKey;
      const appKeys = [...new Set(approval.appKeys.map((key) => key.toLowerCase()))].sort();
      // The partial unique index decides the target between replicas; ON CONFLICT turns the loser's insert into
      // nothing. Apps are held under a transaction lock per app (taken in one order, so two requests never wait on
      // each other): whoever takes them second sees the first's request, committed. When the target's holder finishes
      // between our insert and our look-up, the target is free again: try once more.
      for (let attempt = 0; attempt < 3; attempt++) {
        const held = await withConnection(pool, async (client): Promise<{ holder: ApprovalRecord } | { inserted: boolean }> => {
          await client.query("BEGIN");
          try {
            for (const key of appKeys) await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`vnetbot approval app ${key}`]);
            const app = appKeys.length === 0 ? undefined : (await client.query<Row>("SELECT * FROM approvals WHERE status = ANY($1) AND app_keys ?| $2 ORDER BY created_at LIMIT 1", [ACTIVE_STATUSES, appKeys])).rows[0];
            if (app) {
              await client.query("ROLLBACK");
              return { holder: toRecord(app) };
            }
            const result = await client.query(
              `INSERT INTO approvals (id, status, target_key, request, plan, command_text, requested_by, requested_in, created_at, expires_at, origin, app_keys)
               VALUES ($1, 'pending', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
               ON CONFLICT DO NOTHING`,
              [approval.id, targetKey, JSON.stringify(approval.request), JSON.stringify(approval.plan), approval.commandText, approval.requestedBy, approval.requestedIn, approval.createdAt, approval.expiresAt, approval.origin ? JSON.stringify(approval.origin) : null, JSON.stringify(appKeys)],
            );
            const inserted = (result.rowCount ?? 0) === 1;
            await client.query(inserted ? "COMMIT" : "ROLLBACK");
            return { inserted };
          } catch (error) {
            await client.query("ROLLBACK").catch(() => undefined);
            throw error;
          }
        });
        if ("holder" in held) return { created: false, existing: held.holder, holds: "app" };
        if (held.inserted) return { created: true };
        const existing = await activeFor(targetKey);
        if (existing) return { created: false, existing, holds: "target" };
        if ((await rows("SELECT * FROM approvals WHERE id = $1", [approval.id])).length > 0) break;
      }
      throw new Error(`request id ${approval.id} is already taken`);
    },
    async get(id) {
      return (await rows("SELECT * FROM approvals WHERE id = $1", [id]))[0];
    },
    async setMessage(id, message) {
      await pool.query("UPDATE approvals SET message_channel = $1, message_ts = $2 WHERE id = $3", [message.channel, message.ts, id]);
    },
    async decide(id, decision, by, at) {
      return changed("UPDATE approvals SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND status = 'pending' AND expires_at > $3", [decision, by, at, id]);
    },
    async expireDue(now) {
      return rows(oldestFirst("UPDATE approvals SET status = 'expired' WHERE status = 'pending' AND expires_at <= $1"), [now]);
    },
    async start(id, owner, leaseUntil) {
      return changed("UPDATE approvals SET status = 'running', owner = $2, lease_until = $3 WHERE id = $1 AND status = 'approved'", [id, owner, leaseUntil]);
    },
    async renewLease(id, owner, leaseUntil) {
      return changed(`UPDATE approvals SET lease_until = $3 WHERE id = $1 AND ${OWNED}`, [id, owner, leaseUntil]);
    },
    async recordStep(id, owner, result) {
      // Appended in the database, so that steps recorded at once are all kept.
      return changed(`UPDATE approvals SET steps = steps || jsonb_build_array($3::jsonb) WHERE id = $1 AND ${OWNED}`, [id, owner, JSON.stringify(result)]);
    },
    async finish(id, owner, status, failure, at) {
      return changed(`UPDATE approvals SET status = $3, failure = $4, finished_at = $5 WHERE id = $1 AND ${OWNED}`, [id, owner, status, failure ?? null, at]);
    },
    async abandon(id, failure, at) {
      return changed("UPDATE approvals SET status = 'failed', failure = $2, finished_at = $3 WHERE id = $1 AND status = 'approved'", [id, failure, at]);
    },
    async interruptUnfinished(at, approvedBefore, predecessor) {
      return rows(
        oldestFirst(`UPDATE approvals SET status = 'interrupted', finished_at = $1
          WHERE (status = 'running' AND (lease_until IS NULL OR lease_until <= $1 OR owner = $3)) OR (status = 'approved' AND decided_at <= $2)`),
        [at, approvedBefore, predecessor ?? null],
      );
    },
    async list(statuses) {
      return rows("SELECT * FROM approvals WHERE status = ANY($1) ORDER BY created_at, id", [statuses]);
    },
  };
}
