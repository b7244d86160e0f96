import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBundle } from "../../scripts/build.ts";

// The bot runs minified (no kept names: scripts/build.ts says why), so the stack in its log names bundle positions;
// `npm run trace` must bring an engineer from such a line back to the source line that threw.
describe("npm run trace", () => {
  const outdir = mkdtempSync(join(tmpdir(), "vnetbot-trace-"));
  // The log line the bundle writes (to stderr, as the bot does).
  let line = "";
  beforeAll(async () => {
    await buildBundle({ entry: "test/fixtures/trace/throws.ts", outdir });
    line = spawnSync(process.execPath, [join(outdir, "throws.js")], { encoding: "utf8" }).stderr.trim();
  }, 60_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  const run = (input: string) => execFileSync(process.execPath, ["scripts/trace.ts", "--dist", outdir], { input, encoding: "utf8" });

  it("maps a logged error's frames from the minified bundle to the source line that threw", () => {
    const record = JSON.parse(line) as { error: string; stack: string[] };
    expect(record.error).toMatch(/^TypeError: /);
    // As logged, the frames name the bundle, not the source.
    expect(record.stack[0]).toMatch(/throws\.js:\d+:\d+/);
    expect(record.stack.join("\n")).not.toContain("throws.ts");

    const mapped = run(line);
    expect(mapped.split("\n")[0]).toBe(`command failed (ref ab12): ${record.error}`);
    expect(mapped).toMatch(/at test\/fixtures\/trace\/throws\.ts:5:\d+ \[/);
    expect(mapped).toMatch(/throws\.ts:9:\d+/);
  });

  it("maps frames in plain text, and leaves frames of other files and other lines alone", () => {
    const { stack } = JSON.parse(line) as { stack: string[] };
    const text = ["Error: boom", `    ${stack[0]!}`, "    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)", "not a frame"].join("\n");
    const mapped = run(text).split("\n");
    expect(mapped[0]).toBe("Error: boom");
    expect(mapped[1]).toMatch(/at test\/fixtures\/trace\/throws\.ts:5:\d+ \[/);
    expect(mapped[2]).toBe("    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)");
    expect(mapped[3]).toBe("not a frame");
  });
});

