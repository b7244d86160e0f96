/**
 * Instances on PostgreSQL: a session advisory lock per instance name, held on a connection of its own for as long as
 * the process runs. The server drops it the moment that connection closes, which a crash or a SIGKILL does at once,
 * so a restarted replica finds the lock free and knows its predecessor is gone; a live twin still holds it.
 */
import type pg from "pg";
import type { InstanceRegistry } from "../core/leases.ts";

// Keyed by schema too, so that installations sharing a database in schemas of their own never meet.
const TRY_LOCK = "SELECT pg_try_advisory_lock(hashtext('vnetbot instance ' || coalesce(current_schema(), '')), hashtext($1)) AS locked";

/** The registry, and close() to end the registration (before the pool ends). */
export function createPostgresInstanceRegistry(pool: pg.Pool, onError: (error: Error) => void): InstanceRegistry & { close(): Promise<void> } {
  const held: pg.PoolClient[] = [];
  return {
    async register(instance) {
      const client = await pool.connect();
      // A dropped connection ends the registration; it must not end the process.
      client.on("error", onError);
      const locked = (await client.query<{ locked: boolean }>(TRY_LOCK, [instance])).rows[0]?.locked === true;
      if (!locked) {
        client.release();
        return false;
      }
      held.push(client);
      return true;
    },
    async close() {
      // Unlocked before close() resolves, so that a successor starting right after a clean stop finds the name free;
      // when unlocking fails, the connection is destroyed, which drops the lock too.
      for (const client of held.splice(0)) {
        const unlocked = await client.query("SELECT pg_advisory_unlock_all()").then(() => true, () => false);
        client.release(!unlocked);
      }
    },
  };
}
