/**
 * The real Bolt app in HTTP mode on a free port, its WebClient pointed at the local Slack Web API stand-in, a real
 * SQLite file, the production Azure adapter against the ARM simulator, and helpers that send correctly signed
 * commands and clicks.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { NOW } from "./demo-estate.ts";
import type { Clock, PostedMessage } from "../../src/core/ports.ts";
import { ACTIONS, type ActionId } from "../../src/core/reply.ts";
import { Secret } from "../../src/core/secret.ts";
import { silentLogger, type Logger } from "../../src/log.ts";
import { createBot, type Bot } from "../../src/bot.ts";
import { startLocalWebApi, type LocalWebApi } from "../../src/stand-ins/slack/web-api.ts";
import type { LocalMessage } from "../../src/stand-ins/slack/workspace.ts";
import { blockActionsPayload, signedInteraction, signedSlashCommand } from "../../src/stand-ins/slack/signing.ts";
import type { EstateSeedInput, RecordedRequest } from "../../src/stand-ins/arm/index.ts";
import { openSqliteStore, type Stores } from "../../src/store/sqlite-store.ts";
import { commands as defaultCommands } from "../../handlers/index.ts";
import type { Command } from "../../src/core/command.ts";
import { startAzureHarness, type AzureHarness } from "./azure-harness.ts";

/** The signing secret of the test app. */
export const SIGNING_SECRET = "test-signing-secret";
const BOT_TOKEN = "xoxb-test-token";

/** The fixed "now" of the Slack tests: the demo estate's relative certificate expiries depend on it. */
export { NOW } from "./demo-estate.ts";

/** People of the test workspace. */
export const PEOPLE = { requester: "U0REQUEST", approver: "U0APPROVE", groupApprover: "U0GROUPAP", bystander: "U0BYSTAND", operator: "U0OPERATE" } as const;
/** Channels of the test workspace. */
export const CHANNELS = { ops: "C0OPS", approvals: "C0APPROVALS", alerts: "C0ALERTS" } as const;

/** Options of a harness. */
export interface SlackHarnessOptions {
  /** The Azure side, shared by the caller (who closes it); default: a fresh demo estate, closed with the harness. */
  azure?: AzureHarness;
  /** Without `azure`: the estate of the Azure side the harness starts (and closes); default: the demo estate. */
  estate?: EstateSeedInput;
  /** The bot's clock (and the default estate's); default: NOW, fixed. */
  clock?: Clock;
  operators?: string[];
  approvalChannel?: string | undefined;
  commands?: readonly Command[];
  /** The command deadline (default: the bot's). */
  deadlineMs?: number;
  /** Turn the scheduled alerts' channel on (for /vnet snooze and the alert buttons). */
  alerts?: boolean;
  /** The address to listen on (config.host, from HOST); default: every interface. */
  host?: string;
  /** The bot's logger; default: silent. */
  logger?: Logger;
  /** The bot's instance, as start-bot.ts registers it (default: a random id, nothing released at start). */
  instance?: { id: string; releasePredecessor: boolean };
  /** How often expired requests and interrupted changes are swept (default: the bot's 30 s). */
  expirySweepMs?: number;
}

/** The ARM requests the simulator saw that could change something: every non-GET (reads are all GETs) except Kudu commands. */
export function writesIn(requests: readonly RecordedRequest[]): string[] {
  return requests.filter((r) => r.method !== "GET" && !r.path.startsWith("/kudu/")).map((r) => `${r.method} ${r.path}`);
}

/**
 * Asks for a change the bot must refuse before any approval: checks that nothing was written to Azure and no approval
 * message posted, and resolves with the answer's text for the reason.
 */
export async function refusedChange(slack: Pick<SlackHarness, "ask" | "azureWrites" | "api">, text: string): Promise<string> {
  const writes = slack.azureWrites().length;
  const approvals = slack.api.workspace.messages(CHANNELS.approvals).length;
  const answer = textOf(await slack.ask(PEOPLE.requester, text));
  expect(slack.azureWrites()).toHaveLength(writes);
  expect(slack.api.workspace.messages(CHANNELS.approvals)).toHaveLength(approvals);
  return answer;
}

/** Everything a message shows, as one string (blocks included), for substring assertions. */
/** The id of the change request an approval message shows. */
export const requestIdOf = (message: LocalMessage) => /request `(req\d+)`/.exec(textOf(message))![1]!;

export function textOf(message: { text: string; blocks: unknown[] } | undefined): string {
  return message ? `${message.text}\n${JSON.stringify(message.blocks)}` : "";
}

