import { spawnSync } from "node:child_process";
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

  const run = (input: string, dist = outdir) => spawnSync(process.execPath, ["scripts/trace.ts", "--dist", dist], { input, encoding: "utf8" });
  const FIXTURE = "test/fixtures/trace/throws.ts";

  it("maps a logged error's frames from the minified bundle to the source lines, async ones included", () => {
    const record = JSON.parse(line) as { error: string; stack: string[] };
    expect(record.error).toMatch(/^TypeError: /);
    // As logged, the frames name the bundle, not the source; an anonymous async function's frame has no name.
    expect(record.stack[0]).toMatch(/throws\.js:\d+:\d+/);
    expect(record.stack.join("\n")).not.toContain("throws.ts");
    expect(record.stack).toContainEqual(expect.stringMatching(/^at async file:.*throws\.js:\d+:\d+$/));

    const mapped = run(line).stdout.split("\n");
    expect(mapped[0]).toBe(`command failed (ref ab12): ${record.error}`);
    expect(mapped[1]).toMatch(new RegExp(`^    at ${FIXTURE}:5:\\d+ \\[\\S+ throws\\.js:\\d+:\\d+\\]$`));
    expect(mapped[2]).toMatch(new RegExp(`^    at ${FIXTURE}:12:\\d+ \\[`));
    expect(mapped).toContainEqual(expect.stringMatching(new RegExp(`^    at async ${FIXTURE}:17:\\d+ \\[throws\\.js:`)));
    expect(mapped).toContain("    at async Promise.all (index 0)");
  });

  it("reads a log line behind a prefix (a timestamp the platform adds) as the same record", () => {
    const mapped = run(`2026-12-01T10:00:00.000Z ${line}`).stdout.split("\n");

    expect(mapped[0]).toMatch(/^2026-12-01T10:00:00\.000Z command failed \(ref ab12\): TypeError: /);
    expect(mapped[1]).toMatch(new RegExp(`^    at ${FIXTURE}:5:`));
  });

  it("maps frames in other text one by one, even side by side, and leaves the rest alone", () => {
    const { stack } = JSON.parse(line) as { stack: string[] };
    const text = ["Error: boom", `    ${stack[0]!}`, "    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)", "not a frame", JSON.stringify(stack.slice(1, 3))].join("\n");
    const mapped = run(text).stdout.split("\n");

    expect(mapped[0]).toBe("Error: boom");
    expect(mapped[1]).toMatch(new RegExp(`^    at ${FIXTURE}:5:\\d+ \\[`));
    expect(mapped[2]).toBe("    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)");
    expect(mapped[3]).toBe("not a frame");
    expect(mapped[4]).toMatch(new RegExp(`^\\["at ${FIXTURE}:12:\\d+ \\[\\S+ throws\\.js:\\d+:\\d+\\]","at async ${FIXTURE}:17:\\d+ \\[throws\\.js:\\d+:\\d+\\]"\\]$`));
  });

  it("says when the bundle that logged a frame is not the one it reads, and leaves those frames as they are", () => {
    const elsewhere = mkdtempSync(join(tmpdir(), "vnetbot-trace-other-"));
    try {
      const { stdout, stderr } = run(line, elsewhere);
      expect(stderr).toContain("throws.js.map: that chunk is not of this build");
      expect(stderr.match(/not of this build/g)).toHaveLength(1);
      expect(stdout).toContain((JSON.parse(line) as { stack: string[] }).stack[0]);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
