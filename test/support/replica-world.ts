/**
 * The world of the replica tests: the ARM simulator and the Slack Web API stand-in in this process, a PostgreSQL schema
 * of its own, and bot replicas as real child processes (test/support/replica-main.ts) configured through their
 * environment and a YAML file, as a deployment configures them. Replicas can be stopped, killed and started again.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signedInteraction, signedSlashCommand, blockActionsPayload } from "../../src/stand-ins/slack/signing.ts";
import { startLocalWebApi, type LocalWebApi } from "../../src/stand-ins/slack/web-api.ts";
import type { PostedMessage } from "../../src/core/ports.ts";
import { createTestSchema, type TestSchema } from "../store/postgres-test-schema.ts";
import { startAzureHarness, type AzureHarness } from "./azure-harness.ts";

const ENTRY = join(import.meta.dirname, "replica-main.ts");
const SIGNING_SECRET = "replica-signing-secret";
const BOT_TOKEN = "xoxb-replica-tests";

/** People and channels of the replica tests' workspace. */
export const TEAM = { requester: "U0REQUEST", approver: "U0APPROVE", operator: "U0OPERATE" } as const;
export const ROOMS = { ops: "C0OPS", approvals: "C0APPROVALS", alerts: "C0ALERTS" } as const;

/** How the replicas are scheduled. */
export interface ReplicaWorldOptions {
  /** Cron expressions of the two jobs (default: every second). */
  certificates?: string;
  gateways?: string;
  /** The job lease (default: the bot's 30 s). */
  jobLeaseMs?: number;
  /** The replicas' log level (default warn); their log is kept for a failing test's message. */
  logLevel?: string;
  /** Where the replicas keep their state (default: a PostgreSQL schema of their own; SQLite serves one replica). */
  store?: "postgres" | "sqlite";
}

/** A process' memory, as process.memoryUsage() tells it. */
export interface Memory {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** Resident bytes of each V8 heap space. */
  spaces: Record<string, number>;
}

/** A running replica process. */
export interface Replica {
  name: string;
  process: ChildProcess;
  port: number;
  /** Moves its clock forward. */
  advance(ms: number): Promise<void>;
  /** Stops it as SIGTERM would (in-flight work finishes). */
  stop(): Promise<void>;
  /** SIGKILL: nothing runs after this, nothing is cleaned up. */
  kill(): Promise<void>;
  /** The process' memory after a full garbage collection (when started with --expose-gc). */
  memory(): Promise<Memory>;
  /** Writes a heap snapshot to path. */
  heapSnapshot(path: string): Promise<string>;
  /** Its log so far. */
  log(): string;
}

