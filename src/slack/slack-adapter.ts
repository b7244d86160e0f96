/**
 * The Slack adapter: the Bolt app in HTTP mode (signed requests at POST /slack/events; GET /healthz, /readyz and
 * /metrics) or Socket Mode, the chat port and the directory over its Web API client. Commands and clicks are acknowledged at once and handed
 * to the dispatcher; the work runs after the ack. It builds no services: the composition root (src/bot.ts) does.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App, buildReceiverRoutes, type CustomRoute, type Logger as BoltLogger, LogLevel, SocketModeReceiver, type webApi } from "@slack/bolt";
import type { Config } from "../config.ts";
import { errorFields, type Logger } from "../log.ts";
import type { Metrics } from "../metrics.ts";
import { readinessText, type ReadinessReport } from "../readiness.ts";
import type { Directory } from "../core/access.ts";
import type { ChatPort, Clock } from "../core/ports.ts";
import { problemReply, textReply, type Reply } from "../core/reply.ts";
import type { Dispatcher } from "./dispatcher.ts";
import { SHARED_IN_CHANNEL, SLACK_UNUSABLE, STARTING, TRY_SHORTLY } from "./messages.ts";
import { actionIdOf, renderReply } from "./render.ts";
import { createSlackChat } from "./slack-chat.ts";
import { createSlackDirectory } from "./slack-directory.ts";

/** What the adapter is built from. */
export interface SlackAdapterOptions {
  /** Without host (configurations built in code), HTTP mode listens on every interface. */
  config: Pick<Config, "mode" | "secrets" | "slackApiUrl" | "port"> & Partial<Pick<Config, "host">>;
  logger: Logger;
  clock: Clock;
  /** Extra routes on the same port (the local playground); /healthz is always there. Socket Mode matches paths exactly (no :params). */
  customRoutes?: CustomRoute[];
  /** Web API retries (default: 3 with backoff); tests pass { retries: 0 }. */
  retryConfig?: webApi.RetryOptions;
  /** Overrides config.port, e.g. 0 for any free port. */
  port?: number;
  /** Socket Mode: how long to wait for a pong; it also spaces reconnect attempts (default 5 s). */
  socketPingTimeoutMs?: number;
  /** Told of every command and click received (start-bot's memory relief follows the quiet after them). */
  onActivity?: () => void;
  /** What GET /readyz reports once started (the composition root checks the store, Slack and Azure). */
  readiness?: () => Promise<ReadinessReport>;
  /** Counts acks and serves GET /metrics. */
  metrics?: Pick<Metrics, "acked" | "scrape">;
}

/** The running adapter's handle. */
export interface SlackAdapter {
  /** Posts outside a command's reply (approval requests, scheduled alerts) through the Web API. */
  chat: ChatPort<Reply>;
  /** Expands user groups for the access policy. */
  directory: Directory;
  /** Hands commands and clicks to the dispatcher; called once, before start. */
  serve(dispatcher: Dispatcher): void;
  /** Keeps work that runs after an ack in view, so that stop() and idle() wait for it. */
  track(work: Promise<unknown>): void;
  /**
   * Initialises the client (auth.test), listens, then runs whileStarting (the composition root settles what a
   * previous process left unfinished); only then is it ready: /healthz 200, and commands are taken (until then
   * 503, and commands are asked to wait). Resolves with the port.
   */
  start(whileStarting: () => Promise<void>): Promise<number>;
  /** The HTTP port once listening (undefined before, and in Socket Mode without custom routes). */
  port(): number | undefined;
  /** Stops listening and waits for work in flight. */
  stop(): Promise<void>;
  /** Resolves when Slack answers auth.test for the bot token; rejects naming SLACK_API_URL and the reason. */
  checkSlack(): Promise<void>;
  /** Resolves when every reply and change in flight has finished. */
  idle(): Promise<void>;
  isReady(): boolean;
}

