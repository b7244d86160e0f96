/** Opens a PostgreSQL pool (node-postgres) and brings the schema up to date, one replica at a time. */
import pg from "pg";
import { translateConnectionFailures } from "./postgres-unreachable.ts";

// Append only: each entry moves the schema from version i to i + 1, inside one transaction. The same tables as
// SQLite; keys are COLLATE "C" so that "ORDER BY key" sorts as SQLite does, whatever the database's locale.
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE approvals (
     id TEXT COLLATE "C" PRIMARY KEY,
     status TEXT NOT NULL,
     target_key TEXT NOT NULL,
     request JSONB NOT NULL,
     plan JSONB NOT NULL,
     command_text TEXT NOT NULL,
     requested_by TEXT NOT NULL,
     requested_in TEXT NOT NULL,
     created_at TIMESTAMPTZ NOT NULL,
     expires_at TIMESTAMPTZ NOT NULL,
     decided_by TEXT,
     decided_at TIMESTAMPTZ,
     message_channel TEXT,
     message_ts TEXT,
     steps JSONB NOT NULL DEFAULT '[]',
     failure TEXT,
     finished_at TIMESTAMPTZ
   );
   -- One change at a time per target, enforced by the database itself, across replicas.
   CREATE UNIQUE INDEX approvals_one_active_per_target ON approvals (target_key) WHERE status IN ('pending', 'approved', 'running');
   CREATE INDEX approvals_status ON approvals (status, created_at);
   CREATE TABLE audit (
     seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     at TIMESTAMPTZ NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     request_id TEXT,
     summary TEXT NOT NULL,
     azure_request_ids JSONB NOT NULL DEFAULT '[]'
   );
   CREATE TABLE alert_state (
     key TEXT COLLATE "C" PRIMARY KEY,
     announced JSONB NOT NULL DEFAULT '[]',
     snoozed_until TIMESTAMPTZ,
     last_result TEXT,
     updated_at TIMESTAMPTZ NOT NULL
   );`,
  // 2: where a request came from (a button), and who runs a change until when, so that replicas leave each other's
  // running changes alone. A change running before this version has no owner: it is treated as unowned.
  `ALTER TABLE approvals ADD COLUMN origin JSONB, ADD COLUMN owner TEXT, ADD COLUMN lease_until TIMESTAMPTZ;`,
  // 3: named leases (src/core/leases.ts): one run per scheduled tick across replicas, and locks on resources. A
  // released lease keeps its row, with an expiry in the past, so that its last tick is remembered.
  `CREATE TABLE leases (
     name TEXT COLLATE "C" PRIMARY KEY,
     holder TEXT NOT NULL,
     until TIMESTAMPTZ NOT NULL,
     tick BIGINT
   );`,
  // 4: a version tag per alert state, so that an announcement is claimed by one conditional write, and the claim in
  // progress (until when, and the state before it) so that a claimer that dies before confirming is taken over.
  `ALTER TABLE alert_state ADD COLUMN etag TEXT NOT NULL DEFAULT '', ADD COLUMN claim_until TIMESTAMPTZ, ADD COLUMN claim_previous JSONB;`,
  // 5: the apps a request changes (lower-case ids): one active request per app, as per target. Active requests from
  // before take theirs from the request itself.
  `ALTER TABLE approvals ADD COLUMN app_keys JSONB NOT NULL DEFAULT '[]';
   UPDATE approvals SET app_keys = (
     SELECT coalesce(jsonb_agg(lower(id)), '[]') FROM (
       SELECT request->>'appId' AS id WHERE jsonb_typeof(request->'appId') = 'string'
       UNION ALL SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(request->'appIds') = 'array' THEN request->'appIds' ELSE '[]' END)
     ) ids WHERE id IS NOT NULL
   ) WHERE status IN ('pending', 'approved', 'running');`,
];

/** The schema version this code writes. */
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

// Replicas starting together take turns: without the lock, two "CREATE TABLE IF NOT EXISTS" can still collide, and
// both would run the same migration. Keyed by schema, so that databases shared by several installations don't wait
// on each other.
const LOCK_KEY = "SELECT hashtext('vnetbot migrations ' || coalesce(current_schema(), '')) AS key";

/** Where the URL points, without its password, for messages. */
export function describePostgresUrl(url: string): string {
  if (!URL.canParse(url)) return "PostgreSQL (unparsable URL)";
  const parsed = new URL(url);
  return `PostgreSQL at ${parsed.hostname || "localhost"}:${parsed.port || "5432"}${parsed.pathname || "/"}`;
}

/** Connects to the database at url and migrates it; the pool is ended again when that fails. */
/**
 * How long a new connection may take. Without a limit, a server that stops answering (rather than refusing) holds
 * every store call until the operating system gives up, and the instant commands miss Slack's 3-second ack.
 */
const CONNECT_TIMEOUT_MS = 5_000;

export async function openPostgresPool(url: string, onIdleError: (error: Error) => void, connectTimeoutMs = CONNECT_TIMEOUT_MS): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  // An idle connection that drops (a database restart, a failover) must not crash the bot: the pool replaces it.
  pool.on("error", onIdleError);
  try {
    await migrate(pool, url);
    // A server that goes away later (a restart) is told to users as such; the pool reconnects on the next query.
    return translateConnectionFailures(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
}

async function migrate(pool: pg.Pool, url: string): Promise<void> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw new Error(`Cannot connect to ${describePostgresUrl(url)}: ${(error as Error).message}. Hint: check VNETBOT_POSTGRES_URL and that the server accepts connections from here.`, { cause: error });
  }
  try {
    const key = (await client.query<{ key: number }>(LOCK_KEY)).rows[0]!.key;
    await client.query("SELECT pg_advisory_lock($1)", [key]);
    try {
      await client.query("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
      const current = (await client.query<{ version: number | null }>("SELECT MAX(version) AS version FROM schema_version")).rows[0]?.version ?? 0;
      if (current > POSTGRES_SCHEMA_VERSION) {
        throw new Error(`The database (${describePostgresUrl(url)}) has schema version ${current}, newer than this vnetbot (${POSTGRES_SCHEMA_VERSION}). Upgrade vnetbot or point VNETBOT_POSTGRES_URL at another database or schema.`);
      }
      for (let version = current; version < POSTGRES_SCHEMA_VERSION; version++) {
        await client.query("BEGIN");
        try {
          await client.query(MIGRATIONS[version]!);
          await client.query("INSERT INTO schema_version (version) VALUES ($1)", [version + 1]);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw error;
        }
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [key]);
    }
  } finally {
    client.release();
  }
}
