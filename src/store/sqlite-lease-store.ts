/** Leases on SQLite: each claim is one conditional upsert. One replica uses SQLite, but jobs and locks run the same way. */
import type { DatabaseSync } from "node:sqlite";
import type { LeaseStore } from "../core/leases.ts";

type Row = Record<string, string | number | null>;

/** Builds the lease store over an open, migrated database. */
export function createSqliteLeaseStore(db: DatabaseSync): LeaseStore {
  const changed = (sql: string, ...params: (string | number | null)[]) => Number(db.prepare(sql).run(...params).changes) === 1;
  return {
    async claim(name, holder, now, until, tick) {
      return changed(
        `INSERT INTO leases (name, holder, until, tick) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until, tick = coalesce(excluded.tick, leases.tick)
         WHERE leases.until <= ? AND (excluded.tick IS NULL OR leases.tick IS NULL OR leases.tick < excluded.tick)`,
        name, holder, until.getTime(), tick ?? null, now.getTime(),
      );
    },
    async renew(name, holder, until) {
      // A released lease (until 0) stays released.
      return changed("UPDATE leases SET until = ? WHERE name = ? AND holder = ? AND until > 0", until.getTime(), name, holder);
    },
    async release(name, holder) {
      db.prepare("UPDATE leases SET until = 0 WHERE name = ? AND holder = ?").run(name, holder);
    },
    async releaseInstance(instance) {
      const prefix = `${instance}/`;
      const rows = db.prepare("UPDATE leases SET until = 0 WHERE substr(holder, 1, length(?)) = ? AND until > 0 RETURNING name").all(prefix, prefix) as Row[];
      return rows.map((row) => String(row["name"])).sort();
    },
    async holding(name, now) {
      const row = db.prepare("SELECT holder, until, tick FROM leases WHERE name = ? AND until > ?").get(name, now.getTime()) as Row | undefined;
      return row ? { holder: String(row["holder"]), until: new Date(Number(row["until"])), tick: row["tick"] === null ? undefined : Number(row["tick"]) } : undefined;
    },
  };
}
