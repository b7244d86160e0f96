// The process as `npm start` runs it (local mode, so nothing leaves the machine), stopped as a platform stops it.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MAIN = join(import.meta.dirname, "..", "src", "main.ts");

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "vnetbot-main-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the vnetbot process", () => {
  it("logs that it stopped, and on which signal, when the platform sends SIGTERM", async () => {
    // No config file and no Slack token in a fresh directory: local mode, its database under that directory.
    const child = spawn(process.execPath, [MAIN], { cwd: dir, env: { PATH: process.env["PATH"] ?? "", PORT: "0" } });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes("vnetbot is running")) resolve();
      });
      void exited.then(() => reject(new Error(`vnetbot exited before it was running:\n${stderr}`)));
    });

    child.kill("SIGTERM");
    const code = await exited;

    const lines = stderr.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(code).toBe(0);
    expect(lines.at(-1)).toMatchObject({ level: "info", msg: "vnetbot stopped", signal: "SIGTERM" });
  });
});
