/**
 * Benchmark: how fast the bot acknowledges /vnet commands while ARM is slow. Prints figures; asserts nothing.
 * Run: `. scripts/node24.sh && node test/bench/ack-latency.ts [--rounds 24] [--concurrency 50] [--arm-ms 1000]`
 * (`--node-args "--cpu-prof"` starts the bot with those Node options, e.g. to profile it; `--env "NAME=VALUE …"` starts
 * the bot and the bare app with that environment).
 *
 * Slack waits 3 s for the ack of a slash command, and the bot acks before it reads Azure; this measures whether
 * the work after the ack (reads, change previews, approval posts) slows the acks of the commands around it. Each
 * round sends 50 signed /vnet commands at once (reads and change requests, as an operator), while every ARM answer
 * takes 1 s (the simulator's fault injection, throttling off so that only the delay matters), and waits for all
 * their answers; rounds alternate between the bot (`npm start`'s command, bot-process.ts) and the floor: a bare Bolt
 * app whose handler only acks (bare-bolt.ts, with the same V8 flags), on the same machine, in the same run. Each server runs in its own
 * process; the figures are HTTP response times as the sender sees them, p50 and p99 over every round.
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signedSlashCommand } from "../../src/stand-ins/slack/signing.ts";
import { startLocalWebApi, type LocalWebApi } from "../../src/stand-ins/slack/web-api.ts";
import { PRODUCTION, SHARED } from "../support/demo-estate.ts";
import { BENCH_SLACK, processOptionsFromArgs, startBareBoltProcess, startBotProcess, startTokenEndpoint, type BotProcess } from "./bot-process.ts";
import type { Burst } from "./burst-child.ts";
import { percentile, printFigures, ratio } from "./report.ts";
import { startSimulatorProcess } from "./simulator-process.ts";

const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
const rounds = option("--rounds", 24);
const concurrency = option("--concurrency", 50);
const armMs = option("--arm-ms", 1000);
const { nodeArgs, env } = processOptionsFromArgs(argv);

// Reads and change requests on the demo estate, in turn.
const COMMANDS = [
  "list",
  "show orders-web",
  "connect orders-worker vnet-hub",
  "plan plan-platform",
  "disconnect orders-web",
  "gateways",
  "route add plan-orders vnet-hub 10.50.0.0/16",
  "expiring",
  "sync plan-orders vnet-hub",
  "routes plan-orders vnet-hub",
];

// The sender runs in its own process (burst-child.ts): this one hosts the Slack stand-in the bot answers through.
const sender = fork(new URL("./burst-child.ts", import.meta.url), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });

/** Sends `concurrency` signed commands at once; resolves with each one's HTTP response time in milliseconds. */
async function burst(server: BotProcess, api: LocalWebApi, round: number): Promise<{ ms: number[]; failed: number }> {
  const requests = Array.from({ length: concurrency }, (_, i) =>
    signedSlashCommand(BENCH_SLACK.signingSecret, {
      text: COMMANDS[(round + i) % COMMANDS.length]!,
      userId: BENCH_SLACK.operator,
      channelId: BENCH_SLACK.channel,
      responseUrl: api.responseUrl({ channel: BENCH_SLACK.channel, user: BENCH_SLACK.operator }),
    }),
  );
  const results = await new Promise<Array<{ ms: number; ok: boolean }>>((resolve) => {
    sender.once("message", resolve);
    sender.send({ url: `http://127.0.0.1:${server.port}/slack/events`, requests } satisfies Burst);
  });
  return { ms: results.map((r) => r.ms), failed: results.filter((r) => !r.ok).length };
}

const sim = await startSimulatorProcess("demo", { throttling: false });
const api = await startLocalWebApi({ token: BENCH_SLACK.botToken, users: [{ id: BENCH_SLACK.operator, name: "operator" }, { id: BENCH_SLACK.approver, name: "approver" }] });
const token = await startTokenEndpoint();
const dir = mkdtempSync(join(tmpdir(), "vnetbot-bench-"));
const servers: BotProcess[] = [];
try {
  await sim.delay(armMs);
  const bot = await startBotProcess({ sim, slackApiUrl: api.url, subscriptions: [PRODUCTION, SHARED], dir, token, nodeArgs, env });
  const bare = await startBareBoltProcess(api.url, [], { env });
  servers.push(bot, bare);
  const answers = () => api.workspace.ephemerals(BENCH_SLACK.operator).length;
  /** One round against the bot: its acks, then every answer at the response URLs, so that rounds do not overlap. */
  const botRound = async (round: number) => {
    const before = answers();
    const result = await burst(bot, api, round);
    await api.workspace.waitFor(() => (answers() >= before + concurrency ? true : undefined), 300_000);
    return result;
  };

  // Warm-up, not measured: connections, the bot's first Azure calls (which load the SDKs), its kept inventory.
  await burst(bare, api, 0);
  await botRound(0);
  const measured = { bot: [] as number[], bare: [] as number[], botFailed: 0, bareFailed: 0 };
  const started = performance.now();
  for (let round = 1; round <= rounds; round++) {
    const floor = await burst(bare, api, round);
    measured.bare.push(...floor.ms);
    measured.bareFailed += floor.failed;
    const ours = await botRound(round);
    measured.bot.push(...ours.ms);
    measured.botFailed += ours.failed;
  }

  const [bot50, bot99, bare50, bare99] = [percentile(measured.bot, 50), percentile(measured.bot, 99), percentile(measured.bare, 50), percentile(measured.bare, 99)];
  printFigures(
    `Ack latency: ${rounds} rounds of ${concurrency} concurrent /vnet commands per server, every ARM answer taking ${armMs} ms`,
    [
      { name: "p50, bot", measured: `${bot50.toFixed(1)} ms`, against: `bare Bolt ${bare50.toFixed(1)} ms (${ratio(bot50, bare50)})` },
      { name: "p99, bot", measured: `${bot99.toFixed(1)} ms`, against: `bare Bolt ${bare99.toFixed(1)} ms (${ratio(bot99, bare99)})`, goal: "≤ 1.2×", meets: bot99 <= 1.2 * bare99 },
      { name: "acks that were not 200", measured: `${measured.botFailed} (bare: ${measured.bareFailed})`, goal: "0", meets: measured.botFailed === 0 },
    ],
    [`${measured.bot.length} acks from each server in ${((performance.now() - started) / 1000).toFixed(0)} s; commands: ${COMMANDS.join(", ")}`],
  );
} finally {
  for (const server of servers) await server.stop();
  sender.kill();
  await sim.close();
  await api.close();
  await token.close();
  rmSync(dir, { recursive: true, force: true });
}
