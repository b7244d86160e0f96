// GET /metrics of the bot as `npm start` starts it (local mode: the demo estate in the ARM simulator through the real
// SDK, the Slack stand-in, signed requests to the real Bolt app), scraped after a few commands, a change request and
// a gateway scan.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { LOCAL_CHANNELS, LOCAL_PEOPLE } from "../../src/local/local-environment.ts";
import { silentLogger } from "../../src/log.ts";
import { signedSlashCommand } from "../../src/stand-ins/slack/signing.ts";
import { startBot, type RunningBot } from "../../src/start-bot.ts";
import { commands } from "../../handlers/index.ts";
import { certificateJob } from "../../handlers/job-certificates.ts";
import { gatewayJob } from "../../handlers/job-gateways.ts";

const [OPERATOR] = LOCAL_PEOPLE;
const [OPS] = LOCAL_CHANNELS;

let dir: string;
let bot: RunningBot;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "vnetbot-metrics-"));
  const file = `storage:\n  sqlitePath: ${JSON.stringify(join(dir, "vnetbot.sqlite"))}\n`;
  const { config } = loadConfig({ VNETBOT_CONFIG: "vnetbot.yaml", VNETBOT_LOCAL: "1" }, () => file);
  // Cron expressions that do not fire during the test: the scan runs when the test asks.
  bot = await startBot({
    config, logger: silentLogger, clock: { now: () => new Date() }, commands, port: 0,
    jobs: (deps) => [certificateJob(deps, "0 0 1 1 *"), gatewayJob(deps, "0 0 1 1 *")],
  });
});
afterAll(async () => {
  await bot?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Types the command as the operator in #ops and waits for its answer (or its ack, for an instant one). */
async function type(text: string): Promise<void> {
  const slack = bot.local!.slack;
  const before = slack.workspace.ephemerals(OPERATOR.id).length;
  const responseUrl = slack.responseUrl({ channel: OPS.id, user: OPERATOR.id });
  const request = signedSlashCommand(bot.config.secrets.signingSecret!.reveal(), { text, userId: OPERATOR.id, channelId: OPS.id, responseUrl });
  const ack = (await (await fetch(`http://127.0.0.1:${bot.port}/slack/events`, { method: "POST", body: request.body, headers: request.headers })).json()) as { text: string };
  if (ack.text.includes("Working on")) await slack.workspace.waitFor(() => slack.workspace.ephemerals(OPERATOR.id)[before]);
}

/** The value of one series in the exposition, or undefined when it is absent. */
function valueOf(exposition: string, series: string): number | undefined {
  const line = exposition.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("GET /metrics", () => {
  it("counts commands by outcome, acks, ARM requests, approvals, scans and the alerts they sent", async () => {
    await type("list");
    await type("lsit");
    await type("approvals");
    await type("disconnect orders-web");
    expect(await bot.runJob("gateways")).toBe("done");

    const response = await fetch(`http://127.0.0.1:${bot.port}/metrics`);
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    expect(valueOf(text, 'vnetbot_commands_total{command="list",outcome="answered"}')).toBe(1);
    expect(valueOf(text, 'vnetbot_commands_total{command="(unknown)",outcome="refused"}')).toBe(1);
    expect(valueOf(text, 'vnetbot_commands_total{command="approvals",outcome="answered"}')).toBe(1);
    expect(valueOf(text, 'vnetbot_commands_total{command="disconnect",outcome="answered"}')).toBe(1);
    expect(valueOf(text, 'vnetbot_ack_duration_seconds_count{kind="command"}')).toBe(4);
    expect(valueOf(text, 'vnetbot_ack_duration_seconds_bucket{le="3",kind="command"}')).toBe(4);
    expect(valueOf(text, 'vnetbot_arm_requests_total{method="GET",path="/subscriptions/{subscriptionId}/providers/Microsoft.Web/serverfarms",status="200"}')).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^vnetbot_arm_requests_total\{method="GET",path="\/subscriptions\/\{subscriptionId\}\/resourceGroups\/\{resourceGroup\}\/providers\/Microsoft\.Network\/virtualNetworkGateways\/\{name\}",status="200"\} \d+$/m);
    expect(text).not.toMatch(/path="[^"]*(orders-web|rg-apps|6f1c2b7e)/);
    expect(valueOf(text, 'vnetbot_approvals{state="pending"}')).toBe(1);
    expect(valueOf(text, 'vnetbot_approvals{state="running"}')).toBe(0);
    expect(valueOf(text, "vnetbot_approval_oldest_pending_seconds")).toBeGreaterThanOrEqual(0);
    expect(valueOf(text, 'vnetbot_scans_total{job="gateways",result="succeeded"}')).toBe(1);
    expect(valueOf(text, 'vnetbot_scan_duration_seconds_count{job="gateways"}')).toBe(1);
    expect(valueOf(text, 'vnetbot_scan_last_success_timestamp_seconds{job="gateways"}')).toBeGreaterThan(Date.now() / 1000 - 60);
    // The demo estate has a failed gateway and an integration that needs a resync: each opens an alert.
    expect(valueOf(text, 'vnetbot_alerts_sent_total{job="gateways",kind="message"}')).toBe(bot.local!.slack.workspace.messages(LOCAL_CHANNELS[2].id).length);
    expect(valueOf(text, 'vnetbot_alerts_sent_total{job="gateways",kind="message"}')).toBeGreaterThanOrEqual(1);
    expect(text).toContain("vnetbot_process_resident_memory_bytes");
  });
});
