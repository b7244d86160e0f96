/**
 * The alert tests' world: the ARM simulator behind the real Azure adapter, the Slack Web API stand-in behind the real
 * WebClient and chat port, and a real SQLite file that a "restart" reopens. The clock is fixed and moved by hand.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { webApi } from "@slack/bolt";
import type { AlertDeps } from "../../src/core/alerts/alert-deps.ts";
import { silentLogger } from "../../src/log.ts";
import { startLocalWebApi, type LocalWebApi } from "../../src/stand-ins/slack/web-api.ts";
import { createSlackChat } from "../../src/slack/slack-chat.ts";
import { openSqliteStore, type Stores } from "../../src/store/sqlite-store.ts";
import { startAzureHarness, type AzureHarness } from "../support/azure-harness.ts";

/** The fixed start of every alert test: the demo's relative expiries are issued against it. */
export const START = new Date("2026-03-01T09:00:00Z");
/** The alert channel of the test workspace. */
export const ALERTS = "C0ALERTS";
const TOKEN = "xoxb-alert-tests";

/** A running world; `at` moves the clock, `restart` reopens the store on the same file. */
export interface AlertWorld {
  azure: AzureHarness;
  slack: LocalWebApi;
  deps: AlertDeps;
  stores: Stores;
  now(): Date;
  at(time: Date | string): void;
  later(hours: number): void;
  restart(): void;
  close(): Promise<void>;
}

/** Starts the world on the demo estate. */
export async function startAlertWorld(options: Partial<Pick<AlertDeps, "certificateWarningMonths" | "reminderHours" | "timezone">> = {}): Promise<AlertWorld> {
  let now = START;
  const azure = await startAzureHarness({ estate: "demo", now: () => now });
  const slack = await startLocalWebApi({ token: TOKEN });
  const client = new webApi.WebClient(TOKEN, { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
  const dir = mkdtempSync(join(tmpdir(), "vnetbot-alerts-"));
  const path = join(dir, "vnetbot.sqlite");
  const world: AlertWorld = {
    azure,
    slack,
    stores: openSqliteStore(path),
    deps: undefined as unknown as AlertDeps,
    now: () => now,
    at: (time) => void (now = new Date(time)),
    later: (hours) => void (now = new Date(now.getTime() + hours * 3_600_000)),
    restart() {
      world.stores.close();
      world.stores = openSqliteStore(path);
      world.deps = { ...world.deps, store: world.stores.alerts };
    },
    async close() {
      world.stores.close();
      await Promise.all([azure.close(), slack.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  world.deps = {
    reader: azure.reader,
    subscriptions: azure.subscriptions,
    store: world.stores.alerts,
    chat: createSlackChat(client),
    channel: ALERTS,
    logger: silentLogger,
    ...options,
  };
  return world;
}

/** The plain text of a posted message's blocks, for assertions a reader can follow. */
export function textOf(message: { blocks: unknown[] }): string {
  const texts: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") {
      const record = value as Record<string, unknown>;
      if (typeof record["text"] === "string" && record["type"] !== "button") texts.push(record["text"]);
      for (const [k, v] of Object.entries(record)) if (k !== "text" || typeof v !== "string") walk(v);
    }
  };
  walk(message.blocks);
  return texts.join("\n");
}

/** The buttons of a posted message as "action_id=value". */
export function buttonsOf(message: { blocks: unknown[] }): string[] {
  return (message.blocks as Array<{ type: string; elements?: Array<{ type: string; action_id: string; value: string }> }>)
    .filter((b) => b.type === "actions")
    .flatMap((b) => b.elements ?? [])
    .map((e) => `${e.action_id}=${e.value}`);
}
