/** Alert state on PostgreSQL: one row per alert key; every announcement is a conditional write on its version tag. */
import type pg from "pg";
import type { AlertStateStore, StoredAlertState } from "../core/ports.ts";
import { decodeAlertState, encodeAlertState, newEtag } from "./alert-state-codec.ts";

interface Row {
  key: string;
  announced: string[];
  snoozed_until: Date | null;
  last_result: string | null;
  updated_at: Date;
  etag: string;
  claim_until: Date | null;
  claim_previous: unknown;
}

function toState(row: Row): StoredAlertState {
  return {
    announced: row.announced,
    snoozedUntil: row.snoozed_until ?? undefined,
    lastResult: row.last_result ?? undefined,
    updatedAt: row.updated_at,
    etag: row.etag,
    claim: row.claim_until === null ? undefined : { until: row.claim_until, previous: decodeAlertState(row.claim_previous) },
  };
}

const COLUMNS = "announced = $2, snoozed_until = $3, last_result = $4, updated_at = $5, etag = $6, claim_until = $7, claim_previous = $8";

/** Builds the alert state store over a migrated database. */
export function createPostgresAlertStateStore(pool: pg.Pool): AlertStateStore {
  const one = async (sql: string, params: unknown[]) => (await pool.query<Row>(sql, params)).rows[0];
  return {
    async get(key) {
      const row = await one("SELECT * FROM alert_state WHERE key = $1", [key]);
      return row ? toState(row) : undefined;
    },
    async put(key, state) {
      await pool.query(
        `INSERT INTO alert_state (key, announced, snoozed_until, last_result, updated_at, etag) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (key) DO UPDATE SET announced = excluded.announced, snoozed_until = excluded.snoozed_until,
           last_result = excluded.last_result, updated_at = excluded.updated_at, etag = excluded.etag, claim_until = NULL, claim_previous = NULL`,
        [key, JSON.stringify(state.announced), state.snoozedUntil ?? null, state.lastResult ?? null, state.updatedAt, newEtag()],
      );
    },
    async delete(key) {
      await pool.query("DELETE FROM alert_state WHERE key = $1", [key]);
    },
    async list(prefix = "") {
      const { rows } = await pool.query<Row>("SELECT * FROM alert_state WHERE starts_with(key, $1) ORDER BY key", [prefix]);
      return rows.map((row) => ({ key: row.key, state: toState(row) }));
    },
    async swap(key, expected, next, claim) {
      if (!next) {
        if (!expected) return (await one("SELECT * FROM alert_state WHERE key = $1", [key])) ? false : { state: undefined };
        return ((await pool.query("DELETE FROM alert_state WHERE key = $1 AND etag = $2", [key, expected.etag])).rowCount ?? 0) === 1 ? { state: undefined } : false;
      }
      const params = [
        key, JSON.stringify(next.announced), next.snoozedUntil ?? null, next.lastResult ?? null, next.updatedAt, newEtag(),
        claim?.until ?? null, claim ? encodeAlertState(claim.previous) : null,
      ];
      const row = expected
        ? await one(`UPDATE alert_state SET ${COLUMNS} WHERE key = $1 AND etag = $9 RETURNING *`, [...params, expected.etag])
        : await one(
            `INSERT INTO alert_state (key, announced, snoozed_until, last_result, updated_at, etag, claim_until, claim_previous)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key) DO NOTHING RETURNING *`,
            params,
          );
      return row ? { state: toState(row) } : false;
    },
  };
}
