/**
 * What the playground page shows, as plain JSON items: every message of the local workspace and the ephemeral
 * messages of one user. Each item gets an id and an arrival order once, so that ephemerals (which have no ts) sit
 * between the messages they arrived between, and an update or a replaced ephemeral keeps its place.
 */
import type { LocalEphemeral, LocalMessage, LocalWorkspace, WorkspaceEvent } from "../stand-ins/slack/workspace.ts";

/** One thing on the page: a channel message (top level or a thread reply) or an ephemeral "only visible to you". */
export interface FeedItem {
  id: string;
  kind: "message" | "ephemeral";
  channel: string;
  /** Top-level and thread messages only. */
  ts?: string;
  threadTs?: string;
  /** The author of a message, the only viewer of an ephemeral. */
  user: string;
  text: string;
  blocks: unknown[];
  edited: boolean;
  order: number;
}

/** A change the page applies: an item added or replaced in place, or one removed. */
export type FeedChange = { type: "upsert"; item: FeedItem } | { type: "remove"; id: string };

/** Follows a workspace from before its first message; turns its change events into page changes. */
export class PlaygroundFeed {
  readonly #workspace: LocalWorkspace;
  readonly #channels: readonly string[];
  readonly #orders = new WeakMap<object, number>();
  readonly #ephemeralIds = new WeakMap<LocalEphemeral, string>();
  readonly #record = (event: WorkspaceEvent) => void this.#orderOf(event.type === "ephemeral" ? event.ephemeral : event.message);
  #next = 0;

  /** Starts following at once: create it before anything is posted. */
  constructor(workspace: LocalWorkspace, channels: readonly string[]) {
    this.#workspace = workspace;
    this.#channels = channels;
    workspace.events.on("change", this.#record);
  }

  /** Everything one user sees now: all messages with their thread replies, and that user's ephemerals. */
  snapshot(user: string): FeedItem[] {
    const messages = this.#channels.flatMap((channel) =>
      this.#workspace.messages(channel).flatMap((top) => [top, ...this.#workspace.thread(channel, top.ts)]),
    );
    const ephemerals = this.#workspace.ephemerals(user);
    return [...messages.map((m) => this.#messageItem(m)), ...ephemerals.map((e) => this.#ephemeralItem(e))].sort((a, b) => a.order - b.order);
  }

  /** What a workspace event changes for one user's page; undefined when that user does not see it. */
  changeFor(event: WorkspaceEvent, user: string): FeedChange | undefined {
    switch (event.type) {
      case "message":
      case "update":
        return { type: "upsert", item: this.#messageItem(event.message) };
      case "delete":
        return { type: "remove", id: messageId(event.message) };
      case "ephemeral":
        return event.ephemeral.user === user ? { type: "upsert", item: this.#ephemeralItem(event.ephemeral) } : undefined;
    }
  }

  /** Stops following the workspace. */
  close(): void {
    this.#workspace.events.off("change", this.#record);
  }

  #orderOf(thing: object): number {
    let order = this.#orders.get(thing);
    if (order === undefined) {
      this.#next += 1;
      order = this.#next;
      this.#orders.set(thing, order);
    }
    return order;
  }

  #messageItem(message: LocalMessage): FeedItem {
    return {
      id: messageId(message),
      kind: "message",
      channel: message.channel,
      ts: message.ts,
      ...(message.threadTs ? { threadTs: message.threadTs } : {}),
      user: message.user,
      text: message.text,
      blocks: message.blocks,
      edited: message.edits > 0,
      order: this.#orderOf(message),
    };
  }

  #ephemeralItem(ephemeral: LocalEphemeral): FeedItem {
    let id = this.#ephemeralIds.get(ephemeral);
    if (id === undefined) {
      id = `e${this.#orderOf(ephemeral)}`;
      this.#ephemeralIds.set(ephemeral, id);
    }
    return { id, kind: "ephemeral", channel: ephemeral.channel, user: ephemeral.user, text: ephemeral.text, blocks: ephemeral.blocks, edited: false, order: this.#orderOf(ephemeral) };
  }
}

function messageId(message: LocalMessage): string {
  return `m${message.channel}-${message.ts}`;
}