/** Builds the adapter; nothing touches the network until start(). */
export function createSlackAdapter(options: SlackAdapterOptions): SlackAdapter {
  const { config, logger } = options;
  const botToken = config.secrets.botToken?.reveal();
  if (!botToken) throw new Error("The Slack adapter needs a bot token (config.secrets.botToken); local mode passes the local stand-in's.");
  let ready = false;
  const healthz: CustomRoute = {
    path: "/healthz",
    method: ["GET"],
    handler: (_req, res) => {
      res.writeHead(ready ? 200 : 503, { "content-type": "text/plain; charset=utf-8" });
      res.end(ready ? "ok" : "starting");
    },
  };
  // Liveness stays /healthz (a restart would not help a missing credential); readiness names what is not usable.
  const readyz: CustomRoute = {
    path: "/readyz",
    method: ["GET"],
    handler: (req, res) => {
      const json = (req.headers.accept ?? "").includes("application/json");
      const answer = (status: number, report: ReadinessReport | undefined, text: string) => {
        res.writeHead(status, { "content-type": `${json ? "application/json" : "text/plain"}; charset=utf-8`, "cache-control": "no-store" });
        res.end(json ? JSON.stringify(report ?? { ready: false, checks: [{ name: "bot", ok: false, problem: text.trim() }] }) : text);
      };
      if (!ready) return answer(503, undefined, "not ready\nbot: starting\n");
      if (!options.readiness) return answer(200, { ready: true, checks: [], checkedAt: new Date() }, "ready\n");
      options.readiness().then(
        (report) => answer(report.ready ? 200 : 503, report, readinessText(report)),
        (error: unknown) => answer(503, undefined, `not ready\nbot: ${(error as Error).message}\n`),
      );
    },
  };
  const metricsRoute: CustomRoute = {
    path: "/metrics",
    method: ["GET"],
    handler: (_req, res) => {
      if (!options.metrics) return void res.writeHead(404).end();
      options.metrics.scrape().then(
        ({ contentType, body }) => res.writeHead(200, { "content-type": contentType }).end(body),
        (error: unknown) => {
          logger.error("a metrics scrape failed", { error: (error as Error).message });
          res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("the metrics could not be collected; see the bot's log\n");
        },
      );
    },
  };
  // Browsers ask every server they visit for an icon; unanswered, each ask is an info line from Bolt's receiver.
  const noFavicon: CustomRoute = { path: "/favicon.ico", method: ["GET"], handler: (_req, res) => void res.writeHead(204).end() };
  const socketMode = config.mode === "socket";
  const port = options.port ?? config.port;
  const routes = [healthz, readyz, metricsRoute, noFavicon, ...(options.customRoutes ?? [])];
  const boltLog = boltLogger(logger);
  const receiver = socketMode ? createSocketModeReceiver(options, boltLog) : undefined;
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
      retryConfig: options.retryConfig ?? { retries: 3, factor: 2, minTimeout: 500 },
    },
  });

  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const tracked = work.catch((error: unknown) => logger.error("work after the ack failed", errorFields(error))).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  const idle = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };
  const ephemeral = (reply: Reply) => ({ response_type: reply.visibility ?? ("ephemeral" as const), replace_original: false, ...renderReply(reply) });
  // A command's answer takes the place of its "Working on …" placeholder, as Slack lets a response URL replace its
  // ephemeral original; a shared answer goes to the channel, and the placeholder says so.
  const answer = async (respond: (message: object) => Promise<unknown>, reply: Reply) => {
    if (reply.visibility !== "in_channel") return void (await respond({ response_type: "ephemeral", replace_original: true, ...renderReply(reply) }));
    await respond({ response_type: "in_channel", replace_original: false, ...renderReply(reply) });
    await respond({ response_type: "ephemeral", replace_original: true, ...renderReply(textReply(SHARED_IN_CHANNEL)) });
  };
  const slackApiUrl = config.slackApiUrl ?? "https://slack.com/api/";
  const checkSlack = async () => {
    try {
      await app.client.auth.test();
    } catch (error) {
      throw new Error(SLACK_UNUSABLE(slackApiUrl, reasonOf(error)), { cause: error });
    }
  };

  let served = false;
  function serve(dispatcher: Dispatcher): void {
    if (served) throw new Error("The Slack adapter already serves a dispatcher.");
    served = true;
    // Commands and clicks wait until start-up has settled the previous process' unfinished changes, so that what
    // /healthz calls ready is what users get.
    // Stamped before any listener runs, for the ack latency.
    app.use(async ({ context, next }) => {
      context["receivedAt"] = performance.now();
      await next();
    });
    const acked = (kind: "command" | "click", receivedAt: unknown) => {
      if (typeof receivedAt === "number") options.metrics?.acked(kind, (performance.now() - receivedAt) / 1000);
    };

    app.command("/vnet", async ({ command, ack, respond, context }) => {
      options.onActivity?.();
      if (!ready) return void (await ack({ ...renderReply(problemReply(STARTING, TRY_SHORTLY)), response_type: "ephemeral" }));
      const prepared = await dispatcher.prepare({ userId: command.user_id, channelId: command.channel_id, text: command.text });
      // An instant command shared with --share answers in the channel in the ack itself, as Slack allows.
      await ack({ ...renderReply(prepared.ack), response_type: prepared.ack.visibility === "in_channel" ? "in_channel" : "ephemeral" });
      acked("command", context["receivedAt"]);
      if (prepared.work) track(prepared.work().then((reply) => answer(respond, reply)));
    });

    app.action(/^vnet:/, async ({ action, body, ack, respond, context }) => {
      options.onActivity?.();
      await ack();
      acked("click", context["receivedAt"]);
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
  }

  let listeningPort: number | undefined;
  let connected = false;
  return {
    chat: createSlackChat(app.client),
    directory: createSlackDirectory(app.client, options.clock),
    serve,
    track,
    isReady: () => ready,
    port: () => listeningPort,
    idle,
    checkSlack,
    async start(whileStarting) {
      if (!served) throw new Error("Serve a dispatcher before starting the Slack adapter.");
      // init() asks auth.test who the token belongs to: the first thing to fail when Slack cannot be reached.
      await app.init().catch((error: unknown) => {
        throw new Error(`cannot start: ${SLACK_UNUSABLE(slackApiUrl, reasonOf(error))}`, { cause: error });
      });
      if (routeServer) await listen(routeServer, port, config.host, logger);
      // Local mode serves a playground that can act as any user: never beyond this machine.
      const started = await app.start({ port, host: config.mode === "local" ? "127.0.0.1" : config.host }).catch(async (error: unknown) => {
        if (routeServer?.listening) await new Promise((resolve) => routeServer.close(resolve));
        throw error;
      });
      connected = socketMode;
      const address = (routeServer ?? (started as Server)).address();
      listeningPort = address ? (address as AddressInfo).port : port;
      // Listening first lets /healthz answer "starting" (503) meanwhile; commands are held off until ready.
      await whileStarting();
      ready = true;
      logger.info("vnetbot is ready", { mode: config.mode, port: listeningPort });
      return listeningPort;
    },
    async stop() {
      ready = false;
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
function createSocketModeReceiver(deps: SlackAdapterOptions, logger: BoltLogger): SocketModeReceiver {
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

// Why a Web API call failed, in a few words: Slack's error code, or the network's (ECONNREFUSED, ENOTFOUND).
function reasonOf(error: unknown): string {
  const e = error as { data?: { error?: unknown }; original?: { code?: unknown; message?: unknown; cause?: { code?: unknown } }; message?: unknown };
  if (typeof e.data?.error === "string") return e.data.error;
  // fetch's "fetch failed" hides the reason in its cause.
  if (typeof e.original?.cause?.code === "string") return e.original.cause.code;
  if (typeof e.original?.code === "string") return e.original.code;
  if (typeof e.original?.message === "string") return e.original.message;
  return typeof e.message === "string" ? e.message : String(error);
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
