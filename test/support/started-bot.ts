/**
 * The bot as `npm start` starts it (src/start-bot.ts) in HTTP mode, on a free port: its configuration loaded from an
 * environment and a file like a deployment's, Slack's Web API the local stand-in, Azure the ARM simulator through the
 * real SDK. Tests choose the Azure credential, to start it with a broken one.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TokenCredential } from "@azure/identity";
import { loadConfig } from "../../src/config.ts";
import { silentLogger, type Logger } from "../../src/log.ts";
import { signedSlashCommand } from "../../src/stand-ins/slack/signing.ts";
import { startLocalWebApi, type LocalWebApi } from "../../src/stand-ins/slack/web-api.ts";
import { startBot, type RunningBot, type StartBotOptions } from "../../src/start-bot.ts";
import { commands } from "../../handlers/index.ts";
import type { AzureHarness } from "./azure-harness.ts";

const TOKEN = "xoxb-started-bot-token";
const SECRET = "started-bot-signing-secret";

/** Starts the stand-in and the bot; the caller owns the Azure harness. */
export async function startStartedBot(options: { azure: AzureHarness; credential?: TokenCredential; slackApiUrl?: string; logger?: Logger; jobs?: StartBotOptions["jobs"]; alertChannel?: string }) {
  const api: LocalWebApi = await startLocalWebApi({ token: TOKEN });
  const dir = mkdtempSync(join(tmpdir(), "vnetbot-started-"));
  const file = [
    `azure: { subscriptions: ${JSON.stringify(options.azure.subscriptions)} }`,
    `access: { approvers: [U0APPROVE] }`,
    ...(options.alertChannel ? [`slack: { alertChannel: ${options.alertChannel} }`] : []),
    `storage: { sqlitePath: ${JSON.stringify(join(dir, "vnetbot.sqlite"))} }`,
  ].join("\n");
  const env = { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: options.slackApiUrl ?? api.url, AZURE_ARM_ENDPOINT: options.azure.sim.url, HOST: "127.0.0.1", VNETBOT_CONFIG: "bot.yaml" };
  const { config } = loadConfig(env, () => file);
  let bot: RunningBot;
  try {
    bot = await startBot({
      config, logger: options.logger ?? silentLogger, clock: { now: () => new Date() }, commands, jobs: options.jobs ?? (() => []), port: 0, readinessCacheMs: 0,
      credential: options.credential ?? options.azure.clients.credential,
    });
  } catch (error) {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const base = `http://127.0.0.1:${bot.port}`;
  return {
    api,
    bot,
    base,
    /** Types /vnet text as the user; resolves with the ack and, unless the ack was the answer, the answer that followed. */
    async command(userId: string, text: string, channelId = "C0OPS") {
      const before = api.workspace.ephemerals(userId).length;
      const responseUrl = api.responseUrl({ channel: channelId, user: userId });
      const request = signedSlashCommand(SECRET, { text, userId, channelId, responseUrl });
      const response = await fetch(`${base}/slack/events`, { method: "POST", body: request.body, headers: request.headers });
      const ack = (await response.json()) as { text: string };
      const answer = ack.text.includes("Working on") ? await api.workspace.waitFor(() => api.workspace.ephemerals(userId)[before]) : undefined;
      return { ack, answer };
    },
    async close() {
      await bot.stop();
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
