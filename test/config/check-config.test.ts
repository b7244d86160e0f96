// npm run check-config, run as a pipeline runs it: a child process with only the environment it is given.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const SCRIPT = join(root, "src", "check-config.ts");
const GOOD = "azure: { subscriptions: [00000000-0000-0000-0000-000000000001] }\nslack: { alertChannel: C0ALERTS }\naccess: { approvers: [U0AAA] }\nschedule: { timezone: Asia/Kolkata, gateways: '*/5 * * * *' }\n";
const BAD = "access: { aprovers: [U0AAA] }\nschedule: { timezone: Europe/Atlantis, certificates: '0 9 *' }\n";

let dir: string;
let server: Server;
let requests = 0;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "vnetbot-check-config-"));
  writeFileSync(join(dir, "good.yaml"), GOOD);
  writeFileSync(join(dir, "bad.yaml"), BAD);
  // Stands in for Slack and ARM: a check that contacted either would be counted here.
  server = createServer((_req, res) => {
    requests += 1;
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function checkConfig(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const childEnv = { PATH: process.env["PATH"] ?? "", SLACK_API_URL: `${base}/api/`, AZURE_ARM_ENDPOINT: base, ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...args], { cwd: dir, env: childEnv }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

describe("npm run check-config", () => {
  it("is the package's check-config script", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };

    expect(pkg.scripts["check-config"]).toBe("node src/check-config.ts");
  });

  it("passes a good file with exit code 0, warning that secrets absent from the pipeline were not checked", async () => {
    const result = await checkConfig(["good.yaml"]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("check-config: good.yaml is valid (1 warning).");
    expect(result.stdout).toContain("warning: SLACK_BOT_TOKEN is not set here, so the Slack secrets were not checked.");
    expect(requests).toBe(0);
  });

  it("warns that a file managing no subscription and naming no alert channel manages nothing and alerts no one", async () => {
    writeFileSync(join(dir, "bare.yaml"), "access: { approvers: [U0AAA] }\n");

    const result = await checkConfig(["bare.yaml"], { SLACK_BOT_TOKEN: "xoxb-1-abc", SLACK_SIGNING_SECRET: "s3cret" });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("warning: bare.yaml: azure.subscriptions is empty, so the bot manages nothing");
    expect(result.stdout).toContain("warning: bare.yaml: slack.alertChannel is not set, so certificate and gateway alerts are off.");
  });

  it("reports a file that is not valid YAML once, inferring nothing from the sections it could not read", async () => {
    writeFileSync(join(dir, "broken.yaml"), 'access: { approvers: [U0AAA] }\nslack: { approvalChannel: "C0APPROVE }\n');

    const result = await checkConfig(["broken.yaml"], { SLACK_BOT_TOKEN: "xoxb-1-abc", SLACK_SIGNING_SECRET: "s3cret" });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("problem: broken.yaml: not valid YAML");
    expect(result.stderr).toContain("check-config: 1 problem");
    expect(result.stderr).not.toContain("approvers is empty");
  });

  it("passes a good file with well-formed secrets for HTTP mode with no warning, contacting neither Slack nor Azure", async () => {
    const result = await checkConfig(["good.yaml"], { SLACK_BOT_TOKEN: "xoxb-1-2-abc", SLACK_SIGNING_SECRET: "0123abcd" });

    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toBe("check-config: good.yaml is valid for HTTP mode (0 warnings).\n");
    expect(requests).toBe(0);
  });

  it("lists every problem of a bad file and its warnings, and exits 1", async () => {
    const result = await checkConfig(["bad.yaml"]);

    expect(result.code).toBe(1);
    expect(result.stderr.split("\n")).toEqual([
      "check-config: 3 problems and 2 warnings; vnetbot would not start.",
      expect.stringMatching(/^ {2}problem: bad\.yaml: schedule\.timezone: invalid value \(got "Europe\/Atlantis"\)\. Hint: use an IANA time zone name/),
      expect.stringMatching(/^ {2}problem: bad\.yaml: schedule\.certificates: "0 9 \*" is not a valid cron expression/),
      '  problem: bad.yaml: access.approvers is empty, so nobody could approve a change and every request would expire. Hint: the file has "access.aprovers", which vnetbot does not read: rename it to access.approvers.',
      '  warning: bad.yaml: unknown key "access.aprovers" is ignored. Did you mean "access.approvers"?',
      expect.stringMatching(/^ {2}warning: SLACK_BOT_TOKEN is not set here/),
      "",
    ]);
  });

  it("checks the shape of the secrets it is given, without printing them", async () => {
    const result = await checkConfig(["good.yaml"], { SLACK_BOT_TOKEN: "xoxp-user-token-value" });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("problem: SLACK_BOT_TOKEN: not a bot token (it should start with xoxb-).");
    expect(result.stderr).toContain("problem: SLACK_SIGNING_SECRET: missing.");
    expect(result.stderr).not.toContain("xoxp-user-token-value");
  });

  it("checks the file VNETBOT_CONFIG names when given no path, and refuses a path with no file", async () => {
    const named = await checkConfig([], { VNETBOT_CONFIG: "good.yaml" });
    const missing = await checkConfig(["missing.yaml"]);

    expect(named.code).toBe(0);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("problem: missing.yaml: no such file, so there is nothing to check. Hint: give the config file's path");
  });
});
