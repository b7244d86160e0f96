/** Leases on PostgreSQL: each claim is one INSERT … ON CONFLICT DO UPDATE … WHERE, so one replica wins it. */
import type pg from "pg";
import type { LeaseStore } from "../core/leases.ts";

interface Row {
  holder: string;
  until: Date;
  tick: string | null;
}

// A released lease keeps its row (and its tick) with an expiry in the past.
const RELEASED = new Date(0);

/** Builds the lease store over a migrated database. */
export function createPostgresLeaseStore(pool: pg.Pool): LeaseStore {
  const changed = async (sql: string, params: unknown[]) => ((await pool.query(sql, params)).rowCount ?? 0) === 1;
  return {
    claim(name, holder, now, until, tick) {
      return changed(
        `INSERT INTO leases (name, holder, until, tick) VALUES ($1, $2, $4, $5)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until, tick = coalesce(excluded.tick, leases.tick)
         WHERE leases.until <= $3 AND (excluded.tick IS NULL OR leases.tick IS NULL OR leases.tick < excluded.tick)`,
        [name, holder, now, until, tick ?? null],
      );
    },
    renew(name, holder, until) {
      return changed("UPDATE leases SET until = $3 WHERE name = $1 AND holder = $2 AND until > $4", [name, holder, until, RELEASED]);
    },
    async release(name, holder) {
      await pool.query("UPDATE leases SET until = $3 WHERE name = $1 AND holder = $2", [name, holder, RELEASED]);
    },
    async releaseInstance(instance) {
      const { rows } = await pool.query<{ name: string }>(
        "UPDATE leases SET until = $2 WHERE starts_with(holder, $1) AND until > $2 RETURNING name",
        [`${instance}/`, RELEASED],
      );
      return rows.map((row) => row.name).sort();
    },
    async holding(name, now) {
      const row = (await pool.query<Row>("SELECT holder, until, tick FROM leases WHERE name = $1 AND until > $2", [name, now])).rows[0];
      return row ? { holder: row.holder, until: row.until, tick: row.tick === null ? undefined : Number(row.tick) } : undefined;
    },
  };
}
