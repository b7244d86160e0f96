import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../handlers/index.ts";
import { ACTIONS } from "../../src/core/reply.ts";
import { Secret } from "../../src/core/secret.ts";
import { silentLogger } from "../../src/log.ts";
import { createBot, type Bot } from "../../src/bot.ts";
import { startLocalWebApi, type LocalWebApi } from "../../src/stand-ins/slack/web-api.ts";
import { blockActionsPayload } from "../../src/stand-ins/slack/signing.ts";
import { openSqliteStore, type Stores } from "../../src/store/sqlite-store.ts";
import { startAzureHarness, type AzureHarness } from "../support/azure-harness.ts";
import { expectGolden } from "../support/slack-golden.ts";
import { CHANNELS, NOW, PEOPLE, textOf, writesIn } from "../support/slack-harness.ts";
import { startSocketModeServer, type SocketModeServer } from "../support/socket-mode-server.ts";

const BOT_TOKEN = "xoxb-socket-test";
const APP_TOKEN = "xapp-1-A0LOCAL-1-socket-test";
const ROUTE_PUT = "PUT /subscriptions/6f1c2b7e-0d4a-4c1e-9a55-3c2d1e0f9a01/resourceGroups/rg-apps/providers/Microsoft.Web/serverfarms/plan-orders/virtualNetworkConnections/vnet-hub/routes/route-10-20-0-0-16";

