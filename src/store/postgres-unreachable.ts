/**
 * A PostgreSQL server the bot cannot reach (restarting, failing over, a network cut) is something users and /readyz
 * must be told as such, not "something went wrong": failures to connect, or of a connection under a statement, become
 * a BotError saying so. Statements the server refused pass through unchanged. The pool recovers by itself: it drops
 * broken connections and opens new ones for the next query.
 */
import type pg from "pg";
import { BotError } from "../errors.ts";

/** What users and /readyz read while the database cannot be reached. */
export const DATABASE_UNREACHABLE = "vnetbot cannot reach its database";
export const DATABASE_UNREACHABLE_HINT =
  "It may be restarting: try again in a minute. If it lasts, check that PostgreSQL is up and that the bot can reach it (VNETBOT_POSTGRES_URL).";

// Node's errors when connecting fails or a connection drops.
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
// The server shutting down or starting up: admin_shutdown, crash_shutdown, cannot_connect_now (SQLSTATE class 57P).
const SERVER_UNAVAILABLE = new Set(["57P01", "57P02", "57P03"]);
// node-postgres' own words for a connection that ended under a query, or that cannot be used any more.
const DRIVER_MESSAGES = /^Connection terminated|is not queryable|timeout exceeded when trying to connect/;

/** True when the error says the server could not be reached or the connection was lost, not that a statement failed. */
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (NETWORK_CODES.has(code) || SERVER_UNAVAILABLE.has(code) || code.startsWith("08"))) return true;
  return DRIVER_MESSAGES.test(error.message);
}

/** The BotError for a connection failure, with the driver's reason (a connection error never carries the URL). */
export function databaseUnreachable(error: Error): BotError {
  // Connecting to a name with several addresses fails with an AggregateError whose message is empty.
  const reason = error.message || String((error as { code?: unknown }).code ?? error.name);
  return new BotError("unavailable", `${DATABASE_UNREACHABLE} (PostgreSQL: ${reason}).`, { hint: DATABASE_UNREACHABLE_HINT, cause: error });
}

/**
 * Makes the pool's query(text, values), which every store uses, throw databaseUnreachable for connection failures.
 * The pool is patched rather than wrapped so that the stores keep their pg.Pool type; only the promise form is used.
 */
export function translateConnectionFailures(pool: pg.Pool): pg.Pool {
  const query = pool.query.bind(pool) as (text: string, values?: unknown[]) => Promise<pg.QueryResult>;
  const translated = async (text: string, values?: unknown[]) => {
    try {
      return await query(text, values);
    } catch (error) {
      throw isConnectionFailure(error) ? databaseUnreachable(error as Error) : error;
    }
  };
  pool.query = translated as typeof pool.query;
  return pool;
}

/**
 * Runs work on one connection of its own (a transaction), with the same translation as the pool's queries. While it is
 * checked out the connection has no listener of the pool's: one that drops then would throw its "error" event at the
 * process, so it gets one, and goes back to the pool destroyed.
 */
export async function withConnection<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw isConnectionFailure(error) ? databaseUnreachable(error as Error) : error;
  }
  let lost: Error | undefined;
  const onError = (error: Error) => void (lost ??= error);
  client.on("error", onError);
  try {
    return await work(client);
  } catch (error) {
    lost ??= isConnectionFailure(error) ? (error as Error) : undefined;
    throw isConnectionFailure(error) ? databaseUnreachable(error as Error) : error;
  } finally {
    client.off("error", onError);
    client.release(lost);
  }
}
