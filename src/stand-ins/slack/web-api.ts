/**
 * A local stand-in of the Slack Web API and of response URLs, answering in Slack's shapes: form-encoded requests
 * with `blocks` as a JSON string, the Bearer token checked, Block Kit limits enforced as Slack does. Local mode and
 * the tests point Bolt's WebClient at it (clientOptions.slackApiUrl).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { LocalWorkspace } from "./workspace.ts";
import { SLACK_LIMITS as LIMITS } from "./slack-limits.ts";

/** A user of the local workspace. */
export interface LocalUser {
  id: string;
  name: string;
  tz?: string;
  isBot?: boolean;
}

/** What the stand-in knows about its workspace. */
export interface LocalWebApiOptions {
  token: string;
  botUserId?: string;
  botId?: string;
  teamId?: string;
  users?: LocalUser[];
  /** User group id → member ids. */
  usergroups?: Record<string, string[]>;
  /** Known channels; posting elsewhere fails with channel_not_found. Empty: any C…/G…/D… id is accepted. */
  channels?: Array<{ id: string; name: string; isPrivate?: boolean }>;
  host?: string;
  port?: number;
}

/** One Web API call as received (arguments with blocks parsed back from JSON). */
export interface LocalCall {
  method: string;
  args: Record<string, unknown>;
  ok: boolean;
  error: string | undefined;
}

/** Where a response URL answers: the channel and user it belongs to, and the message of a clicked button. */
export interface ResponseTarget {
  channel: string;
  user: string;
  messageTs?: string;
}

export interface LocalWebApi {
  /** The Web API base, for clientOptions.slackApiUrl, e.g. http://127.0.0.1:4100/api/ */
  url: string;
  workspace: LocalWorkspace;
  calls: LocalCall[];
  /** A fresh response URL answering for that channel and user. */
  responseUrl(target: ResponseTarget): string;
  /**
   * Holds every call of a Web API method until release(): reached resolves when the first one arrives. Tests use
   * it to look at the bot while it waits on Slack (e.g. /healthz during start-up).
   */
  hold(method: string): { reached: Promise<void>; release(): void };
  /** Answers every call of a Web API method with { ok: false, error } until restore() (a failing Slack). */
  fail(method: string, error: string): { restore(): void };
  close(): Promise<void>;
}

type Answer = Record<string, unknown>;
const MAX_RESPONSE_USES = 5;

