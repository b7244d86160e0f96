/**
 * The Bolt app: HTTP mode (signed requests at POST /slack/events, GET /healthz) or Socket Mode, wired to the
 * dispatcher and the approval flow. Every command and click is acknowledged at once; the work runs after the ack.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App, buildReceiverRoutes, type CustomRoute, type Logger as BoltLogger, LogLevel, SocketModeReceiver, type webApi } from "@slack/bolt";
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import { createAccessPolicy, type AccessPolicy } from "../core/approvals/access-policy.ts";
import { createApprovalService, type ApprovalService } from "../core/approvals/approval-service.ts";
import type { ApprovalStore } from "../core/approvals/approval-store.ts";
import type { AuditLog } from "../core/audit.ts";
import type { Command } from "../core/command.ts";
import type { AlertStateStore, AzureReader, AzureWriter, ChatPort, Clock, KuduRunner } from "../core/ports.ts";
import { problemReply, type Reply } from "../core/reply.ts";
import { createDispatcher, type ClickHandler } from "./dispatcher.ts";
import { STARTING, TRY_SHORTLY } from "./messages.ts";
import { actionIdOf, renderReply } from "./render.ts";
import { createFixOffers, type FixOffers } from "../core/diagnose/fix-offers.ts";
import { createSlackChat } from "./slack-chat.ts";
import { createSlackDirectory } from "./slack-directory.ts";


/** What the Slack app is built from; main.ts passes these. */
export interface SlackAppDeps {
  /** Without host (configurations built in code), HTTP mode listens on every interface. */
  config: Pick<Config, "mode" | "secrets" | "slackApiUrl" | "port" | "access" | "approvals" | "slack" | "azure"> & Partial<Pick<Config, "host">>;
  logger: Logger;
  reader: AzureReader;
  writer: AzureWriter;
  /** Runs commands on app workers (diagnose, tcpping, resolve); optional. */
  kudu?: KuduRunner;
  /** The alert state, so that /vnet snooze can silence an alert; absent when alerts are off. */
  alerts?: { store: AlertStateStore; timezone?: string };
  clock: Clock;
  /** The state store (alerts) also keeps the diagnoses' Fix offers; without it, diagnoses offer no Fix buttons. */
  stores: { approvals: ApprovalStore; audit: AuditLog; alerts?: AlertStateStore };
  commands: readonly Command[];
  /** Handlers of further buttons by action id (the scheduled alerts' Renew and Snooze). */
  actions?: Readonly<Record<string, ClickHandler>>;
  /** Extra routes on the same port (the local playground); /healthz is always there. Socket Mode matches paths exactly (no :params). */
  customRoutes?: CustomRoute[];
  /** Web API retries (default: 3 with backoff); tests pass { retries: 0 }. */
  retryConfig?: webApi.RetryOptions;
  /** How often pending requests are checked for expiry (default 30 s). */
  expirySweepMs?: number;
  newId?: () => string;
  /** Overrides config.port, e.g. 0 for any free port. */
  port?: number;
  /** Socket Mode: how long to wait for a pong; it also spaces reconnect attempts (default 5 s). */
  socketPingTimeoutMs?: number;
  /** Command deadline (default 120 s). */
  deadlineMs?: number;
}

/** The running bot's handle. */
export interface SlackBot {
  /**
   * Initialises the client (auth.test), listens, then marks changes a previous process left unfinished as
   * interrupted; only then is it ready (/healthz 200; until then 503 and commands are asked to wait). Resolves with
   * the port.
   */
  start(): Promise<number>;
  /** The HTTP port once listening (undefined before, and in Socket Mode without custom routes). */
  port(): number | undefined;
  /** Stops listening and waits for work in flight. */
  stop(): Promise<void>;
  /** Resolves when every reply and change in flight has finished. */
  idle(): Promise<void>;
  isReady(): boolean;
  approvals: ApprovalService;
  access: AccessPolicy;
  /** Posts outside a command's reply (scheduled alerts) through the same Web API client. */
  chat: ChatPort<Reply>;
  /** The diagnoses' Fix offers, for the Fix button's handler; undefined without a state store. */
  offers: FixOffers | undefined;
}

