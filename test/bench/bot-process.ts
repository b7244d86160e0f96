/**
 * The bot as production runs it, for benchmarks: `npm start`'s command in a process of its own, with the environment
 * the image gives it (MALLOC_ARENA_MAX; `--env` overrides it), configured only through its environment and config
 * file, against the simulator (in its own process) and the Slack stand-in (in the benchmark's). Its Azure credential is the production one, DefaultAzureCredential, which finds an App Service
 * managed identity through IDENTITY_ENDPOINT and IDENTITY_HEADER: the benchmark serves that endpoint.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBundle } from "../../scripts/build.ts";
import { signedSlashCommand } from "../../src/stand-ins/slack/signing.ts";
import type { LocalWebApi } from "../../src/stand-ins/slack/web-api.ts";
import { imageEnvironment } from "../support/dockerfile.ts";
import { startCommandArgs } from "../support/start-command.ts";
import type { SimulatorProcess } from "./simulator-process.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FLOOR_BUNDLE = join(tmpdir(), "vnetbot-bench-bare-bolt");

/**
 * `npm start` bundles before it runs (scripts/build.ts): so does a benchmark, once, for the bot and for its floor
 * alike, so that a source edited since the last build is what gets measured and the floor is loaded like the bot.
 */
let bundled: Promise<void> | undefined;
const bundles = () => (bundled ??= Promise.all([buildBundle(), buildBundle({ entry: "test/bench/bare-bolt.ts", outdir: FLOOR_BUNDLE })]).then(() => undefined));

/** The Slack secrets and people of the benchmarks' workspace. */
export const BENCH_SLACK = { botToken: "xoxb-bench-token", signingSecret: "bench-signing-secret", operator: "U0OPERATE", approver: "U0APPROVE", channel: "C0OPS" } as const;

/** A running bot process. */
export interface BotProcess {
  pid: number;
  port: number;
  /** Milliseconds from spawning the process to the first 200 from /healthz. */
  readyMs: number;
  /** Resident set size now and at its highest so far (VmRSS, VmHWM), in megabytes; undefined off Linux. */
  memory(): ProcessMemory | undefined;
  /** How the process ended ("exit code 1", "signal SIGKILL"), or undefined while it runs. */
  ended(): string | undefined;
  /** What it wrote to stderr so far (its log lines, at LOG_LEVEL). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * A process's memory from /proc, in megabytes. RSS splits into the process's own (anonymous: V8's heap, malloc) and
 * file-backed pages, nearly all of them node's own binary: shared with every node process on the host and dropped by
 * the kernel under pressure, but counted in RSS.
 */
export interface ProcessMemory {
  rssMb: number;
  peakMb: number;
  anonMb: number;
  fileMb: number;
}

/** What the bot process is started with. */
export interface BotProcessOptions {
  sim: SimulatorProcess;
  slackApiUrl: string;
  subscriptions: readonly string[];
  /** Holds the config file and the SQLite database; start twice on the same directory for "the store present". */
  dir: string;
  token: TokenEndpoint;
  /** Node options before the script, e.g. ["--max-semi-space-size=2"] to see what V8's young generation costs. */
  nodeArgs?: readonly string[];
  /** More environment, e.g. MALLOC_ARENA_MAX, to see what the C allocator keeps; an empty value unsets a variable. */
  env?: Readonly<Record<string, string>>;
  /** Every scheduled job yearly (default: only the inventory refresh), so that no alert scan lands in a drill. */
  quietJobs?: boolean;
}

/** Writes the config file and starts the bot as `npm start` does; resolves once /healthz answers 200. */
export async function startBotProcess(options: BotProcessOptions): Promise<BotProcess> {
  const config = join(options.dir, "vnetbot.yaml");
  writeFileSync(
    config,
    [
      `azure: { subscriptions: [${options.subscriptions.map((s) => `"${s}"`).join(", ")}] }`,
      `slack: { approvalChannel: C0APPROVALS }`,
      `access: { approvers: [${BENCH_SLACK.approver}], operators: [${BENCH_SLACK.operator}] }`,
      `storage: { sqlitePath: "${join(options.dir, "vnetbot.sqlite")}" }`,
      // No scheduled scan may land in the middle of a measurement: the refresh is due once a year, on 1 January.
      options.quietJobs ? `schedule: { inventory: "0 0 1 1 *", certificates: "0 0 1 1 *", gateways: "0 0 1 1 *" }` : `schedule: { inventory: "0 0 1 1 *" }`,
      "",
    ].join("\n"),
  );
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env["PATH"],
    HOME: process.env["HOME"],
    VNETBOT_CONFIG: config,
    SLACK_BOT_TOKEN: BENCH_SLACK.botToken,
    SLACK_SIGNING_SECRET: BENCH_SLACK.signingSecret,
    SLACK_API_URL: options.slackApiUrl,
    AZURE_ARM_ENDPOINT: options.sim.url,
    NODE_EXTRA_CA_CERTS: options.sim.caFile,
    IDENTITY_ENDPOINT: options.token.url,
    IDENTITY_HEADER: options.token.header,
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    ...imageEnvironment(),
    ...options.env,
  };
  await bundles();
  return startProcess([...(options.nodeArgs ?? []), ...startCommandArgs()], env, port);
}

/**
 * The benchmarks' floor (bare-bolt.ts): Bolt whose /vnet handler only acks, against the same Slack stand-in. It runs
 * bundled as the bot is, with the V8 flags of `npm start` and the compile cache the bot's launcher turns on (in the
 * same directory), so that a second start of it compares with the bot like for like. With azureSdks, it holds the Azure SDKs' clients too; with
 * startLibraries, the libraries the bot has loaded by the time it is ready.
 */
