/** The two store backends behind one interface, so that the same behaviours run against SQLite and PostgreSQL. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { openPostgresStore } from "../../src/store/postgres-store.ts";
import { openSqliteStore, type Stores } from "../../src/store/sqlite-store.ts";
import { createTestSchema, postgresUnavailable } from "./postgres-test-schema.ts";

/** One empty database of a backend. */
export interface TestDatabase {
  /** Opens the store on it, as the bot (or a restarted bot, or another replica) does. */
  open(): Promise<Stores>;
  /** The versions recorded in schema_version, in order. */
  schemaVersions(): Promise<number[]>;
  /** Records a schema version, as a newer vnetbot would. */
  recordSchemaVersion(version: number): Promise<void>;
  /** Runs a statement without parameters, as an older vnetbot's rows would have been written. */
  execute(sql: string): Promise<void>;
  /** Closes every store still open on it and deletes it. */
  dispose(): Promise<void>;
}

/** A backend and, when it cannot run here, why. */
export interface StoreBackend {
  name: string;
  unavailable: string | undefined;
  createDatabase(): Promise<TestDatabase>;
}

// Closes what a test left open, once, whatever the test closed itself.
function tracked(open: () => Promise<Stores>) {
  const live = new Set<Stores>();
  return {
    async open() {
      const stores = await open();
      const close = stores.close.bind(stores);
      const wrapped: Stores = { ...stores, close: async () => (live.delete(wrapped) ? close() : undefined) };
      live.add(wrapped);
      return wrapped;
    },
    closeAll: () => Promise.all([...live].map((stores) => stores.close())),
  };
}

const sqlite: StoreBackend = {
  name: "SQLite",
  unavailable: undefined,
  async createDatabase() {
    const dir = mkdtempSync(join(tmpdir(), "vnetbot-store-"));
    const path = join(dir, "vnetbot.sqlite");
    const stores = tracked(async () => openSqliteStore(path));
    const raw = <T>(use: (db: DatabaseSync) => T): T => {
      const db = new DatabaseSync(path);
      try {
        return use(db);
      } finally {
        db.close();
      }
    };
    return {
      open: stores.open,
      schemaVersions: async () => raw((db) => (db.prepare("SELECT version FROM schema_version ORDER BY version").all() as { version: number }[]).map((r) => r.version)),
      recordSchemaVersion: async (version) => void raw((db) => db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(version)),
      execute: async (sql) => void raw((db) => db.exec(sql)),
      async dispose() {
        await stores.closeAll();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

const postgres: StoreBackend = {
  name: "PostgreSQL",
  unavailable: await postgresUnavailable(),
  async createDatabase() {
    const schema = await createTestSchema();
    const stores = tracked(() => openPostgresStore(schema.url));
    return {
      open: stores.open,
      schemaVersions: async () => (await schema.query<{ version: number }>("SELECT version FROM schema_version ORDER BY version")).map((r) => r.version),
      recordSchemaVersion: async (version) => void (await schema.query("INSERT INTO schema_version (version) VALUES ($1)", [version])),
      execute: async (sql) => void (await schema.query(sql)),
      async dispose() {
        await stores.closeAll();
        await schema.drop();
      },
    };
  },
};

/** Both backends, for describe.each. */
export const STORE_BACKENDS: readonly StoreBackend[] = [sqlite, postgres];

/** The PostgreSQL backend alone, for the replica tests. */
export const POSTGRES_BACKEND = postgres;
