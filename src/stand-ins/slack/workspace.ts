/** The state of the local Slack stand-in: channels, messages, threads, ephemerals, and change events. */
import { EventEmitter } from "node:events";

/** A message the bot posted in a channel (top level or in a thread). */
export interface LocalMessage {
  channel: string;
  ts: string;
  threadTs: string | undefined;
  user: string;
  text: string;
  blocks: unknown[];
  /** How many times chat.update or replace_original changed it. */
  edits: number;
}

/** A message only one user sees. */
export interface LocalEphemeral {
  channel: string;
  user: string;
  text: string;
  blocks: unknown[];
  /** The response URL it came through, if any. */
  responseUrlId: string | undefined;
}

/** What changed, for views that follow the workspace (the browser playground). */
export type WorkspaceEvent =
  | { type: "message"; message: LocalMessage }
  | { type: "update"; message: LocalMessage }
  | { type: "delete"; message: LocalMessage }
  | { type: "ephemeral"; ephemeral: LocalEphemeral };

/** A local workspace's messages, with lookups and a way to await what a test or view expects. */
export class LocalWorkspace {
  readonly events = new EventEmitter<{ change: [WorkspaceEvent] }>();
  readonly #messages: LocalMessage[] = [];
  readonly #ephemerals: LocalEphemeral[] = [];
  #seq = 0;

  /** A new unique message timestamp, in Slack's "seconds.micros" shape. */
  nextTs(): string {
    this.#seq += 1;
    return `${1_700_000_000 + this.#seq}.${String(this.#seq).padStart(6, "0")}`;
  }

  post(message: Omit<LocalMessage, "ts" | "edits">): LocalMessage {
    const stored = { ...message, ts: this.nextTs(), edits: 0 };
    this.#messages.push(stored);
    this.events.emit("change", { type: "message", message: stored });
    return stored;
  }

  update(channel: string, ts: string, content: { text: string; blocks: unknown[] }): LocalMessage | undefined {
    const message = this.message(channel, ts);
    if (!message) return undefined;
    Object.assign(message, content, { edits: message.edits + 1 });
    this.events.emit("change", { type: "update", message });
    return message;
  }

  remove(channel: string, ts: string): void {
    const index = this.#messages.findIndex((m) => m.channel === channel && m.ts === ts);
    if (index < 0) return;
    const [message] = this.#messages.splice(index, 1);
    this.events.emit("change", { type: "delete", message: message! });
  }

  postEphemeral(ephemeral: LocalEphemeral): void {
    this.#ephemerals.push(ephemeral);
    this.events.emit("change", { type: "ephemeral", ephemeral });
  }

  /** Replaces the latest ephemeral sent through a response URL (replace_original on a command's reply). */
  replaceEphemeral(responseUrlId: string, content: { text: string; blocks: unknown[] }): boolean {
    const latest = this.#ephemerals.findLast((e) => e.responseUrlId === responseUrlId);
    if (!latest) return false;
    Object.assign(latest, content);
    this.events.emit("change", { type: "ephemeral", ephemeral: latest });
    return true;
  }

  message(channel: string, ts: string): LocalMessage | undefined {
    return this.#messages.find((m) => m.channel === channel && m.ts === ts);
  }

  /** Top-level messages of a channel, oldest first. */
  messages(channel: string): LocalMessage[] {
    return this.#messages.filter((m) => m.channel === channel && m.threadTs === undefined);
  }

  /** Replies in a message's thread, oldest first. */
  thread(channel: string, ts: string): LocalMessage[] {
    return this.#messages.filter((m) => m.channel === channel && m.threadTs === ts);
  }

  /** Ephemeral messages, optionally only one user's. */
  ephemerals(user?: string): LocalEphemeral[] {
    return this.#ephemerals.filter((e) => user === undefined || e.user === user);
  }

  /** Resolves with find()'s first defined answer, checking now and after every change; rejects after timeoutMs. */
  waitFor<T>(find: () => T | undefined, timeoutMs = 10_000): Promise<T> {
    const now = find();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found === undefined) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`the local Slack workspace did not reach the awaited state within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off("change", check);
      };
      this.events.on("change", check);
    });
  }
}
