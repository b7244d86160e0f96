// The process as `npm start` runs it (local mode, so nothing leaves the machine), stopped as a platform stops it.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCommandArgs } from "./support/start-command.ts";
import { startTicks } from "../src/local/local-environment.ts";

const START = startCommandArgs();

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "vnetbot-main-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts local mode in `cwd`, waits until it says it runs, and stops it as a platform does; resolves with its log. */
async function runLocalUntilRunning(cwd: string): Promise<string> {
  const child = spawn(process.execPath, START, { cwd, env: { PATH: process.env["PATH"] ?? "", PORT: "0" } });
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
  // The pid alone on the file's first line, which is all an older vnetbot reads of it.
  expect(readFileSync(join(cwd, "data", "local", "vnetbot.pid"), "utf8").split("\n")[0]).toBe(String(child.pid));
  child.kill("SIGTERM");
  expect(await exited).toBe(0);
  return stderr;
}

describe("the vnetbot process", () => {
  it("logs that it stopped, and on which signal, when the platform sends SIGTERM", async () => {
    // No config file and no Slack token in a fresh directory: local mode, its database under that directory.
    const stderr = await runLocalUntilRunning(dir);

    const lines = stderr.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ level: "info", msg: "vnetbot stopped", signal: "SIGTERM" });
  });

  it("starts local mode as a fresh demo each time: nothing of the last start's database is left", async () => {
    const own = mkdtempSync(join(tmpdir(), "vnetbot-local-"));
    try {
      await runLocalUntilRunning(own);
      // A stopped one no longer holds the directory.
      expect(existsSync(join(own, "data", "local", "vnetbot.pid"))).toBe(false);
      const database = new DatabaseSync(join(own, "data", "local", "vnetbot.sqlite"));
      database.prepare("INSERT INTO audit (at, actor, action, request_id, summary, azure_request_ids) VALUES (?, ?, ?, ?, ?, ?)").run(Date.now(), "U0LOCALOPS", "request", "r1", "from the last start", "[]");
      database.close();

      await runLocalUntilRunning(own);

      const reopened = new DatabaseSync(join(own, "data", "local", "vnetbot.sqlite"));
      const rows = reopened.prepare("SELECT summary FROM audit").all();
      reopened.close();
      expect(rows).toEqual([]);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  }, 30_000);

  it("does not start local mode over another one running in the same directory, and leaves its database alone", async () => {
    const own = mkdtempSync(join(tmpdir(), "vnetbot-local-"));
    try {
      await runLocalUntilRunning(own);
      // The process that holds the directory now: this test's own, which is running, with its start time as the bot
      // writes it where /proc tells it.
      writeFileSync(join(own, "data", "local", "vnetbot.pid"), `${process.pid}\n${startTicks(process.pid) ?? ""}\n`);
      const child = spawn(process.execPath, START, { cwd: own, env: { PATH: process.env["PATH"] ?? "", PORT: "0" } });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      // One that starts anyway is stopped, and the test fails on its exit code.
      child.stdout.on("data", (chunk: Buffer) => void (chunk.toString().includes("vnetbot is running") && child.kill("SIGTERM")));

      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));

      expect(code).toBe(1);
      expect(stderr).toContain(`vnetbot could not start: another vnetbot in local mode (process ${process.pid}) is running in this directory`);
      expect(existsSync(join(own, "data", "local", "vnetbot.sqlite"))).toBe(true);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  }, 30_000);

  it.runIf(startTicks(process.pid) !== undefined)("starts local mode over a pid file whose number another process took since", async () => {
    const own = mkdtempSync(join(tmpdir(), "vnetbot-local-"));
    try {
      await runLocalUntilRunning(own);
      // A container restarted: the pid the last bot had now belongs to another process (this test's), started later.
      writeFileSync(join(own, "data", "local", "vnetbot.pid"), `${process.pid}\n1\n`);

      await runLocalUntilRunning(own);

      expect(existsSync(join(own, "data", "local", "vnetbot.pid"))).toBe(false);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  }, 30_000);

  it("names a bad time zone, a misspelt key and a failing Azure sign-in at once, and does not start", async () => {
    writeFileSync(join(dir, "vnetbot.yaml"), "azure: { subscriptions: [6f1c2b7e-0d4a-4c1e-9a55-3c2d1e0f9a01] }\nschedule: { timezone: Europe/Atlantis }\nslack: { approvalChanel: C0APPROVAL }\naccess: { approvers: [U0AAA] }\n");
    // A service principal whose sign-in goes nowhere: Entra ID is not reachable from this process.
    const env = {
      PATH: process.env["PATH"] ?? "", PORT: "0", SLACK_BOT_TOKEN: "xoxb-1-2-abc", SLACK_SIGNING_SECRET: "0123456789abcdef",
      AZURE_TENANT_ID: "00000000-0000-0000-0000-000000000000", AZURE_CLIENT_ID: "11111111-1111-1111-1111-111111111111", AZURE_CLIENT_SECRET: "not-a-secret", AZURE_AUTHORITY_HOST: "https://127.0.0.1:9",
    };
    const child = spawn(process.execPath, START, { cwd: dir, env });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));

    const code = await new Promise<number | null>((resolve) => child.on("exit", (exit) => resolve(exit)));

    expect(code).toBe(1);
    expect(stderr).toContain('schedule.timezone: invalid value (got "Europe/Atlantis")');
    expect(stderr).toContain('unknown key "slack.approvalChanel" is ignored. Did you mean "slack.approvalChannel"?');
    expect(stderr).toContain("and Azure sign-in failed: vnetbot could not sign in to Azure");
  }, 30_000);
});
