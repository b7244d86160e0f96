/** Golden files for rendered messages: compared as JSON; UPDATE_GOLDEN=1 rewrites them for review. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

const dir = join(import.meta.dirname, "..", "golden");

/** Asserts that value equals test/golden/<name>.json (written when UPDATE_GOLDEN=1, or when missing outside CI). */
export function expectGolden(name: string, value: unknown): void {
  const path = join(dir, `${name}.json`);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  // In CI a missing golden is a failure: nobody has reviewed what it would say.
  if (process.env["UPDATE_GOLDEN"] === "1" || (!existsSync(path) && !process.env["CI"])) writeFileSync(path, text);
  expect(JSON.parse(text)).toEqual(JSON.parse(readFileSync(path, "utf8")));
}
