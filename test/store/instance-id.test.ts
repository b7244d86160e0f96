// A replica that nothing in its environment names keeps its id in its data directory, so a restart is the same instance.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { persistedInstanceId } from "../../src/store/instance-id.ts";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

it("creates an id in the data directory on the first start and gives the same one after a restart", () => {
  const dir = join(mkdtempSync(join(tmpdir(), "vnetbot-instance-")), "data");
  dirs.push(dir);

  const first = persistedInstanceId(dir);
  const afterRestart = persistedInstanceId(dir);

  expect(first).toMatch(/^vnetbot-[0-9a-f]{12}$/);
  expect(afterRestart).toBe(first);
  expect(readFileSync(join(dir, "instance-id"), "utf8")).toBe(`${first}\n`);
});

it("gives another data directory another id", () => {
  const [a, b] = [mkdtempSync(join(tmpdir(), "vnetbot-instance-")), mkdtempSync(join(tmpdir(), "vnetbot-instance-"))];
  dirs.push(a, b);

  expect(persistedInstanceId(a)).not.toBe(persistedInstanceId(b));
});
