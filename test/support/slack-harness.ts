/**
 * The real Bolt app in HTTP mode on a free port, its WebClient pointed at the local Slack Web API stand-in, a real
 * SQLite file, and helpers that send correctly signed commands and clicks.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config } from "../../src/config.ts";
import type { AzureReader, AzureWriter, Clock, PostedMessage } from "../../src/core/ports.ts";
import { ACTIONS } from "../../src/core/reply.ts";
import { Secret } from "../../src/core/secret.ts";
import { silentLogger } from "../../src/log.ts";
import { createSlackApp, type SlackBot } from "../../src/slack/app.ts";
import { startLocalWebApi, type LocalWebApi } from "../../src/slack/local-web-api.ts";
import { blockActionsPayload, signedInteraction, signedSlashCommand } from "../../src/slack/signing.ts";
import { openSqliteStore, type Stores } from "../../src/store/sqlite-store.ts";
import { commands as defaultCommands } from "../../handlers/index.ts";
import type { Command } from "../../src/core/command.ts";

/** The signing secret of the test app. */
export const SIGNING_SECRET = "test-signing-secret";
const BOT_TOKEN = "xoxb-test-token";

/** People of the test workspace. */
export const PEOPLE = { requester: "U0REQUEST", approver: "U0APPROVE", groupApprover: "U0GROUPAP", bystander: "U0BYSTAND", operator: "U0OPERATE" } as const;
/** Channels of the test workspace. */
export const CHANNELS = { ops: "C0OPS", approvals: "C0APPROVALS" } as const;

/** Options of a harness. */
export interface SlackHarnessOptions {
  azure?: { reader: AzureReader; writer: AzureWriter; subscriptions: string[] };
  clock?: Clock;
  operators?: string[];
  approvalChannel?: string | undefined;
  commands?: readonly Command[];
}

/** An AzureReader/Writer that refuses every call and counts them: for tests that must not reach Azure. */
export function unreachableAzure(): { reader: AzureReader; writer: AzureWriter; subscriptions: string[]; calls: string[] } {
  const calls: string[] = [];
  const refuse = (name: string) => () => {
    calls.push(name);
    return Promise.reject(new Error(`Azure was called (${name}) in a test that must not reach it`));
  };
  const handler: ProxyHandler<object> = { get: (_t, name) => refuse(String(name)) };
  return { reader: new Proxy({}, handler) as AzureReader, writer: new Proxy({}, handler) as AzureWriter, subscriptions: ["00000000-0000-0000-0000-000000000001"], calls };
}

/** Starts the stand-in, the store and the bot. */
export async function startSlackHarness(options: SlackHarnessOptions = {}) {
  const api: LocalWebApi = await startLocalWebApi({
    token: BOT_TOKEN,
    usergroups: { S0APPROVERS: [PEOPLE.groupApprover] },
    users: Object.values(PEOPLE).map((id) => ({ id, name: id.toLowerCase() })),
  });
  const dir = mkdtempSync(join(tmpdir(), "vnetbot-slack-"));
  const dbPath = join(dir, "vnetbot.sqlite");
  const azure = options.azure ?? unreachableAzure();
  const clock = options.clock ?? { now: () => new Date() };
  let ids = 0;
  const config: SlackConfig = {
    mode: "http",
    secrets: { botToken: new Secret(BOT_TOKEN), signingSecret: new Secret(SIGNING_SECRET), appToken: undefined },
    slackApiUrl: api.url,
    port: 0,
    access: { approvers: [PEOPLE.approver, "S0APPROVERS"], operators: options.operators },
    approvals: { expireAfterMinutes: 30 },
    slack: { approvalChannel: "approvalChannel" in options ? options.approvalChannel : CHANNELS.approvals, alertChannel: undefined },
    azure: { subscriptions: azure.subscriptions, cloud: "AzureCloud", kuduUrl: undefined },
  };

  let stores: Stores;
  let bot: SlackBot;
  let base: string;
  const boot = async () => {
    stores = openSqliteStore(dbPath);
    bot = createSlackApp({
      config, logger: silentLogger, reader: azure.reader, writer: azure.writer, clock, stores,
      commands: options.commands ?? defaultCommands, retryConfig: { retries: 0 }, port: 0, newId: () => `req${++ids}`,
    });
    base = `http://127.0.0.1:${await bot.start()}`;
  };
  await boot();

  const post = (body: string, headers: Record<string, string>) => fetch(`${base}/slack/events`, { method: "POST", body, headers });
  return {
    api,
    get bot() { return bot; },
    get base() { return base; },
    get stores() { return stores; },
    /** Types /vnet text as the user; resolves with the HTTP answer (the ack) and the response URL used. */
    async command(userId: string, text: string, channelId: string = CHANNELS.ops) {
      const responseUrl = api.responseUrl({ channel: channelId, user: userId });
      const request = signedSlashCommand(SIGNING_SECRET, { text, userId, channelId, responseUrl });
      const response = await post(request.body, request.headers);
      const raw = await response.text();
      return { status: response.status, ack: raw.startsWith("{") ? (JSON.parse(raw) as { text: string; blocks: unknown[]; response_type: string }) : undefined, responseUrl };
    },
    /** Clicks Approve or Reject on the approval message as the user. */
    async click(userId: string, decision: "approve" | "reject", requestId: string, message: PostedMessage) {
      const payload = blockActionsPayload({
        userId, actionId: ACTIONS[decision], value: requestId, channelId: message.channel, messageTs: message.ts,
        responseUrl: api.responseUrl({ channel: message.channel, user: userId, messageTs: message.ts }),
      });
      const request = signedInteraction(SIGNING_SECRET, payload);
      return (await post(request.body, request.headers)).status;
    },
    post,
    /** The user's ephemeral messages, as text. */
    ephemeralTexts: (userId: string) => api.workspace.ephemerals(userId).map((e) => e.text),
    /** A new bot instance on the same SQLite file, as after a process restart. */
    async restart() {
      await bot.stop();
      stores.close();
      await boot();
    },
    async close() {
      await bot.stop();
      stores.close();
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type SlackConfig = Parameters<typeof createSlackApp>[0]["config"];

/** The harness type. */
export type SlackHarness = Awaited<ReturnType<typeof startSlackHarness>>;