/** Starts the simulator (demo estate), the Slack stand-in and a fresh PostgreSQL schema. */
export async function startReplicaWorld(options: ReplicaWorldOptions = {}) {
  const azure: AzureHarness = await startAzureHarness({ estate: "demo", now: () => new Date() });
  const slack: LocalWebApi = await startLocalWebApi({ token: BOT_TOKEN, users: Object.values(TEAM).map((id) => ({ id, name: id.toLowerCase() })) });
  const schema: TestSchema | undefined = options.store === "sqlite" ? undefined : await createTestSchema();
  const dir = mkdtempSync(join(tmpdir(), "vnetbot-replicas-"));
  const configPath = join(dir, "vnetbot.yaml");
  writeFileSync(
    configPath,
    [
      `azure: { subscriptions: ${JSON.stringify(azure.subscriptions)}, kuduUrl: ${JSON.stringify(azure.kuduUrl)} }`,
      `slack: { approvalChannel: ${ROOMS.approvals}, alertChannel: ${ROOMS.alerts} }`,
      `access: { approvers: [${TEAM.approver}], operators: [${TEAM.operator}, ${TEAM.requester}] }`,
      `storage: { sqlitePath: ${JSON.stringify(join(dir, "vnetbot.sqlite"))} }`,
      `schedule: { timezone: UTC, certificates: "${options.certificates ?? "* * * * * *"}", gateways: "${options.gateways ?? "* * * * * *"}", reminderHours: 4 }`,
      "",
    ].join("\n"),
  );
  const live = new Set<Replica>();

  async function start(name: string, extraExecArgv: string[] = []): Promise<Replica> {
    let log = "";
    const child = fork(ENTRY, options.jobLeaseMs ? [`--job-lease-ms=${options.jobLeaseMs}`] : [], {
      execArgv: extraExecArgv,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: {
        ...process.env,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.url,
        AZURE_ARM_ENDPOINT: azure.sim.url,
        ...(schema ? { VNETBOT_POSTGRES_URL: schema.url } : {}),
        VNETBOT_CONFIG: configPath,
        VNETBOT_INSTANCE_ID: name,
        PORT: "0",
        LOG_LEVEL: options.logLevel ?? "warn",
      },
    });
    child.stdout?.on("data", (chunk: Buffer) => void (log += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => void (log += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const next = <T>(type: string) =>
      new Promise<T>((resolve, reject) => {
        const onMessage = (message: { type: string }) => {
          if (message.type !== type && message.type !== "failed") return;
          child.off("message", onMessage);
          child.off("exit", onExit);
          if (message.type === "failed") reject(new Error(`${name} could not start: ${(message as unknown as { message: string }).message}\n${log}`));
          else resolve(message as T);
        };
        const onExit = () => reject(new Error(`${name} exited while the test waited for "${type}":\n${log}`));
        child.on("message", onMessage);
        child.once("exit", onExit);
      });
    const { port } = await next<{ port: number }>("ready");
    const replica: Replica = {
      name,
      process: child,
      port,
      async advance(ms) {
        const answered = next("advanced");
        child.send({ type: "advance", ms });
        await answered;
      },
      async stop() {
        child.send({ type: "stop" });
        await exited;
        live.delete(replica);
      },
      async kill() {
        child.kill("SIGKILL");
        await exited;
        live.delete(replica);
      },
      async memory() {
        const answered = next<Memory>("memory");
        child.send({ type: "memory" });
        return answered;
      },
      async heapSnapshot(path) {
        const answered = next<{ path: string }>("heap");
        child.send({ type: "heap", path });
        return (await answered).path;
      },
      log: () => log,
    };
    live.add(replica);
    return replica;
  }

  const post = (replica: Replica, request: { body: string; headers: Record<string, string> }) =>
    fetch(`http://127.0.0.1:${replica.port}/slack/events`, { method: "POST", body: request.body, headers: request.headers });

  const database = () => {
    if (!schema) throw new Error("this world keeps its state in SQLite");
    return schema;
  };

  return {
    azure,
    slack,
    /** The replicas' PostgreSQL schema. */
    get schema() {
      return database();
    },
    start,
    /** Types /vnet text at a replica as the user; resolves with the ack's text. */
    async command(replica: Replica, userId: string, text: string, channelId: string = ROOMS.ops): Promise<string | undefined> {
      return (await this.send(replica, userId, text, channelId)).ack;
    },
    /** Types /vnet text at a replica; resolves with the ack's text and the id of the response URL the answer comes through. */
    async send(replica: Replica, userId: string, text: string, channelId: string = ROOMS.ops): Promise<{ ack: string | undefined; responseUrlId: string }> {
      const responseUrl = slack.responseUrl({ channel: channelId, user: userId });
      const response = await post(replica, signedSlashCommand(SIGNING_SECRET, { text, userId, channelId, responseUrl }));
      const raw = await response.text();
      return { ack: raw.startsWith("{") ? (JSON.parse(raw) as { text: string }).text : undefined, responseUrlId: responseUrl.split("/").pop()! };
    },
    /** Clicks Approve (or another of our buttons) on a message, at a replica. */
    async click(replica: Replica, userId: string, actionId: string, value: string, message: PostedMessage): Promise<number> {
      const payload = blockActionsPayload({
        userId, actionId, value, channelId: message.channel, messageTs: message.ts,
        responseUrl: slack.responseUrl({ channel: message.channel, user: userId, messageTs: message.ts }),
      });
      return (await post(replica, signedInteraction(SIGNING_SECRET, payload))).status;
    },
    /** Waits until the job has finished a run for a tick after the given one; resolves with that tick. */
    async tickAfter(job: string, after: number, timeoutMs = 20_000): Promise<number> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [row] = await database().query<{ tick: string | null; free: boolean }>("SELECT tick, until <= now() AS free FROM leases WHERE name = $1", [`job:${job}`]);
        if (row?.tick && row.free && Number(row.tick) > after) return Number(row.tick);
        if (Date.now() > deadline) throw new Error(`no run of ${job} finished after tick ${new Date(after).toISOString()} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    /** Who holds a job's lease now (its instance name), polled until one does. */
    async runningJob(job: string, timeoutMs = 20_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [row] = await database().query<{ holder: string }>("SELECT holder FROM leases WHERE name = $1 AND until > now()", [`job:${job}`]);
        if (row) return row.holder.split("/")[0]!;
        if (Date.now() > deadline) throw new Error(`nobody ran ${job} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      await Promise.all([...live].map((replica) => replica.kill()));
      await schema?.drop();
      await Promise.all([slack.close(), azure.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The world's type. */
export type ReplicaWorld = Awaited<ReturnType<typeof startReplicaWorld>>;
