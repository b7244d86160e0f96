/**
 * Benchmark: the bot's memory and start, and /vnet list from the kept inventory, on the large estate. Prints
 * figures; asserts nothing. Run: `. scripts/node24.sh && node test/bench/memory-and-start.ts [--plans 1000] [--subscriptions 10] [--starts 5]`
 * (`--node-args "--max-semi-space-size=16"` starts the bot and its floors with those Node options, to see what V8's
 * settings cost; `--env "NAME=VALUE"` with that environment over the image's, `--env "MALLOC_ARENA_MAX="` without its
 * allocator setting).
 *
 * The bot is `node src/main.ts` in its own process, as production runs it (bot-process.ts); its memory is read from
 * /proc (VmRSS now, VmHWM the highest since it started). The simulator (ARM's throttling on) runs in another process.
 * - start to ready: spawning the process to the first 200 from /healthz, with the store already present (a first
 *   start creates it), the median of several starts;
 * - RSS idle once ready, against the floor: a bare Bolt app (bare-bolt.ts, same V8 flags, compile cache warm) idle in
 *   the same run, and the same app holding the libraries the bot has loaded by then (config, scheduler, metrics,
 *   SQLite, ICU, the sign-in check's Azure client); the peak while `/vnet list --fresh` scans the whole estate (and keeps it); idle after, against
 *   the same bare app holding clients of the three Azure SDKs (what any bot that has read Azure carries). Each RSS
 *   splits into the process's own memory (anonymous) and node's binary (file-backed, shared by every node process);
 * - `/vnet list` from the kept inventory: sending the signed command to its answer at the response URL, and the ARM
 *   requests it made.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { startLocalWebApi } from "../../src/stand-ins/slack/web-api.ts";
import { imageEnvironment } from "../support/dockerfile.ts";
import { startCommandArgs } from "../support/start-command.ts";
import { BENCH_SLACK, processOptionsFromArgs, sendCommand, startBareBoltProcess, startBotProcess, startTokenEndpoint, type BotProcess, type ProcessMemory } from "./bot-process.ts";
import { describeEstate, estateOptionsFromArgs, generateEstate, subscriptionId } from "./estate-generator.ts";
import { percentile, printFigures, type Figure } from "./report.ts";
import { startSimulatorProcess } from "./simulator-process.ts";

const argv = process.argv.slice(2);
const options = estateOptionsFromArgs(argv);
const starts = Number(argv[argv.indexOf("--starts") + 1] ?? 5) || 5;
const { nodeArgs, env } = processOptionsFromArgs(argv);
const subscriptions = Array.from({ length: options.subscriptions }, (_, i) => subscriptionId(i));
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (value: number | undefined) => (value === undefined ? "n/a" : `${value.toFixed(0)} MB`);
const split = (memory: ProcessMemory | undefined) => (memory ? `own ${mb(memory.anonMb)} + node binary ${mb(memory.fileMb)}` : "");

const sim = await startSimulatorProcess(options);
const api = await startLocalWebApi({ token: BENCH_SLACK.botToken, users: [{ id: BENCH_SLACK.operator, name: "operator" }, { id: BENCH_SLACK.approver, name: "approver" }] });
const token = await startTokenEndpoint();
const dir = mkdtempSync(join(tmpdir(), "vnetbot-bench-"));
let bot: BotProcess | undefined;
try {
  const start = () => startBotProcess({ sim, slackApiUrl: api.url, subscriptions, dir, token, nodeArgs, env });
  // The first start creates and migrates the store; the ones measured find it present.
  await (await start()).stop();
  const readyMs: number[] = [];
  for (let i = 0; i < starts; i++) {
    if (bot) await bot.stop();
    bot = await start();
    readyMs.push(bot.readyMs);
  }
  bot = bot!;
  await settle(3_000);
  const idle = bot.memory();

  // The floors: Bolt alone, and Bolt holding the Azure SDKs' clients (what the bot carries once it has read Azure),
  // idle as long; the first start of each fills the compile cache, as the bot's first start did.
  const bareReadyMs: number[] = [];
  const floorOf = async (kind: { azureSdks?: boolean; startLibraries?: boolean }) => {
    await (await startBareBoltProcess(api.url, nodeArgs, { ...kind, env })).stop();
    const bare = await startBareBoltProcess(api.url, nodeArgs, { ...kind, env });
    if (!kind.azureSdks && !kind.startLibraries) bareReadyMs.push(bare.readyMs);
    await settle(3_000);
    const memory = bare.memory();
    await bare.stop();
    return memory;
  };
  const floor = await floorOf({});
  const floorWithLibraries = await floorOf({ startLibraries: true });
  const floorWithSdks = await floorOf({ azureSdks: true });

  const scan = await sendCommand(bot.port, api, "list --fresh", { answerTimeoutMs: 15 * 60_000 });
  const scanMs = await scan.answered;
  const peak = bot.memory();
  await settle(3_000);
  const idleAfter = bot.memory();

  const kept: number[] = [];
  const before = (await sim.stats()).requests;
  for (let i = 0; i < 5; i++) kept.push(await (await sendCommand(bot.port, api, "list")).answered);
  const keptRequests = (await sim.stats()).requests - before;
  const answer = api.workspace.ephemerals(BENCH_SLACK.operator).at(-1);

  const medianReady = percentile(readyMs, 50);
  const figures: Figure[] = [
    { name: "start to ready (median)", measured: `${medianReady.toFixed(0)} ms`, against: `${starts} starts, ${Math.min(...readyMs).toFixed(0)}-${Math.max(...readyMs).toFixed(0)} ms`, goal: "≤ 1000 ms", meets: medianReady <= 1000 },
    // What this machine takes to start any Bolt app, for a sense of its speed: the goal itself is absolute.
    { name: "  floor: bare Bolt app, start to ready", measured: bareReadyMs[0] === undefined ? "n/a" : `${bareReadyMs[0].toFixed(0)} ms`, against: bareReadyMs[0] === undefined ? "" : `bot ${(medianReady / bareReadyMs[0]).toFixed(2)}× this` },
    { name: "RSS idle, once ready", measured: mb(idle?.rssMb), against: split(idle), goal: "≤ 80 MB", ...(idle ? { meets: idle.rssMb <= 80 } : {}) },
    { name: "  floor: bare Bolt app, idle", measured: mb(floor?.rssMb), against: `${split(floor)}; bot ${idle && floor ? (idle.rssMb / floor.rssMb).toFixed(2) : "n/a"}× this` },
    { name: "  floor: + the libraries at start", measured: mb(floorWithLibraries?.rssMb), against: `${split(floorWithLibraries)}; bot ${idle && floorWithLibraries ? (idle.rssMb / floorWithLibraries.rssMb).toFixed(2) : "n/a"}× this` },
    { name: "RSS peak, scan of the estate", measured: mb(peak?.peakMb), against: `scan answered in ${(scanMs / 1000).toFixed(1)} s`, goal: "≤ 150 MB", ...(peak ? { meets: peak.peakMb <= 150 } : {}) },
    { name: "RSS idle, after the scan", measured: mb(idleAfter?.rssMb), against: split(idleAfter) },
    { name: "  floor: bare Bolt + Azure SDKs", measured: mb(floorWithSdks?.rssMb), against: `${split(floorWithSdks)}; bot's peak ${peak && floorWithSdks ? (peak.peakMb / floorWithSdks.rssMb).toFixed(2) : "n/a"}× this` },
    { name: "/vnet list, kept (median)", measured: `${percentile(kept, 50).toFixed(0)} ms`, against: `max ${Math.max(...kept).toFixed(0)} ms, ${keptRequests} ARM requests`, goal: "< 2000 ms, 0 requests", meets: Math.max(...kept) < 2000 && keptRequests === 0 },
  ];
  const command = [...Object.entries({ ...imageEnvironment(), ...env }).filter(([, value]) => value !== "").map(([name, value]) => `${name}=${value}`), "node", ...nodeArgs, ...startCommandArgs().map((arg) => (arg.startsWith("-") ? arg : relative(process.cwd(), arg)))].join(" ");
  printFigures(`Memory and start of ${command} on ${options.plans} plans, ${options.apps} apps in ${options.subscriptions} subscription(s)`, figures, [
    `estate: ${describeEstate(generateEstate(options))}`,
    `kept answer: ${answer?.text ?? "none"}`,
  ]);
} finally {
  await bot?.stop();
  await sim.close();
  await api.close();
  await token.close();
  rmSync(dir, { recursive: true, force: true });
}
