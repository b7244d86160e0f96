/** Alert state on SQLite: one row per alert key. */
import type { DatabaseSync } from "node:sqlite";
import type { AlertState, AlertStateStore } from "../core/ports.ts";

type Row = Record<string, string | number | null>;

function toState(row: Row): AlertState {
  return {
    announced: JSON.parse(String(row["announced"])) as string[],
    snoozedUntil: row["snoozed_until"] === null ? undefined : new Date(Number(row["snoozed_until"])),
    lastResult: row["last_result"] === null ? undefined : String(row["last_result"]),
    updatedAt: new Date(Number(row["updated_at"])),
  };
}

/** Builds the alert state store over an open, migrated database. */
export function createSqliteAlertStateStore(db: DatabaseSync): AlertStateStore {
  return {
    async get(key) {
      const row = db.prepare("SELECT * FROM alert_state WHERE key = ?").get(key) as Row | undefined;
      return row ? toState(row) : undefined;
    },
    async put(key, state) {
      db.prepare(
        `INSERT INTO alert_state (key, announced, snoozed_until, last_result, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET announced = excluded.announced, snoozed_until = excluded.snoozed_until,
           last_result = excluded.last_result, updated_at = excluded.updated_at`,
      ).run(key, JSON.stringify(state.announced), state.snoozedUntil?.getTime() ?? null, state.lastResult ?? null, state.updatedAt.getTime());
    },
    async delete(key) {
      db.prepare("DELETE FROM alert_state WHERE key = ?").run(key);
    },
    async list(prefix = "") {
      const rows = db.prepare("SELECT * FROM alert_state WHERE substr(key, 1, length(?)) = ? ORDER BY key").all(prefix, prefix) as Row[];
      return rows.map((row) => ({ key: String(row["key"]), state: toState(row) }));
    },
  };
}