/** Starts the stand-in, the store, the Azure side and the bot. */
export async function startSlackHarness(options: SlackHarnessOptions = {}) {
  const clock = options.clock ?? { now: () => NOW };
  const azure = options.azure ?? (await startAzureHarness({ estate: options.estate ?? "demo", now: () => clock.now() }));
  const ownsAzure = options.azure === undefined;
  const api: LocalWebApi = await startLocalWebApi({
    token: BOT_TOKEN,
    usergroups: { S0APPROVERS: [PEOPLE.groupApprover] },
    users: Object.values(PEOPLE).map((id) => ({ id, name: id.toLowerCase() })),
  });
  const dir = mkdtempSync(join(tmpdir(), "vnetbot-slack-"));
  const dbPath = join(dir, "vnetbot.sqlite");
  let ids = 0;
  const config: SlackConfig = {
    mode: "http",
    secrets: { botToken: new Secret(BOT_TOKEN), signingSecret: new Secret(SIGNING_SECRET), appToken: undefined },
    slackApiUrl: api.url,
    port: 0,
    access: { approvers: [PEOPLE.approver, "S0APPROVERS"], operators: options.operators },
    approvals: { expireAfterMinutes: 30 },
    slack: { approvalChannel: "approvalChannel" in options ? options.approvalChannel : CHANNELS.approvals, alertChannel: options.alerts ? CHANNELS.alerts : undefined },
    azure: { subscriptions: azure.subscriptions, cloud: "AzureCloud", kuduUrl: azure.kuduUrl },
    schedule: { certificateWarningMonths: 6, reminderHours: 4 },
    ...(options.host ? { host: options.host } : {}),
  };

  let stores: Stores;
  let bot: Bot;
  // The current bot's address; during a restart the new bot's, as soon as it listens.
  const base = () => `http://127.0.0.1:${bot.port() ?? 0}`;
  const boot = async () => {
    stores = openSqliteStore(dbPath);
    bot = createBot({
      config, logger: options.logger ?? silentLogger, reader: azure.reader, writer: azure.writer, kudu: azure.kudu, clock, stores,
      commands: options.commands ?? defaultCommands, retryConfig: { retries: 0 }, port: 0, newId: () => `req${++ids}`,
      ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}),
      ...(options.instance ? { instance: options.instance } : {}),
      ...(options.expirySweepMs ? { expirySweepMs: options.expirySweepMs } : {}),
    });
    await bot.start();
  };
  await boot();

  const post = (body: string, headers: Record<string, string>) => fetch(`${base()}/slack/events`, { method: "POST", body, headers });
  const harness = {
    api,
    azure,
    sim: azure.sim,
    get bot() { return bot; },
    get base() { return base(); },
    get stores() { return stores; },
    /** The bot's SQLite file, for a test that breaks the database under it. */
    dbPath,
    /** The non-GET requests Azure (the simulator) has seen so far. */
    azureWrites: () => writesIn(azure.sim.requests),
    /** Types /vnet text as the user; resolves with the HTTP answer (the ack) and the response URL used. */
    async command(userId: string, text: string, channelId: string = CHANNELS.ops) {
      const responseUrl = api.responseUrl({ channel: channelId, user: userId });
      const request = signedSlashCommand(SIGNING_SECRET, { text, userId, channelId, responseUrl });
      const response = await post(request.body, request.headers);
      const raw = await response.text();
      return { status: response.status, ack: raw.startsWith("{") ? (JSON.parse(raw) as { text: string; blocks: unknown[]; response_type: string }) : undefined, responseUrl };
    },
    /** Types the command and waits until the bot has answered; resolves with the user's latest ephemeral message. */
    async ask(userId: string, text: string) {
      await harness.command(userId, text);
      await bot.idle();
      return api.workspace.ephemerals(userId).at(-1);
    },
    /** Clicks one of our buttons (Approve or Reject by default) on a message as the user. */
    async click(userId: string, decision: "approve" | "reject" | ActionId, value: string, message: PostedMessage) {
      const actionId = decision === "approve" || decision === "reject" ? ACTIONS[decision] : decision;
      const payload = blockActionsPayload({
        userId, actionId, value, channelId: message.channel, messageTs: message.ts,
        responseUrl: api.responseUrl({ channel: message.channel, user: userId, messageTs: message.ts }),
      });
      const request = signedInteraction(SIGNING_SECRET, payload);
      return (await post(request.body, request.headers)).status;
    },
    /** Asks for a change as the requester; resolves with its approval message once posted. */
    async requestChange(text: string, userId: string = PEOPLE.requester): Promise<LocalMessage> {
      const before = api.workspace.messages(CHANNELS.approvals).length;
      await harness.command(userId, text);
      await bot.idle();
      const message = api.workspace.messages(CHANNELS.approvals)[before];
      if (!message) throw new Error(`no approval message; the requester saw: ${harness.ephemeralTexts(userId).join(" | ")}`);
      return message;
    },
    /** Types the change as the requester, approves it as the approver, and waits until it has run. */
    async requestAndApprove(text: string): Promise<{ plan: string; final: string; thread: string[] }> {
      const message = await harness.requestChange(text);
      const plan = textOf(message);
      await harness.click(PEOPLE.approver, "approve", /request `(req\d+)`/.exec(plan)?.[1] ?? "", message);
      await bot.idle();
      return { plan, final: textOf(harness.current(message)), thread: harness.threadTexts(message) };
    },
    /** The approval message as it is now (it is updated in place). */
    current: (message: PostedMessage) => api.workspace.message(message.channel, message.ts),
    /** The replies in the approval message's thread, as text. */
    threadTexts: (message: PostedMessage) => api.workspace.thread(message.channel, message.ts).map((m) => m.text),
    post,
    /** The user's ephemeral messages, as text. */
    ephemeralTexts: (userId: string) => api.workspace.ephemerals(userId).map((e) => e.text),
    /**
     * A new bot instance on the same SQLite file, as after a process restart. whileStarting runs once the new bot
     * is created and its start() has begun; it gets a probe of /healthz.
     */
    async restart(whileStarting?: (healthz: () => Promise<number>) => Promise<void>) {
      await bot.stop();
      stores.close();
      const booted = boot();
      if (whileStarting) await whileStarting(async () => (await fetch(`${base()}/healthz`)).status);
      await booted;
    },
    async close() {
      await bot.stop();
      stores.close();
      await api.close();
      if (ownsAzure) await azure.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

type SlackConfig = Parameters<typeof createBot>[0]["config"];

/** The harness type. */
export type SlackHarness = Awaited<ReturnType<typeof startSlackHarness>>;
