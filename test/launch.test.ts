// dist/launch.js, what `npm start` and the image run (bundled by the suite's global setup, as `npm start` bundles
// first): the compile cache it turns on, and the image build's warm-up.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startCommandArgs } from "./support/start-command.ts";

const START = startCommandArgs();
const cache = mkdtempSync(join(tmpdir(), "vnetbot-compile-cache-"));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

// NODE_DEBUG_NATIVE=COMPILE_CACHE makes node say, per module, whether V8's code for it came from the cache.
function warm(debug: boolean) {
  const env = { PATH: process.env["PATH"] ?? "", NODE_COMPILE_CACHE: cache, ...(debug ? { NODE_DEBUG_NATIVE: "COMPILE_CACHE" } : {}) };
  return spawnSync(process.execPath, [...START, "--warm-compile-cache"], { cwd: tmpdir(), env, encoding: "utf8", timeout: 30_000 });
}

describe("the launcher", () => {
  it("runs the bundle, not the sources", () => {
    expect(START.at(-1)).toMatch(/\/dist\/launch\.js$/);
  });

  it("warms the compile cache with every chunk production starts with and exits without starting the bot", () => {
    const first = warm(false);

    expect(first.status).toBe(0);
    expect(first.stdout).toBe("");
    expect(readdirSync(cache).flatMap((dir) => readdirSync(join(cache, dir))).length).toBeGreaterThan(2);
  });

  it("starts the next time with every chunk's code from the cache, the PostgreSQL store's included", () => {
    const second = warm(true);
    const lookups = second.stderr.split("\n").filter((line) => line.includes("reading cache from"));
    const missed = lookups.filter((line) => !/\bsuccess\b/.test(line));

    expect(second.status).toBe(0);
    expect(lookups.some((line) => /\/dist\/main-\w+\.js/.test(line))).toBe(true);
    expect(lookups.some((line) => /\/dist\/postgres-store-\w+\.js/.test(line))).toBe(true);
    expect(missed).toEqual([]);
  });
});
