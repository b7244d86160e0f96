/** Alert state on SQLite: one row per alert key; every announcement is a conditional write on its version tag. */
import type { DatabaseSync } from "node:sqlite";
import type { AlertStateStore, StoredAlertState } from "../core/ports.ts";
import { decodeAlertState, encodeAlertState, newEtag } from "./alert-state-codec.ts";

type Row = Record<string, string | number | null>;

function toState(row: Row): StoredAlertState {
  return {
    announced: JSON.parse(String(row["announced"])) as string[],
    snoozedUntil: row["snoozed_until"] === null ? undefined : new Date(Number(row["snoozed_until"])),
    lastResult: row["last_result"] === null ? undefined : String(row["last_result"]),
    updatedAt: new Date(Number(row["updated_at"])),
    etag: String(row["etag"]),
    claim: row["claim_until"] === null ? undefined : { until: new Date(Number(row["claim_until"])), previous: decodeAlertState(row["claim_previous"]) },
  };
}

/** Builds the alert state store over an open, migrated database. */
export function createSqliteAlertStateStore(db: DatabaseSync): AlertStateStore {
  const one = (sql: string, ...params: (string | number | null)[]) => db.prepare(sql).get(...params) as Row | undefined;
  return {
    async get(key) {
      const row = one("SELECT * FROM alert_state WHERE key = ?", key);
      return row ? toState(row) : undefined;
    },
    async put(key, state) {
      db.prepare(
        `INSERT INTO alert_state (key, announced, snoozed_until, last_result, updated_at, etag) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET announced = excluded.announced, snoozed_until = excluded.snoozed_until,
           last_result = excluded.last_result, updated_at = excluded.updated_at, etag = excluded.etag, claim_until = NULL, claim_previous = NULL`,
      ).run(key, JSON.stringify(state.announced), state.snoozedUntil?.getTime() ?? null, state.lastResult ?? null, state.updatedAt.getTime(), newEtag());
    },
    async delete(key) {
      db.prepare("DELETE FROM alert_state WHERE key = ?").run(key);
    },
    async list(prefix = "") {
      const rows = db.prepare("SELECT * FROM alert_state WHERE substr(key, 1, length(?)) = ? ORDER BY key").all(prefix, prefix) as Row[];
      return rows.map((row) => ({ key: String(row["key"]), state: toState(row) }));
    },
    async swap(key, expected, next, claim) {
      if (!next) {
        if (!expected) return one("SELECT key FROM alert_state WHERE key = ?", key) ? false : { state: undefined };
        return Number(db.prepare("DELETE FROM alert_state WHERE key = ? AND etag = ?").run(key, expected.etag).changes) === 1 ? { state: undefined } : false;
      }
      const values = [
        JSON.stringify(next.announced), next.snoozedUntil?.getTime() ?? null, next.lastResult ?? null, next.updatedAt.getTime(), newEtag(),
        claim?.until.getTime() ?? null, claim ? encodeAlertState(claim.previous) : null,
      ];
      const row = expected
        ? one(
            `UPDATE alert_state SET announced = ?, snoozed_until = ?, last_result = ?, updated_at = ?, etag = ?, claim_until = ?, claim_previous = ?
             WHERE key = ? AND etag = ? RETURNING *`,
            ...values, key, expected.etag,
          )
        : one(
            `INSERT INTO alert_state (announced, snoozed_until, last_result, updated_at, etag, claim_until, claim_previous, key)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING RETURNING *`,
            ...values, key,
          );
      return row ? { state: toState(row) } : false;
    },
  };
}