/** Builds the bot; nothing touches the network until start(). */
export function createSlackApp(deps: SlackAppDeps): SlackBot {
  const { config, logger } = deps;
  const botToken = config.secrets.botToken?.reveal();
  if (!botToken) throw new Error("createSlackApp needs a bot token (config.secrets.botToken); local mode passes the local stand-in's.");
  let ready = false;
  const healthz: CustomRoute = {
    path: "/healthz",
    method: ["GET"],
    handler: (_req, res) => {
      res.writeHead(ready ? 200 : 503, { "content-type": "text/plain; charset=utf-8" });
      res.end(ready ? "ok" : "starting");
    },
  };
  // Browsers ask every server they visit for an icon; unanswered, each ask is an info line from Bolt's receiver.
  const noFavicon: CustomRoute = { path: "/favicon.ico", method: ["GET"], handler: (_req, res) => void res.writeHead(204).end() };
  const socketMode = config.mode === "socket";
  const port = deps.port ?? config.port;
  const routes = [healthz, noFavicon, ...(deps.customRoutes ?? [])];
  const boltLog = boltLogger(logger);
  const receiver = socketMode ? createSocketModeReceiver(deps, boltLog) : undefined;
  // Bolt's Socket Mode receiver would serve the routes from a server it neither awaits nor watches (a busy port was an
  // uncaught exception) and whose port it never tells; in Socket Mode we serve them ourselves.
  const routeServer = socketMode ? createRouteServer(routes) : undefined;
  const app = new App({
    token: botToken,
    ...(receiver ? { socketMode: true, receiver } : { signingSecret: config.secrets.signingSecret?.reveal() ?? "", port, customRoutes: routes }),
    processBeforeResponse: false,
    deferInitialization: true,
    logger: boltLog,
    logLevel: LogLevel.INFO,
    clientOptions: {
      ...(config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {}),
      retryConfig: deps.retryConfig ?? { retries: 3, factor: 2, minTimeout: 500 },
    },
  });

  const chat = createSlackChat(app.client);
  const offers = deps.stores.alerts ? createFixOffers({ store: deps.stores.alerts, clock: deps.clock }) : undefined;
  const access = createAccessPolicy({ approvers: config.access.approvers, operators: config.access.operators }, createSlackDirectory(app.client, deps.clock));
  const approvals = createApprovalService({
    store: deps.stores.approvals,
    audit: deps.stores.audit,
    access,
    chat,
    change: { reader: deps.reader, writer: deps.writer, clock: deps.clock },
    clock: deps.clock,
    logger,
    expireAfterMinutes: config.approvals.expireAfterMinutes,
    approvalChannel: config.slack.approvalChannel,
    ...(deps.newId ? { newId: deps.newId } : {}),
  });
  const dispatcher = createDispatcher({
    commands: deps.commands,
    reader: deps.reader,
    subscriptions: config.azure.subscriptions,
    clock: deps.clock,
    access,
    approvals,
    approvalStore: deps.stores.approvals,
    audit: deps.stores.audit,
    logger,
    ...(deps.deadlineMs ? { deadlineMs: deps.deadlineMs } : {}),
    ...(deps.kudu ? { kudu: deps.kudu } : {}),
    track: (work) => track(work),
    ...(offers ? { offers } : {}),
    ...(deps.alerts ? { alerts: { ...deps.alerts, chat } } : {}),
    ...(deps.actions ? { actions: deps.actions } : {}),
  });

  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const tracked = work.catch((error: unknown) => logger.error("work after the ack failed", { error: (error as Error).message })).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  const idle = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };
  const ephemeral = (reply: Reply) => ({ response_type: reply.visibility ?? ("ephemeral" as const), replace_original: false, ...renderReply(reply) });

  // Commands and clicks wait until start-up has settled the previous process' unfinished changes, so that what
  // /healthz calls ready is what users get.
  app.command("/vnet", async ({ command, ack, respond }) => {
    if (!ready) return void (await ack({ ...renderReply(problemReply(STARTING, TRY_SHORTLY)), response_type: "ephemeral" }));
    const prepared = await dispatcher.prepare({ userId: command.user_id, channelId: command.channel_id, text: command.text });
    await ack({ ...renderReply(prepared.ack), response_type: "ephemeral" });
    if (prepared.work) track(prepared.work().then((reply) => respond(ephemeral(reply))));
  });

  app.action(/^vnet:/, async ({ action, body, ack, respond }) => {
    await ack();
    if (!ready) return void (await respond(ephemeral(problemReply(STARTING, TRY_SHORTLY))));
    const value = action.type === "button" ? action.value ?? "" : "";
    track(
      (async () => {
        const channelId = "channel" in body && body.channel ? body.channel.id : "";
        const decision = await dispatcher.click({ userId: body.user.id, channelId, actionId: "action_id" in action ? actionIdOf(action.action_id) : "", value });
        await respond(ephemeral(decision.reply));
        if (decision.execution) await decision.execution;
      })(),
    );
  });

  let sweeper: NodeJS.Timeout | undefined;
  let listeningPort: number | undefined;
  let connected = false;
  return {
    approvals,
    access,
    chat,
    offers,
    isReady: () => ready,
    port: () => listeningPort,
    idle,
    async start() {
      await app.init();
      if (routeServer) await listen(routeServer, port, config.host, logger);
      // Local mode serves a playground that can act as any user: never beyond this machine.
      const started = await app.start({ port, host: config.mode === "local" ? "127.0.0.1" : config.host }).catch(async (error: unknown) => {
        if (routeServer?.listening) await new Promise((resolve) => routeServer.close(resolve));
        throw error;
      });
      connected = socketMode;
      const address = (routeServer ?? (started as Server)).address();
      listeningPort = address ? (address as AddressInfo).port : port;
      // Listening before recovery lets /healthz answer "starting" (503) meanwhile; commands are held off until ready.
      await approvals.recoverInterrupted();
      await approvals.expireDue();
      sweeper = setInterval(() => track(approvals.expireDue()), deps.expirySweepMs ?? 30_000);
      sweeper.unref();
      ready = true;
      logger.info("vnetbot is ready", { mode: config.mode, port: listeningPort });
      return listeningPort;
    },
    async stop() {
      ready = false;
      if (sweeper) clearInterval(sweeper);
      // Bolt's stop() does not wait for the socket to close; wait for it, so that nothing is left open.
      const disconnected = receiver && connected ? new Promise((resolve) => receiver.client.once("disconnected", resolve)) : undefined;
      await app.stop();
      await disconnected;
      connected = false;
      await idle();
      if (routeServer?.listening) await new Promise((resolve) => routeServer.close(resolve));
    },
  };
}

