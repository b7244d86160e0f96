/** Opens the SQLite database (node:sqlite) and brings its schema up to date. */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";

// Append only: each entry moves the schema from version i to i + 1, inside one transaction.
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE approvals (
     id TEXT PRIMARY KEY,
     status TEXT NOT NULL,
     target_key TEXT NOT NULL,
     request TEXT NOT NULL,
     plan TEXT NOT NULL,
     command_text TEXT NOT NULL,
     requested_by TEXT NOT NULL,
     requested_in TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     decided_by TEXT,
     decided_at INTEGER,
     message_channel TEXT,
     message_ts TEXT,
     steps TEXT NOT NULL DEFAULT '[]',
     failure TEXT,
     finished_at INTEGER
   );
   -- One change at a time per target, enforced by the database itself.
   CREATE UNIQUE INDEX approvals_one_active_per_target ON approvals (target_key) WHERE status IN ('pending', 'approved', 'running');
   CREATE INDEX approvals_status ON approvals (status, created_at);
   CREATE TABLE audit (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     request_id TEXT,
     summary TEXT NOT NULL,
     azure_request_ids TEXT NOT NULL DEFAULT '[]'
   );
   CREATE TABLE alert_state (
     key TEXT PRIMARY KEY,
     announced TEXT NOT NULL DEFAULT '[]',
     snoozed_until INTEGER,
     last_result TEXT,
     updated_at INTEGER NOT NULL
   );`,
  // 2: where a request came from (a button), and who runs a change until when, so that replicas leave each other's
  // running changes alone. A change running before this version has no owner: it is treated as unowned.
  `ALTER TABLE approvals ADD COLUMN origin TEXT;
   ALTER TABLE approvals ADD COLUMN owner TEXT;
   ALTER TABLE approvals ADD COLUMN lease_until INTEGER;`,
  // 3: named leases (src/core/leases.ts), as on PostgreSQL: with one replica they serialise jobs and locks the same way.
  `CREATE TABLE leases (
     name TEXT PRIMARY KEY,
     holder TEXT NOT NULL,
     until INTEGER NOT NULL,
     tick INTEGER
   );`,
  // 4: a version tag per alert state and the announcement claim in progress, as on PostgreSQL.
  `ALTER TABLE alert_state ADD COLUMN etag TEXT NOT NULL DEFAULT '';
   ALTER TABLE alert_state ADD COLUMN claim_until INTEGER;
   ALTER TABLE alert_state ADD COLUMN claim_previous TEXT;`,
  // 5: the apps a request changes (lower-case ids, a JSON array): one active request per app, as per target. Active
  // requests from before take theirs from the request itself.
  `ALTER TABLE approvals ADD COLUMN app_keys TEXT NOT NULL DEFAULT '[]';
   UPDATE approvals SET app_keys = (
     SELECT coalesce(json_group_array(lower(id)), '[]') FROM (
       SELECT json_extract(approvals.request, '$.appId') AS id
       UNION ALL SELECT value FROM json_each(approvals.request, '$.appIds')
     ) WHERE typeof(id) = 'text'
   ) WHERE status IN ('pending', 'approved', 'running');`,
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Opens (creating the folder and file if needed) and migrates the database. ":memory:" works for tests. */
export function openSqliteDatabase(path: string): DatabaseSync {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;");
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const row = db.prepare("SELECT MAX(version) AS version FROM schema_version").get() as { version: number | null } | undefined;
  const current = row?.version ?? 0;
  if (current > SCHEMA_VERSION) {
    db.close();
    throw new Error(`The database ${path} has schema version ${current}, newer than this vnetbot (${SCHEMA_VERSION}). Upgrade vnetbot or point storage.sqlitePath at another file.`);
  }
  for (let version = current; version < SCHEMA_VERSION; version++) {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(MIGRATIONS[version]!);
      db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(version + 1);
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  }
  return db;
}