// One bot in Socket Mode for the file: only the change test writes, and it checks Azure before and after.
let azure: AzureHarness;
let api: LocalWebApi;
let dir: string;
let slack: SocketModeServer;
let bot: Bot;
let healthPort: number;
const opened: Array<{ slack: SocketModeServer; bot: Bot; stores: Stores }> = [];
beforeAll(async () => {
  azure = await startAzureHarness({ estate: "demo", now: () => NOW });
  api = await startLocalWebApi({ token: BOT_TOKEN, users: Object.values(PEOPLE).map((id) => ({ id, name: id.toLowerCase() })) });
  dir = mkdtempSync(join(tmpdir(), "vnetbot-socket-"));
  healthPort = await freePort();
  ({ slack, bot } = await createSocketBot(healthPort));
  await bot.start();
});
afterAll(async () => {
  for (const each of opened) {
    await each.bot.stop();
    await each.slack.close();
    each.stores.close();
  }
  await api.close();
  await azure.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A bot in Socket Mode behind its own Socket Mode stand-in, not yet started; closed after the file. A short ping
 * timeout makes it reconnect sooner (it waits one timeout first), but a busy machine can then miss a pong.
 */
async function createSocketBot(port: number, socketPingTimeoutMs?: number) {
  const slack = await startSocketModeServer({ appToken: APP_TOKEN, webApiUrl: api.url });
  const stores = openSqliteStore(join(dir, `vnetbot-${opened.length}.sqlite`));
  let ids = 0;
  const bot = createBot({
    config: {
      mode: "socket",
      secrets: { botToken: new Secret(BOT_TOKEN), signingSecret: undefined, appToken: new Secret(APP_TOKEN) },
      slackApiUrl: slack.url,
      port,
      access: { approvers: [PEOPLE.approver], operators: undefined },
      approvals: { expireAfterMinutes: 30 },
      slack: { approvalChannel: CHANNELS.approvals, alertChannel: undefined },
      azure: { subscriptions: azure.subscriptions, cloud: "AzureCloud", kuduUrl: azure.kuduUrl },
      schedule: { certificateWarningMonths: 6, reminderHours: 4 },
    },
    logger: silentLogger, reader: azure.reader, writer: azure.writer, kudu: azure.kudu, clock: { now: () => NOW }, stores,
    commands, retryConfig: { retries: 0 }, newId: () => `req${++ids}`, socketPingTimeoutMs,
  });
  opened.push({ slack, bot, stores });
  return { slack, bot };
}

/** Types /vnet text as the user, as Slack delivers it over the socket (the docs' slash_commands envelope). */
function command(userId: string, text: string) {
  return slack.send("slash_commands", slashCommand(userId, text));
}

/** The payload of a slash_commands envelope, field for field as in Slack's docs example. */
function slashCommand(userId: string, text: string) {
  return {
    token: "local", team_id: "T0LOCAL", team_domain: "local", channel_id: CHANNELS.ops, channel_name: "ops",
    user_id: userId, user_name: userId.toLowerCase(), command: "/vnet", text, api_app_id: "A0LOCAL",
    response_url: api.responseUrl({ channel: CHANNELS.ops, user: userId }), trigger_id: "37053613634.26768298162.local",
  };
}

describe("Socket Mode", () => {
  it("connects with the app-level token and answers help in the ack of the envelope", async () => {
    const ack = await command(PEOPLE.approver, "help");

    expect(slack.opened()).toBe(1);
    expect(ack.payload?.["response_type"]).toBe("ephemeral");
    expectGolden("help", ack.payload?.["blocks"]);
  });

  it("acknowledges /vnet list at once, then lists the demo's integrations through the response URL", async () => {
    const ack = await command(PEOPLE.bystander, "list");
    await bot.idle();

    expect(ack.payload?.["text"]).toBe(":hourglass_flowing_sand: Working on `/vnet list`…");
    const answer = textOf(api.workspace.ephemerals(PEOPLE.bystander).at(-1));
    expect(answer).toContain("10 gateway-required integrations in 6 plans (6 plans scanned). 1 app uses regional integration");
    expect(answer).toContain("*plan-orders* → *vnet-hub*");
    expect(writesIn(azure.sim.requests)).toEqual([]);
  });

  it("posts a change for approval, and an approver's click over the socket runs it once and marks the message done", async () => {
    await command(PEOPLE.requester, "route add plan-orders vnet-hub 10.20.0.0/16");
    await bot.idle();
    const message = api.workspace.messages(CHANNELS.approvals)[0];
    if (!message) throw new Error(`no approval message; the requester saw: ${api.workspace.ephemerals(PEOPLE.requester).map((m) => m.text).join(" | ")}`);
    expect(writesIn(azure.sim.requests)).toEqual([]);

    const ack = await slack.send("interactive", blockActionsPayload({
      userId: PEOPLE.approver, actionId: ACTIONS.approve, value: "req1", channelId: message.channel, messageTs: message.ts,
      responseUrl: api.responseUrl({ channel: message.channel, user: PEOPLE.approver, messageTs: message.ts }),
    }));
    await bot.idle();

    expect(ack.payload ?? {}).toEqual({});
    expect(writesIn(azure.sim.requests)).toEqual([ROUTE_PUT]);
    expect(api.workspace.ephemerals(PEOPLE.approver).at(-1)?.text).toMatch(/^You approved/);
    expectGolden("approval-done", api.workspace.message(message.channel, message.ts)?.blocks);
  });

  it("answers /healthz with 200 on the configured port", async () => {
    const response = await fetch(`http://127.0.0.1:${healthPort}/healthz`);

    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok");
    expect(bot.port()).toBe(healthPort);
  });
});

describe("Socket Mode start and stop", () => {
  it("tells the port it listens on when asked for any free one", async () => {
    const { bot } = await createSocketBot(0);

    const port = await bot.start();

    expect(port).toBeGreaterThan(0);
    expect(bot.port()).toBe(port);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it("fails to start, naming the port, when the health port is taken, and connects no socket", async () => {
    const { slack, bot } = await createSocketBot(healthPort);

    await expect(bot.start()).rejects.toThrow(`cannot serve /healthz on port ${healthPort} (listen EADDRINUSE`);
    expect(slack.opened()).toBe(0);
  });

  it("comes back on a new connection when Slack asks it to reconnect, and keeps answering", async () => {
    const { slack, bot } = await createSocketBot(0, 1000);
    await bot.start();

    await slack.disconnect("refresh_requested");
    const ack = await slack.send("slash_commands", slashCommand(PEOPLE.bystander, "help"));

    expect(slack.opened()).toBe(2);
    expect(JSON.stringify(ack.payload?.["blocks"])).toContain("/vnet route add PLAN VNET CIDR|START-END");
  });

  it("has closed the socket and the health port when stop() resolves", async () => {
    const { slack, bot } = await createSocketBot(0);
    const port = await bot.start();
    const closed = slack.disconnected();

    await bot.stop();

    await closed;
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    expect(bot.isReady()).toBe(false);
  });
});

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