// The Socket Mode connection asks for its URL with the app-level token through its own client options: without
// deps.retryConfig it keeps the SDK's patient default, since giving up on a reconnect ends the process.
function createSocketModeReceiver(deps: SlackAppDeps, logger: BoltLogger): SocketModeReceiver {
  const appToken = deps.config.secrets.appToken?.reveal();
  if (!appToken) throw new Error("Socket Mode needs an app-level token (config.secrets.appToken, SLACK_APP_TOKEN).");
  const clientOptions = { ...(deps.config.slackApiUrl ? { slackApiUrl: deps.config.slackApiUrl } : {}), ...(deps.retryConfig ? { retryConfig: deps.retryConfig } : {}) };
  return new SocketModeReceiver({
    appToken, logger, logLevel: LogLevel.INFO, installerOptions: { clientOptions },
    ...(deps.socketPingTimeoutMs ? { clientPingTimeout: deps.socketPingTimeoutMs } : {}),
  });
}

// Serves the custom routes (/healthz) on their own port in Socket Mode, exact paths only; anything else is a 404.
function createRouteServer(routes: CustomRoute[]): Server {
  const table = buildReceiverRoutes(routes);
  return createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const handler = table[path]?.[(req.method ?? "GET").toUpperCase()];
    if (!handler) return void res.writeHead(404).end();
    handler(req, res);
  });
}

// Listens where HTTP mode would (HOST); a port that cannot be used fails start() with the reason.
async function listen(server: Server, port: number, host: string | undefined, logger: Logger): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ port, host }, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    throw new Error(`cannot serve /healthz on port ${port} (${(error as Error).message}). Hint: set PORT to a free port, and HOST to an address of this machine.`, { cause: error });
  }
  server.on("error", (error) => logger.error("the /healthz server failed", { error: error.message }));
}

// Bolt's logger interface over ours; our logger masks anything that looks like a secret.
function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const text = (parts: unknown[]) => parts.map((p) => (p instanceof Error ? p.message : typeof p === "string" ? p : JSON.stringify(p))).join(" ");
  return {
    debug: (...m: unknown[]) => logger.debug(`bolt: ${text(m)}`),
    info: (...m: unknown[]) => logger.info(`bolt: ${text(m)}`),
    warn: (...m: unknown[]) => logger.warn(`bolt: ${text(m)}`),
    error: (...m: unknown[]) => logger.error(`bolt: ${text(m)}`),
    setLevel: (l: LogLevel) => void (level = l),
    getLevel: () => level,
    setName: () => {},
  };
}