/** Starts the stand-in on a free port (or options.port). */
export async function startLocalWebApi(options: LocalWebApiOptions): Promise<LocalWebApi> {
  const workspace = new LocalWorkspace();
  const calls: LocalCall[] = [];
  const responseTargets = new Map<string, ResponseTarget & { uses: number }>();
  const botUserId = options.botUserId ?? "U0VNETBOT";
  const teamId = options.teamId ?? "T0LOCAL";
  let nextResponseId = 0;
  const holds = new Map<string, { arrived(): void; released: Promise<void> }>();
  const failures = new Map<string, string>();

  const knownChannel = (id: unknown) =>
    typeof id === "string" && (options.channels?.length ? options.channels.some((c) => c.id === id) : /^[CGD][A-Z0-9]+$/.test(id));

  const methods: Record<string, (args: Record<string, unknown>) => Answer> = {
    "auth.test": () => ({ ok: true, url: "https://local.slack.invalid/", team: "local", user: "vnetbot", team_id: teamId, user_id: botUserId, bot_id: options.botId ?? "B0VNETBOT" }),
    "chat.postMessage": (args) => {
      if (!knownChannel(args["channel"])) return { ok: false, error: "channel_not_found" };
      const content = contentOf(args);
      if ("error" in content) return { ok: false, error: content.error };
      const threadTs = typeof args["thread_ts"] === "string" ? args["thread_ts"] : undefined;
      if (threadTs && !workspace.message(String(args["channel"]), threadTs)) return { ok: false, error: "thread_not_found" };
      const message = workspace.post({ channel: String(args["channel"]), threadTs, user: botUserId, ...content });
      return { ok: true, channel: message.channel, ts: message.ts, message: { type: "message", user: botUserId, text: message.text, ts: message.ts, blocks: message.blocks } };
    },
    "chat.update": (args) => {
      const content = contentOf(args);
      if ("error" in content) return { ok: false, error: content.error };
      const message = workspace.update(String(args["channel"]), String(args["ts"]), content);
      return message ? { ok: true, channel: message.channel, ts: message.ts, text: message.text } : { ok: false, error: "message_not_found" };
    },
    "chat.postEphemeral": (args) => {
      if (!knownChannel(args["channel"])) return { ok: false, error: "channel_not_found" };
      const content = contentOf(args);
      if ("error" in content) return { ok: false, error: content.error };
      workspace.postEphemeral({ channel: String(args["channel"]), user: String(args["user"]), ...content, responseUrlId: undefined });
      return { ok: true, message_ts: workspace.nextTs() };
    },
    "usergroups.users.list": (args) => {
      const users = options.usergroups?.[String(args["usergroup"])];
      return users ? { ok: true, users } : { ok: false, error: "no_such_subteam" };
    },
    "users.info": (args) => {
      const user = options.users?.find((u) => u.id === args["user"]);
      if (!user) return { ok: false, error: "user_not_found" };
      return { ok: true, user: { id: user.id, team_id: teamId, name: user.name, real_name: user.name, tz: user.tz ?? "UTC", is_bot: user.isBot ?? false, deleted: false } };
    },
    "conversations.info": (args) => {
      const channel = options.channels?.find((c) => c.id === args["channel"]);
      if (!channel) return knownChannel(args["channel"]) ? { ok: true, channel: { id: args["channel"], name: String(args["channel"]).toLowerCase(), is_channel: true, is_private: false, is_member: true } } : { ok: false, error: "channel_not_found" };
      return { ok: true, channel: { id: channel.id, name: channel.name, is_channel: true, is_private: channel.isPrivate ?? false, is_member: true } };
    },
  };

  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const url = new URL(req.url ?? "/", "http://local");
      const hold = holds.get(url.pathname.slice(5));
      if (req.method === "POST" && url.pathname.startsWith("/api/") && hold) {
        hold.arrived();
        return void hold.released.then(() => answerApi(url.pathname.slice(5), req, body, res));
      }
      if (req.method === "POST" && url.pathname.startsWith("/api/")) return answerApi(url.pathname.slice(5), req, body, res);
      if (req.method === "POST" && url.pathname.startsWith("/response/")) return answerResponseUrl(url.pathname.slice(10), body, res);
      send(res, 404, { ok: false, error: "not_found" });
    });
  });

  function answerApi(method: string, req: IncomingMessage, body: string, res: ServerResponse): void {
    const args: Record<string, unknown> = Object.fromEntries(new URLSearchParams(body));
    for (const key of ["blocks", "attachments"]) {
      if (typeof args[key] === "string") {
        try {
          args[key] = JSON.parse(args[key]);
        } catch {
          args[key] = "invalid";
        }
      }
    }
    const auth = req.headers.authorization;
    const answer: Answer =
      auth === undefined ? { ok: false, error: "not_authed" }
      : auth !== `Bearer ${options.token}` ? { ok: false, error: "invalid_auth" }
      : failures.has(method) ? { ok: false, error: failures.get(method) }
      : (methods[method]?.(args) ?? { ok: false, error: "unknown_method" });
    calls.push({ method, args, ok: answer["ok"] === true, error: typeof answer["error"] === "string" ? answer["error"] : undefined });
    send(res, 200, answer);
  }

  function answerResponseUrl(id: string, body: string, res: ServerResponse): void {
    const target = responseTargets.get(id);
    if (!target || target.uses >= MAX_RESPONSE_USES) return send(res, 404, { ok: false, error: "expired_url" });
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return send(res, 400, { ok: false, error: "invalid_payload" });
    }
    const content = contentOf(payload);
    if ("error" in content) return send(res, 400, { ok: false, error: content.error });
    target.uses += 1;
    calls.push({ method: "response_url", args: payload, ok: true, error: undefined });
    if (payload["delete_original"] === true && target.messageTs) workspace.remove(target.channel, target.messageTs);
    else if (payload["replace_original"] === true && target.messageTs) workspace.update(target.channel, target.messageTs, content);
    else if (payload["response_type"] === "in_channel") workspace.post({ channel: target.channel, threadTs: undefined, user: botUserId, ...content });
    else if (!(payload["replace_original"] === true && workspace.replaceEphemeral(id, content))) {
      workspace.postEphemeral({ channel: target.channel, user: target.user, ...content, responseUrlId: id });
    }
    send(res, 200, { ok: true });
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://${options.host ?? "127.0.0.1"}:${port}`;
  return {
    url: `${origin}/api/`,
    workspace,
    calls,
    responseUrl(target) {
      nextResponseId += 1;
      const id = `r${nextResponseId}`;
      responseTargets.set(id, { ...target, uses: 0 });
      return `${origin}/response/${id}`;
    },
    hold(method) {
      const reached = Promise.withResolvers<void>();
      const released = Promise.withResolvers<void>();
      holds.set(method, { arrived: () => reached.resolve(), released: released.promise });
      return {
        reached: reached.promise,
        release: () => {
          holds.delete(method);
          released.resolve();
        },
      };
    },
    fail(method, error) {
      failures.set(method, error);
      return { restore: () => void failures.delete(method) };
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The text and blocks of a post, or the error Slack would answer for them. */
function contentOf(args: Record<string, unknown>): { text: string; blocks: unknown[] } | { error: string } {
  const text = typeof args["text"] === "string" ? args["text"] : "";
  const blocks = args["blocks"] ?? [];
  if (!Array.isArray(blocks)) return { error: "invalid_blocks_format" };
  if (text.length === 0 && blocks.length === 0) return { error: "no_text" };
  const refusal = blockRefusal(blocks);
  return refusal ? { error: refusal } : { text, blocks };
}

/**
 * The error Slack answers for these blocks, or undefined if it takes them: invalid_blocks when a documented limit
 * is passed, msg_blocks_too_long past the total (Slack's undocumented aggregate cap, see slack-limits.ts).
 * Tests also hold a command's acknowledgement, which never passes through the Web API, against it.
 */
export function blockRefusal(blocks: readonly unknown[]): "invalid_blocks" | "msg_blocks_too_long" | undefined {
  if (blocks.length > LIMITS.blocksPerMessage || !blocks.every(isWithinLimits)) return "invalid_blocks";
  return JSON.stringify(blocks).length > LIMITS.blocksJson ? "msg_blocks_too_long" : undefined;
}

function isWithinLimits(block: unknown): boolean {
  const b = block as { type?: string; text?: { text?: string }; fields?: Array<{ text?: string }>; elements?: Array<{ type?: string; value?: string; action_id?: string }> };
  if (b.type === "header") return (b.text?.text?.length ?? 0) <= LIMITS.headerText;
  if (b.type === "section") return (b.text?.text?.length ?? 0) <= LIMITS.sectionText && (b.fields?.length ?? 0) <= LIMITS.sectionFields && (b.fields ?? []).every((f) => (f.text?.length ?? 0) <= LIMITS.sectionField);
  if (b.type === "context") return (b.elements?.length ?? 0) <= LIMITS.contextElements;
  if (b.type === "actions") {
    const actionIds = (b.elements ?? []).map((e) => e.action_id).filter((id) => id !== undefined);
    // Slack refuses two elements with the same action_id in one block.
    return (b.elements?.length ?? 0) <= LIMITS.actionsElements && (b.elements ?? []).every((e) => (e.value?.length ?? 0) <= LIMITS.buttonValue) && new Set(actionIds).size === actionIds.length;
  }
  return true;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

function send(res: ServerResponse, status: number, body: Answer): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}
