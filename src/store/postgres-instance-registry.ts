/**
 * Instances on PostgreSQL: a session advisory lock per instance name, held on a connection of its own for as long as
 * the process runs. The server drops it the moment that connection closes, which a crash or a SIGKILL does at once,
 * so a restarted replica finds the lock free and knows its predecessor is gone; a live twin still holds it.
 *
 * A database restart (a failover, a maintenance window) closes that connection too, and the lock goes with it while
 * the process lives on: left so, a second process given the same name would find the name free and release what
 * this one runs. So a registration whose connection drops is taken again, every few seconds until the database is
 * back; if another process took the name meanwhile, that is said, once.
 */
import type pg from "pg";
import type { InstanceRegistry } from "../core/leases.ts";

// Keyed by schema too, so that installations sharing a database in schemas of their own never meet.
const TRY_LOCK = "SELECT pg_try_advisory_lock(hashtext('vnetbot instance ' || coalesce(current_schema(), '')), hashtext($1)) AS locked";
const RETRY_MS = 5_000;
const TAKEN_AFTER_REFUSALS = 3;

/** What the registry reports beyond errors of idle connections. */
export interface InstanceRegistryEvents {
  /** The registration's connection dropped and a new one holds the name again. */
  onRetaken?(instance: string): void;
  /** The registration's connection dropped and another process holds the name now. */
  onTakenByOther?(instance: string): void;
  /** How long to wait between attempts to take the name again (default 5 s). */
  retryMs?: number;
}

/** The registry, and close() to end the registration (before the pool ends). */
export function createPostgresInstanceRegistry(
  pool: pg.Pool,
  onError: (error: Error) => void,
  events: InstanceRegistryEvents = {},
): InstanceRegistry & { close(): Promise<void> } {
  const held = new Set<pg.PoolClient>();
  const retries = new Set<NodeJS.Timeout>();
  let closed = false;

  /** Takes the lock on a connection of its own; the connection is kept only while it holds the lock. */
  async function take(instance: string): Promise<boolean> {
    const client = await pool.connect();
    let locked = false;
    try {
      locked = (await client.query<{ locked: boolean }>(TRY_LOCK, [instance])).rows[0]?.locked === true;
    } catch (error) {
      client.release(true);
      throw error;
    }
    if (!locked) {
      client.release();
      return false;
    }
    if (closed) {
      // Destroyed, not returned to the pool: the lock goes with the connection.
      client.release(true);
      return false;
    }
    held.add(client);
    let lost = false;
    const onLost = (error?: Error) => {
      if (error) onError(error);
      if (lost) return;
      lost = true;
      held.delete(client);
      client.release(true);
      if (!closed) retake(instance, 0);
    };
    // A dropped connection ends the lock; it must not end the process.
    client.on("error", onLost);
    client.on("end", () => onLost());
    return true;
  }

  /** `refused`: how many attempts in a row found the name held by another session. */
  function retake(instance: string, refused: number): void {
    const timer = setTimeout(() => {
      retries.delete(timer);
      if (closed) return;
      take(instance).then(
        (taken) => {
          if (taken) return events.onRetaken?.(instance);
          if (closed) return;
          // Right after a restart the server may not have ended the old session yet: a third refusal is no such lag.
          if (refused + 1 === TAKEN_AFTER_REFUSALS) events.onTakenByOther?.(instance);
          retake(instance, refused + 1);
        },
        // The database is still away: try again.
        () => retake(instance, refused),
      );
    }, events.retryMs ?? RETRY_MS);
    timer.unref();
    retries.add(timer);
  }

  return {
    register: (instance) => take(instance),
    async close() {
      closed = true;
      for (const timer of retries) clearTimeout(timer);
      retries.clear();
      // Unlocked before close() resolves, so that a successor starting right after a clean stop finds the name free;
      // when unlocking fails, the connection is destroyed, which drops the lock too.
      for (const client of [...held]) {
        held.delete(client);
        // Its own end is no loss to report; an error while unlocking only destroys it.
        client.removeAllListeners("end");
        client.removeAllListeners("error");
        client.on("error", () => {});
        const unlocked = await client.query("SELECT pg_advisory_unlock_all()").then(() => true, () => false);
        client.release(!unlocked);
      }
    },
  };
}
