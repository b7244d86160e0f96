/**
 * A local stand-in of Slack's Socket Mode side, for tests only (it imports the dev dependency `ws`): one port that
 * answers apps.connections.open for the app-level token, forwards every other Web API method to the Slack Web API
 * stand-in, and upgrades /link/ to a WebSocket that greets with `hello` and carries envelopes shaped like Slack's
 * ("Using Socket Mode": envelope_id, type, payload, accepts_response_payload).
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

/** What the bot sent back for an envelope. */
export interface SocketModeAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

/** The envelope types Slack sends over Socket Mode. */
export type EnvelopeType = "slash_commands" | "interactive" | "events_api";

/** The running stand-in. */
export interface SocketModeServer {
  /** The Web API base for clientOptions.slackApiUrl (SLACK_API_URL). */
  url: string;
  /** How many times the bot asked for a connection URL. */
  opened(): number;
  /** Resolves once a client is connected and has been sent `hello`. */
  connected(): Promise<void>;
  /** Resolves once the connected client's socket has closed. */
  disconnected(): Promise<void>;
  /** Sends Slack's `disconnect` message; resolves once the client has come back on a new connection. */
  disconnect(reason: "warning" | "refresh_requested"): Promise<void>;
  /** Sends an envelope to the connected bot; resolves with its ack. */
  send(type: EnvelopeType, payload: Record<string, unknown>): Promise<SocketModeAck>;
  close(): Promise<void>;
}

// The documented hello, with the colon the docs' example lacks after "started".
const HELLO = {
  type: "hello",
  connection_info: { app_id: "A0LOCAL" },
  num_connections: 1,
  debug_info: { host: "applink-local", started: "2020-10-11 12:12:12.120", build_number: 54, approximate_connection_time: 3600 },
};

/** Starts the stand-in on a free port; webApiUrl is the Slack Web API stand-in's base (…/api/). */
export async function startSocketModeServer(options: { appToken: string; webApiUrl: string }): Promise<SocketModeServer> {
  let opened = 0;
  let client: WebSocket | undefined;
  const waiting = new Map<string, (ack: SocketModeAck) => void>();
  let connection = Promise.withResolvers<void>();

  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const method = new URL(req.url ?? "/", "http://local").pathname.replace(/^\/api\//, "");
      if (method === "apps.connections.open") return openConnection(req, res);
      return forward(method, req, body, res);
    });
  });
  const sockets = new WebSocketServer({ server, path: "/link/" });
  sockets.on("connection", (socket) => {
    client = socket;
    socket.on("message", (data) => {
      const ack = JSON.parse(String(data)) as SocketModeAck;
      waiting.get(ack.envelope_id)?.(ack);
      waiting.delete(ack.envelope_id);
    });
    socket.send(JSON.stringify(HELLO), () => connection.resolve());
  });

  function openConnection(req: IncomingMessage, res: ServerResponse): void {
    const authorized = req.headers.authorization === `Bearer ${options.appToken}`;
    if (authorized) opened += 1;
    const { port } = server.address() as AddressInfo;
    send(res, authorized ? { ok: true, url: `ws://127.0.0.1:${port}/link/?ticket=${randomUUID()}` } : { ok: false, error: "invalid_auth" });
  }

  function forward(method: string, req: IncomingMessage, body: string, res: ServerResponse): void {
    const headers: Record<string, string> = { "content-type": req.headers["content-type"] ?? "application/x-www-form-urlencoded" };
    if (req.headers.authorization) headers["authorization"] = req.headers.authorization;
    void fetch(`${options.webApiUrl}${method}`, { method: "POST", headers, body }).then(async (answer) => {
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
      res.end(await answer.text());
    });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    opened: () => opened,
    connected: () => connection.promise,
    disconnect(reason) {
      if (!client) throw new Error("no Socket Mode client is connected");
      connection = Promise.withResolvers<void>();
      client.send(JSON.stringify({ type: "disconnect", reason, debug_info: { host: "wss-local" } }));
      return connection.promise;
    },
    disconnected: () => (!client || client.readyState === client.CLOSED ? Promise.resolve() : new Promise((resolve) => client?.once("close", () => resolve()))),
    send(type, payload) {
      if (!client) throw new Error("no Socket Mode client is connected");
      const envelopeId = randomUUID();
      const acked = new Promise<SocketModeAck>((resolve) => waiting.set(envelopeId, resolve));
      client.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type === "slash_commands" }));
      return acked;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets.clients) socket.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

function send(res: ServerResponse, body: Record<string, unknown>): void {
  res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}
