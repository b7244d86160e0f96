/**
 * The playground's Server-Sent Events: one stream per open page, for the user it shows. It starts with a snapshot
 * and then sends every change of the local workspace that user can see, so the page never reloads.
 */
import type { ServerResponse } from "node:http";
import type { LocalWorkspace, WorkspaceEvent } from "../stand-ins/slack/workspace.ts";
import type { PlaygroundFeed } from "./playground-feed.ts";

const HEARTBEAT_MS = 15_000;

/** The open event streams; close() ends them all (an open stream would keep the HTTP server from closing). */
export class PlaygroundStreams {
  readonly #workspace: LocalWorkspace;
  readonly #feed: PlaygroundFeed;
  readonly #open = new Set<ServerResponse>();

  constructor(workspace: LocalWorkspace, feed: PlaygroundFeed) {
    this.#workspace = workspace;
    this.#feed = feed;
  }

  /** Answers a GET with an event stream of what user sees. */
  open(res: ServerResponse, user: string): void {
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive" });
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send("snapshot", { items: this.#feed.snapshot(user) });
    const onChange = (event: WorkspaceEvent) => {
      const change = this.#feed.changeFor(event, user);
      if (change?.type === "upsert") send("upsert", change.item);
      if (change?.type === "remove") send("remove", { id: change.id });
    };
    // A comment line now and then keeps proxies and idle timers from closing a quiet stream.
    const heartbeat = setInterval(() => res.write(": still here\n\n"), HEARTBEAT_MS);
    heartbeat.unref();
    this.#workspace.events.on("change", onChange);
    this.#open.add(res);
    res.on("close", () => {
      clearInterval(heartbeat);
      this.#workspace.events.off("change", onChange);
      this.#open.delete(res);
    });
  }

  /** Ends every open stream. */
  close(): void {
    for (const res of this.#open) res.end();
  }
}
