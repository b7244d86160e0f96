/** Alert state on PostgreSQL: one row per alert key, so that replicas announce each threshold once. */
import type pg from "pg";
import type { AlertState, AlertStateStore } from "../core/ports.ts";

interface Row {
  key: string;
  announced: string[];
  snoozed_until: Date | null;
  last_result: string | null;
  updated_at: Date;
}

function toState(row: Row): AlertState {
  return { announced: row.announced, snoozedUntil: row.snoozed_until ?? undefined, lastResult: row.last_result ?? undefined, updatedAt: row.updated_at };
}

/** Builds the alert state store over a migrated database. */
export function createPostgresAlertStateStore(pool: pg.Pool): AlertStateStore {
  return {
    async get(key) {
      const row = (await pool.query<Row>("SELECT * FROM alert_state WHERE key = $1", [key])).rows[0];
      return row ? toState(row) : undefined;
    },
    async put(key, state) {
      await pool.query(
        `INSERT INTO alert_state (key, announced, snoozed_until, last_result, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (key) DO UPDATE SET announced = excluded.announced, snoozed_until = excluded.snoozed_until,
           last_result = excluded.last_result, updated_at = excluded.updated_at`,
        [key, JSON.stringify(state.announced), state.snoozedUntil ?? null, state.lastResult ?? null, state.updatedAt],
      );
    },
    async delete(key) {
      await pool.query("DELETE FROM alert_state WHERE key = $1", [key]);
    },
    async list(prefix = "") {
      const { rows } = await pool.query<Row>("SELECT * FROM alert_state WHERE starts_with(key, $1) ORDER BY key", [prefix]);
      return rows.map((row) => ({ key: row.key, state: toState(row) }));
    },
  };
}