export async function startBareBoltProcess(
  slackApiUrl: string,
  nodeArgs: readonly string[] = [],
  options: { azureSdks?: boolean; startLibraries?: boolean; env?: Readonly<Record<string, string>> } = {},
): Promise<BotProcess> {
  const port = await freePort();
  const env = {
    PATH: process.env["PATH"], HOME: process.env["HOME"], NODE_COMPILE_CACHE: join(tmpdir(), "node-compile-cache"), BARE_BOLT_AZURE_SDKS: options.azureSdks ? "1" : "0", BARE_BOLT_START_LIBRARIES: options.startLibraries ? "1" : "0",
    PORT: String(port), SLACK_BOT_TOKEN: BENCH_SLACK.botToken, SLACK_SIGNING_SECRET: BENCH_SLACK.signingSecret, SLACK_API_URL: slackApiUrl,
    ...imageEnvironment(),
    ...options.env,
  };
  await bundles();
  return startProcess([...nodeArgs, ...startCommandArgs().filter((arg) => arg.startsWith("-")), join(FLOOR_BUNDLE, "bare-bolt.js")], env, port);
}

async function startProcess(args: string[], env: NodeJS.ProcessEnv, port: number): Promise<BotProcess> {
  const started = performance.now();
  // NAME= unsets NAME: the way to measure without a variable of the image's environment.
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const child = spawn(process.execPath, args, { cwd: ROOT, env: set, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
  const readyMs = await waitForHealthz(child, port, started, () => stderr);
  return {
    pid: child.pid!,
    port,
    readyMs,
    memory: () => memoryOf(child.pid!),
    ended: () => (child.signalCode !== null ? `signal ${child.signalCode}` : child.exitCode !== null ? `exit code ${child.exitCode}` : undefined),
    log: () => stderr,
    stop: () => stop(child),
  };
}

async function waitForHealthz(child: ChildProcess, port: number, started: number, stderr: () => string): Promise<number> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the bot exited (${child.exitCode}) before it was ready:\n${stderr()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      await response.arrayBuffer();
      if (response.status === 200) return performance.now() - started;
    } catch {
      // Not listening yet.
    }
    if (performance.now() - started > 30_000) throw new Error(`the bot was not ready within 30 s:\n${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function memoryOf(pid: number): ProcessMemory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
    return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024, anonMb: kb("RssAnon") / 1024, fileMb: kb("RssFile") / 1024 };
  } catch {
    return undefined;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The App Service managed-identity endpoint the production credential asks for a token. */
export interface TokenEndpoint {
  url: string;
  header: string;
  close(): Promise<void>;
}

/** Serves tokens as App Service does (api-version 2019-08-01): GET with X-IDENTITY-HEADER, JSON with expires_on. */
export async function startTokenEndpoint(): Promise<TokenEndpoint> {
  const header = "bench-identity-header";
  const server: Server = createServer((req, res) => {
    if (req.headers["x-identity-header"] !== header) return void res.writeHead(401).end();
    const resource = new URL(req.url ?? "/", "http://localhost").searchParams.get("resource") ?? "";
    const expiresOn = Math.floor(Date.now() / 1000) + 3600;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ access_token: "bench-managed-identity-token", expires_on: String(expiresOn), resource, token_type: "Bearer", client_id: "00000000-0000-0000-0000-00000000b0b0" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/msi/token`, header, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A /vnet command as Slack sends it: its HTTP answer (the ack) and, later, the answer posted to its response URL. */
export interface SentCommand {
  status: number;
  /** Milliseconds from sending the request to the end of its HTTP answer. */
  ackMs: number;
  /** Milliseconds from sending to the answer's arrival at the response URL (the user's next ephemeral message). */
  answered: Promise<number>;
}

/** Sends a signed /vnet command to a bot listening on port, as the user, with a response URL of the stand-in. */
export async function sendCommand(port: number, api: LocalWebApi, text: string, options: { userId?: string; answerTimeoutMs?: number } = {}): Promise<SentCommand> {
  const userId = options.userId ?? BENCH_SLACK.operator;
  const before = api.workspace.ephemerals(userId).length;
  const request = signedSlashCommand(BENCH_SLACK.signingSecret, { text, userId, channelId: BENCH_SLACK.channel, responseUrl: api.responseUrl({ channel: BENCH_SLACK.channel, user: userId }) });
  const sent = performance.now();
  // Watched from the start, so that an answer arriving before anyone awaits it is timed when it arrives.
  const answered = api.workspace.waitFor(() => (api.workspace.ephemerals(userId).length > before ? true : undefined), options.answerTimeoutMs ?? 120_000).then(() => performance.now() - sent);
  answered.catch(() => undefined);
  const response = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: "POST", body: request.body, headers: request.headers });
  await response.arrayBuffer();
  return { status: response.status, ackMs: performance.now() - sent, answered };
}

/**
 * The benchmarks' `--node-args "…"` (Node options for the bot and its floors) and `--env "NAME=VALUE …"` (environment
 * for both, over the image's: `--env "MALLOC_ARENA_MAX="` measures with glibc's default arenas, one per thread that
 * allocates up to eight per core, instead of the image's two).
 */
export function processOptionsFromArgs(argv: readonly string[]): { nodeArgs: string[]; env: Record<string, string> } {
  const words = (flag: string) => (argv.includes(flag) ? (argv[argv.indexOf(flag) + 1] ?? "").split(" ").filter(Boolean) : []);
  const env = Object.fromEntries(
    words("--env").map((pair) => {
      const at = pair.indexOf("=");
      if (at <= 0) throw new Error(`--env takes NAME=VALUE pairs separated by spaces, not "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  return { nodeArgs: words("--node-args"), env };
}
