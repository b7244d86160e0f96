// Which store the bot opens, and how VNETBOT_POSTGRES_URL is checked: it holds a password, so it comes only from the
// environment and is never echoed back.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { Secret } from "../../src/core/secret.ts";
import { openStore } from "../../src/store/open-store.ts";
import { openPostgresStore } from "../../src/store/postgres-store.ts";
import type { Stores } from "../../src/store/sqlite-store.ts";
import { approval } from "./approval-fixture.ts";
import { createTestSchema, type TestSchema } from "./postgres-test-schema.ts";
import { POSTGRES_BACKEND } from "./store-backends.ts";

const noFile = () => undefined;

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, noFile);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
}

describe("VNETBOT_POSTGRES_URL", () => {
  it.each([
    ["postgresql://vnetbot:pa%40ss@db.example.com:5432/vnetbot?sslmode=require"],
    ["postgres://db.example.com/vnetbot"],
  ])("accepts %s and keeps it secret", (url) => {
    const { config } = loadConfig({ VNETBOT_POSTGRES_URL: url }, noFile);

    expect(config.secrets.postgresUrl?.reveal()).toBe(url);
    expect(JSON.stringify(config)).not.toContain("db.example.com");
  });

  it.each([
    ["a MySQL URL", "mysql://vnetbot:hunter2@db.example.com/vnetbot"],
    ["a host name alone", "db.example.com"],
    ["a URL without a host", "postgresql:///vnetbot?password=hunter2"],
  ])("refuses %s with a hint, without echoing it", (_name, url) => {
    const problems = problemsOf({ VNETBOT_POSTGRES_URL: url });

    expect(problems).toEqual([expect.stringContaining("VNETBOT_POSTGRES_URL: not a PostgreSQL URL (it should start with postgres:// or postgresql://). Hint: e.g. postgresql://")]);
    expect(problems.join()).not.toContain("hunter2");
  });

  it("is not set by default, so the bot keeps its SQLite file", () => {
    expect(loadConfig({}, noFile).config.secrets.postgresUrl).toBeUndefined();
  });
});

describe("openStore", () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const track = (stores: Stores) => (cleanups.push(() => stores.close()), stores);

  it("opens the SQLite file, creating its folder, when no PostgreSQL URL is configured", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vnetbot-open-store-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sqlitePath = join(dir, "nested", "vnetbot.sqlite");

    const stores = track(await openStore({ secrets: { botToken: undefined, signingSecret: undefined, appToken: undefined }, storage: { sqlitePath } }));

    expect(await stores.approvals.create(approval("r1"))).toEqual({ created: true });
    expect(existsSync(sqlitePath)).toBe(true);
  });

  it("opens PostgreSQL when a URL is configured, and not the SQLite file", async (context) => {
    if (POSTGRES_BACKEND.unavailable) context.skip(POSTGRES_BACKEND.unavailable);
    const schema: TestSchema = await createTestSchema();
    cleanups.push(() => schema.drop());
    const sqlitePath = join(tmpdir(), "vnetbot-never-created", "vnetbot.sqlite");

    const stores = track(await openStore({ secrets: { botToken: undefined, signingSecret: undefined, appToken: undefined, postgresUrl: new Secret(schema.url) }, storage: { sqlitePath } }));
    await stores.approvals.create(approval("r1"));

    expect(await schema.query("SELECT id, status FROM approvals")).toEqual([{ id: "r1", status: "pending" }]);
    expect(existsSync(sqlitePath)).toBe(false);
  });

  it("says which server it cannot reach, without the password", async () => {
    const failure = openPostgresStore("postgresql://vnetbot:hunter2@127.0.0.1:1/vnetbot");

    await expect(failure).rejects.toThrow(/^Cannot connect to PostgreSQL at 127\.0\.0\.1:1\/vnetbot: .+\. Hint: check VNETBOT_POSTGRES_URL/);
    await expect(failure).rejects.not.toThrow(/hunter2/);
  });
});
