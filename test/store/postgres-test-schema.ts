/**
 * PostgreSQL for the store tests: the local server (or VNETBOT_TEST_POSTGRES_URL), one throw-away schema per use so
 * that test files running in parallel never see each other's rows.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

/** The server the tests use. */
export const TEST_POSTGRES_URL = process.env["VNETBOT_TEST_POSTGRES_URL"] || "postgresql://postgres@127.0.0.1:5432/test";

/**
 * Why PostgreSQL cannot be used here, or undefined when it can. In CI an unreachable server fails the test file
 * instead: the replica tests must not pass by being skipped.
 */
export async function postgresUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 5_000 });
  let reason: string | undefined;
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    reason = `PostgreSQL is unreachable at ${where(TEST_POSTGRES_URL)} (${(error as Error).message || (error as Error).name}); start it or set VNETBOT_TEST_POSTGRES_URL`;
  } finally {
    await client.end().catch(() => {});
  }
  const ci = process.env["CI"];
  if (reason && ci && ci !== "false" && ci !== "0") throw new Error(`${reason}. CI is set, so the PostgreSQL store tests fail rather than skip.`);
  if (reason) console.warn(`Skipping the PostgreSQL store tests: ${reason}.`);
  return reason;
}

/** A fresh schema, the URL that puts a connection in it, and raw queries against it. */
export interface TestSchema {
  url: string;
  query<T extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

/** Creates an empty schema named vnetbot_<random>. */
export async function createTestSchema(): Promise<TestSchema> {
  const schema = `vnetbot_${randomBytes(6).toString("hex")}`;
  const url = new URL(TEST_POSTGRES_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  const admin = new pg.Pool({ connectionString: url.toString(), max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  return {
    url: url.toString(),
    query: async (sql, params) => (await admin.query(sql, params)).rows,
    async drop() {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

function where(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
}
