/**
 * Local mode: what stands in for Azure and Slack when the bot starts with no credentials. The ARM simulator runs
 * in-process on the demo estate and a local stand-in of the Slack Web API takes the bot's posts; the bot itself is
 * built exactly as in production and receives signed requests.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { getCACertificates, setDefaultCACertificates } from "node:tls";
import type { Config } from "../config.ts";
import { Secret } from "../core/secret.ts";
import { startLocalWebApi, type LocalWebApi } from "../stand-ins/slack/web-api.ts";
import { loadEstate, startSimulator, type RunningSimulator } from "../stand-ins/arm/index.ts";

/** The people of the local workspace: one operator who asks, two approvers who decide. */
export const LOCAL_PEOPLE = [
  { id: "U0LOCALOPS", name: "olivia", realName: "Olivia (operator)" },
  { id: "U0LOCALAP1", name: "ana", realName: "Ana (approver)" },
  { id: "U0LOCALAP2", name: "ben", realName: "Ben (approver)" },
] as const;

/** The channels of the local workspace. */
export const LOCAL_CHANNELS = [
  { id: "C0LOCALOPS", name: "ops" },
  { id: "C0LOCALAPR", name: "approvals" },
  { id: "C0LOCALALR", name: "alerts" },
] as const;

/** Local mode's own database, under the directory it is started in, and the process that holds it. */
const LOCAL_DATABASE = join("data", "local", "vnetbot.sqlite");
const LOCAL_PID = join("data", "local", "vnetbot.pid");

/** A running local environment and the configuration that points the bot at it. */
export interface LocalEnvironment {
  config: Config;
  sim: RunningSimulator;
  slack: LocalWebApi;
  /** The simulator only checks that a bearer token is sent. */
  credential: { getToken(): Promise<{ token: string; expiresOnTimestamp: number }> };
  close(): Promise<void>;
}

/** Starts the simulator and the Slack stand-in and derives the bot's configuration from the user's. */
export async function startLocalEnvironment(config: Config): Promise<LocalEnvironment> {
  // Each start is a fresh demo: the simulated Azure starts from the demo estate and the Slack stand-in empty, so a
  // database kept from the last start would hold an inventory, approvals and migrations of an Azure and a workspace
  // that are gone (approvals whose buttons no one can see, apps "mid-migration" that are back on their gateway).
  const fresh = !config.configFileFound;
  if (fresh) {
    claimLocalDirectory();
    for (const file of [LOCAL_DATABASE, `${LOCAL_DATABASE}-wal`, `${LOCAL_DATABASE}-shm`]) rmSync(file, { force: true });
  }
  const estate = loadEstate("demo");
  const sim = await startSimulator({ estate });
  // The simulator's CA is made at start, after NODE_EXTRA_CA_CERTS was read: add it to this process's trust store
  // (certificate checks stay on; only this CA is added).
  setDefaultCACertificates([...getCACertificates("default"), sim.caPem]);
  const botToken = `xoxb-local-${randomBytes(8).toString("hex")}`;
  const slack = await startLocalWebApi({
    token: botToken,
    users: LOCAL_PEOPLE.map((p) => ({ id: p.id, name: p.name })),
    channels: LOCAL_CHANNELS.map((c) => ({ id: c.id, name: c.name })),
  });
  const [, approvals, alerts] = LOCAL_CHANNELS;
  const [operator, ...approvers] = LOCAL_PEOPLE;
  const localConfig: Config = {
    ...config,
    azure: {
      ...config.azure,
      subscriptions: estate.subscriptions.map((s) => s.id),
      kuduUrl: `${sim.url}/kudu/{app}`,
    },
    slack: { approvalChannel: approvals.id, alertChannel: alerts.id },
    access: { approvers: approvers.map((p) => p.id), operators: [operator.id] },
    // A config file reaches local mode only with VNETBOT_LOCAL=1, so its storage path is a deliberate choice.
    storage: { sqlitePath: config.configFileFound ? config.storage.sqlitePath : LOCAL_DATABASE },
    schedule: {
      ...config.schedule,
      certificates: config.schedule.certificates ?? "0 */10 * * * *",
      gateways: config.schedule.gateways ?? "30 * * * * *",
    },
    secrets: { botToken: new Secret(botToken), signingSecret: new Secret(randomBytes(16).toString("hex")), appToken: undefined },
    slackApiUrl: slack.url,
    armEndpoint: sim.url,
  };
  return {
    config: localConfig,
    sim,
    slack,
    credential: { getToken: async () => ({ token: "local-mode", expiresOnTimestamp: Date.now() + 3_600_000 }) },
    async close() {
      await slack.close();
      await sim.close();
      if (fresh && readPid()?.pid === process.pid) rmSync(LOCAL_PID, { force: true });
    },
  };
}

/**
 * Refuses to start over a local vnetbot still running in this directory, whose database a fresh start would delete
 * from under it; then records this process as the one holding it.
 */
function claimLocalDirectory(): void {
  const other = readPid();
  if (other && other.pid !== process.pid && isRunning(other)) {
    throw new Error(`another vnetbot in local mode (process ${other.pid}) is running in this directory, and a start here would delete its database (${LOCAL_DATABASE}). Stop it first, or start this one in another directory; if no vnetbot runs there, delete ${LOCAL_PID}.`);
  }
  mkdirSync(dirname(LOCAL_PID), { recursive: true });
  const started = startTicks(process.pid);
  // The pid alone on the first line, as older versions read it; when it started on the second.
  writeFileSync(LOCAL_PID, `${process.pid}\n${started ?? ""}\n`);
}

/** The pid file: the holder's pid and, where the system tells it, when that process started. */
function readPid(): { pid: number; started: string | undefined } | undefined {
  try {
    const [pid = "", started] = readFileSync(LOCAL_PID, "utf8").split("\n").map((line) => line.trim());
    const number = Number(pid);
    return Number.isInteger(number) && number > 0 ? { pid: number, started: started || undefined } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the process that wrote the pid file still runs. A pid is reused once its process is gone (a container's
 * restart hands out the same few), so where both start times are known a process that started at another time is
 * someone else, and the file is stale.
 */
function isRunning(holder: { pid: number; started: string | undefined }): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: it runs, as another user.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const now = startTicks(holder.pid);
  return holder.started === undefined || now === undefined || now === holder.started;
}

/** When a process started, in clock ticks since boot (Linux's /proc/<pid>/stat, field 22); undefined elsewhere. */
export function startTicks(pid: number): string | undefined {
  try {
    // The command name (field 2) is in parentheses and may hold spaces: the fields after it are counted from its end.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}
