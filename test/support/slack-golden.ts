/** Golden files for rendered messages: compared as JSON; UPDATE_GOLDEN=1 rewrites them for review. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

const dir = join(import.meta.dirname, "..", "golden");

/** Asserts that value equals test/golden/<name>.json (written when missing or when UPDATE_GOLDEN=1). */
export function expectGolden(name: string, value: unknown): void {
  const path = join(dir, `${name}.json`);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (!existsSync(path) || process.env["UPDATE_GOLDEN"] === "1") writeFileSync(path, text);
  expect(JSON.parse(text)).toEqual(JSON.parse(readFileSync(path, "utf8")));
}
