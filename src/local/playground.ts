/**
 * The local-mode browser playground, served by the bot's own HTTP server (customRoutes): the page at GET /, its
 * event stream, and the relay that turns typed commands and clicked buttons into signed Slack requests.
 */
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CustomRoute } from "@slack/bolt";
import { sourceFile } from "../source-files.ts";
import type { Logger } from "../log.ts";
import type { LocalWebApi } from "../stand-ins/slack/web-api.ts";
import { LOCAL_CHANNELS, LOCAL_PEOPLE } from "./local-environment.ts";
import { EMOJI_CSS_PATH, emojiFont } from "./playground-emoji.ts";
import { PlaygroundStreams } from "./playground-events.ts";
import { PlaygroundFeed } from "./playground-feed.ts";
import { createRelay } from "./playground-relay.ts";

/** Shown when the message box holds something other than a /vnet command. */
export const ONLY_VNET = "Only `/vnet` commands reach the bot here. Try `/vnet help`.";

const PAGE = readFileSync(sourceFile("src/local/playground.html"), "utf8");
const SCRIPT = readFileSync(sourceFile("src/local/playground.js"), "utf8");
const MAX_BODY = 16 * 1024;

/** What the playground needs: the Slack stand-in it shows and the signing secret the bot verifies. */
export interface PlaygroundOptions {
  slack: LocalWebApi;
  signingSecret: string;
  logger: Logger;
}

/** The playground's routes for createSlackApp, and close() for its open event streams. */
export function createPlayground(options: PlaygroundOptions): { routes: CustomRoute[]; close(): void } {
  const { slack, logger } = options;
  const feed = new PlaygroundFeed(slack.workspace, LOCAL_CHANNELS.map((c) => c.id));
  const streams = new PlaygroundStreams(slack.workspace, feed);
  const relay = createRelay(slack, options.signingSecret);
  const emoji = emojiFont();
  const workspace = {
    people: LOCAL_PEOPLE.map((p) => ({ id: p.id, name: p.name, realName: p.realName })),
    channels: LOCAL_CHANNELS.map((c) => ({ id: c.id, name: c.name })),
  };

  const route = (method: "GET" | "POST", path: string, handle: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void): CustomRoute => ({
    path,
    method: [method],
    handler: (req, res) => {
      Promise.resolve()
        .then(() => handle(req, res))
        .catch((error: unknown) => {
          if (error instanceof BadRequest) return sendJson(res, 400, { error: error.message });
          logger.error("playground request failed", { path, error: (error as Error).message });
          if (!res.headersSent) sendJson(res, 500, { error: "the playground could not relay this; see the bot's log" });
        });
    },
  });

  const routes: CustomRoute[] = [
    route("GET", "/", (_req, res) => sendText(res, 200, "text/html", PAGE)),
    route("GET", "/playground.js", (_req, res) => sendText(res, 200, "text/javascript", SCRIPT)),
    route("GET", "/playground/workspace", (_req, res) => sendJson(res, 200, workspace)),
    route("GET", EMOJI_CSS_PATH, (_req, res) => sendText(res, 200, "text/css", emoji.css)),
    // One exact route per file: the font's parts are fixed, and nothing else of the package is served.
    ...[...emoji.files].map(([path, read]) => route("GET", path, (_req, res) => sendFont(res, read()))),
    route("GET", "/playground/events", (req, res) => {
      const user = new URL(req.url ?? "/", "http://local").searchParams.get("user") ?? "";
      if (!isPerson(user)) return sendJson(res, 400, { error: "unknown user" });
      streams.open(res, user);
    }),
    route("POST", "/playground/command", async (req, res) => {
      const body = await readJson(req);
      const { user, channel, text } = strings(body, ["user", "channel", "text"]);
      if (!isPerson(user) || !isChannel(channel)) return sendJson(res, 400, { error: "unknown user or channel" });
      const match = /^\/vnet(?:\s+([\s\S]*))?$/.exec(text.trim());
      if (!match) relay.note({ user, channel }, ONLY_VNET);
      else await relay.command(eventsUrl(req), { user, channel, text: (match[1] ?? "").trim() });
      sendJson(res, 200, { ok: true });
    }),
    route("POST", "/playground/click", async (req, res) => {
      const body = await readJson(req);
      const { user, channel, messageTs, actionId, value } = strings(body, ["user", "channel", "messageTs", "actionId", "value"]);
      if (!isPerson(user) || !isChannel(channel)) return sendJson(res, 400, { error: "unknown user or channel" });
      if (!hasButton(slack, { user, channel, messageTs, actionId, value })) return sendJson(res, 404, { error: "no such button" });
      await relay.click(eventsUrl(req), { user, channel, messageTs: messageTs || undefined, actionId, value });
      sendJson(res, 200, { ok: true });
    }),
  ];
  return {
    routes,
    close() {
      streams.close();
      feed.close();
    },
  };
}

const isPerson = (id: string) => LOCAL_PEOPLE.some((p) => p.id === id);
const isChannel = (id: string) => LOCAL_CHANNELS.some((c) => c.id === id);

// The relay posts to the same server the page was served from; the bot listens on every interface.
function eventsUrl(req: IncomingMessage): string {
  return `http://127.0.0.1:${req.socket.localPort}/slack/events`;
}

// A click is relayed only for a button the user can see: on a channel message, or in one of their ephemerals.
function hasButton(slack: LocalWebApi, click: { user: string; channel: string; messageTs: string; actionId: string; value: string }): boolean {
  const blockLists =
    click.messageTs ? [slack.workspace.message(click.channel, click.messageTs)?.blocks ?? []]
    : slack.workspace.ephemerals(click.user).filter((e) => e.channel === click.channel).map((e) => e.blocks);
  return blockLists.some((blocks) =>
    blocks.some((block) => {
      const b = block as { type?: string; elements?: Array<{ type?: string; action_id?: string; value?: string }> };
      return b.type === "actions" && (b.elements ?? []).some((e) => e.type === "button" && e.action_id === click.actionId && e.value === click.value);
    }),
  );
}

class BadRequest extends Error {}

// JSON only: a cross-site form cannot send it without a CORS preflight, which the playground never allows.
async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!(req.headers["content-type"] ?? "").startsWith("application/json")) throw new BadRequest("the playground takes JSON requests only");
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new BadRequest("request body too large");
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  } catch {
    throw new BadRequest("the body is not JSON");
  }
}

function strings<K extends string>(body: unknown, keys: readonly K[]): Record<K, string> {
  const record = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  return Object.fromEntries(keys.map((k) => [k, typeof record[k] === "string" ? record[k] : ""])) as Record<K, string>;
}

function sendText(res: ServerResponse, status: number, type: string, text: string): void {
  res.writeHead(status, {
    "content-type": `${type}; charset=utf-8`,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    // Defence in depth: the page escapes all text; nothing but its own script may run.
    "content-security-policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
  });
  res.end(text);
}

// Fonts never change for a given package version: the browser may keep them.
function sendFont(res: ServerResponse, font: Buffer): void {
  res.writeHead(200, { "content-type": "font/woff2", "cache-control": "max-age=86400", "x-content-type-options": "nosniff" });
  res.end(font);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendText(res, status, "application/json", JSON.stringify(body));
}
