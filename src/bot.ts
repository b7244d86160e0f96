/**
 * The composition root of the bot proper: from the ports (Azure reader and writer, Kudu, the stores) and the
 * configuration, it builds the services once (access policy, approval flow, the diagnoses' Fix offers, the kept
 * inventory, every button, the dispatcher) and hands them to the Slack adapter. start-bot.ts adds the clients, the store and the
 * scheduler around it; the end-to-end tests build exactly this.
 */
import { randomBytes } from "node:crypto";
import type { Config } from "./config.ts";
import type { Logger } from "./log.ts";
import { createAccessPolicy, type AccessPolicy } from "./core/access.ts";
import { alertButtons } from "./core/alerts/alert-clicks.ts";
import { approvalButtons, createApprovalService, type ApprovalService } from "./core/approvals/approval-service.ts";
import { buttonTable, type Button } from "./core/button.ts";
import type { Command } from "./core/command.ts";
import { fixButton } from "./core/diagnose/fix-click.ts";
import { createFixOffers, type FixOffers } from "./core/diagnose/fix-offers.ts";
import { createInventoryKeeper, type InventoryKeeper } from "./core/inventory-keeper.ts";
import { createLeaseLocks } from "./core/lease-locks.ts";
import { createMigrationRecords } from "./core/migration/migration-records.ts";
import type { AzureReader, AzureWriter, ChatPort, KuduRunner, Locks } from "./core/ports.ts";
import type { Reply } from "./core/reply.ts";
import { ackFirst } from "./slack/ack-first.ts";
import { ACTIVE_STATUSES } from "./core/approvals/approval-store.ts";
import { createMetrics, type Metrics } from "./metrics.ts";
import { createReadiness, type DependencyCheck, type Readiness } from "./readiness.ts";
import { createDispatcher } from "./slack/dispatcher.ts";
import { createSlackAdapter, type SlackAdapterOptions } from "./slack/slack-adapter.ts";
import type { Stores } from "./store/sqlite-store.ts";

/** What the bot is built from. */
export interface BotParts extends Omit<SlackAdapterOptions, "config"> {
  config: SlackAdapterOptions["config"] & Pick<Config, "access" | "approvals" | "slack" | "azure" | "schedule">;
  reader: AzureReader;
  writer: AzureWriter;
  /** Runs commands on app workers (diagnose, tcpping, resolve); without it those commands say they are not set up. */
  kudu?: KuduRunner;
  stores: Pick<Stores, "approvals" | "audit" | "alerts" | "leases">;
  commands: readonly Command[];
  /** How often pending requests are checked for expiry (default 30 s). */
  expirySweepMs?: number;
  /** Ids of new change requests (default: random). */
  newId?: () => string;
  /** Command deadline (default 120 s). */
  deadlineMs?: number;
  /** Serialises root-certificate updates per gateway and scheduled refreshes (default: leases in the store, across replicas). */
  locks?: Locks;
  /**
   * This replica: its stable id owns the changes it runs; with releasePredecessor (no live process has the id), what
   * its previous incarnation left running is interrupted at start, without waiting for its lease. Default: a random
   * id, nothing released.
   */
  instance?: { id: string; releasePredecessor: boolean };
  /** Where the bot counts what it does, served at GET /metrics (default: a registry of its own). */
  metrics?: Metrics;
  /** Checks /readyz runs besides the store's and Slack's (start-bot adds Azure's). */
  readinessChecks?: readonly DependencyCheck[];
  /** How long /readyz reuses its last answer (default 15 s). */
  readinessCacheMs?: number;
}

/** The bot, built and not yet started. */
export interface Bot {
  /** Listens, settles what a previous process left unfinished, then takes commands; resolves with the port. */
  start(): Promise<number>;
  stop(): Promise<void>;
  /** Resolves when every reply and change in flight has finished. */
  idle(): Promise<void>;
  isReady(): boolean;
  port(): number | undefined;
  chat: ChatPort<Reply>;
  access: AccessPolicy;
  approvals: ApprovalService;
  offers: FixOffers;
  /** The kept inventory: read commands answer from it; the scheduled job and every successful change refresh it. */
  inventory: InventoryKeeper;
  /** Every button the bot answers, by action id, with the access each declares. */
  buttons: ReadonlyMap<string, Button>;
  /** Whether the store, Slack and Azure are usable, as /readyz reports it. */
  readiness: Readiness;
  metrics: Metrics;
}

/** Builds the services once and wires them to the Slack adapter; nothing touches the network until start(). */
export function createBot(parts: BotParts): Bot {
  const { config, logger, clock, stores } = parts;
  const timezone = config.schedule.timezone;
  const metrics = parts.metrics ?? createMetrics();
  const slack = createSlackAdapter({ ...parts, config, metrics, readiness: () => readiness.report() });
  const readiness = createReadiness({
    checks: [
      // A read by key: the cheapest question every store answers, and the one that fails when the database is gone.
      { name: "store", check: async () => void (await stores.approvals.get("readiness-probe")) },
      { name: "slack", check: () => slack.checkSlack() },
      ...(parts.readinessChecks ?? []),
    ],
    logger,
    ...(parts.readinessCacheMs === undefined ? {} : { cacheMs: parts.readinessCacheMs }),
  });
  metrics.watchApprovals(() => stores.approvals.list(ACTIVE_STATUSES));
  const access = createAccessPolicy({ approvers: config.access.approvers, operators: config.access.operators }, slack.directory);
  const offers = createFixOffers({ store: stores.alerts, clock });
  const migrations = createMigrationRecords(stores.alerts, clock);
  const instanceId = parts.instance?.id ?? `vnetbot-${randomBytes(6).toString("hex")}`;
  // Leases in the store: one replica at a time per gateway's root certificates and per scheduled refresh.
  const locks = parts.locks ?? createLeaseLocks(stores.leases, { instance: instanceId, clock });
  const inventory = createInventoryKeeper({ reader: parts.reader, store: stores.alerts, subscriptions: config.azure.subscriptions, clock, locks, ...(timezone ? { timezone } : {}) });
  const approvals = refreshingInventoryAfterChanges(
    createApprovalService({
      store: stores.approvals,
      audit: stores.audit,
      chat: slack.chat,
      change: { reader: parts.reader, writer: parts.writer, clock, locks, subscriptions: config.azure.subscriptions, migrations, ...(parts.kudu ? { kudu: parts.kudu } : {}) },
      clock,
      logger,
      expireAfterMinutes: config.approvals.expireAfterMinutes,
      approvalChannel: config.slack.approvalChannel,
      ...(parts.newId ? { newId: parts.newId } : {}),
      instanceId,
    }),
    { store: stores.approvals, inventory, logger },
  );
  const buttons = buttonTable([
    ...approvalButtons(approvals, stores.approvals),
    ...alertButtons({ store: stores.alerts, chat: slack.chat, approvals, audit: stores.audit, clock, ...(timezone ? { timezone } : {}) }),
    fixButton({ offers, approvals, reader: parts.reader, clock }),
  ]);
  slack.serve(
    ackFirst(createDispatcher({
      commands: parts.commands,
      buttons,
      access,
      audit: stores.audit,
      logger,
      metrics,
      track: slack.track,
      ...(parts.deadlineMs ? { deadlineMs: parts.deadlineMs } : {}),
      services: {
        reader: parts.reader,
        subscriptions: config.azure.subscriptions,
        inventory,
        clock,
        access,
        approvals: stores.approvals,
        audit: stores.audit,
        offers,
        migrations,
        ...(parts.kudu ? { kudu: parts.kudu } : {}),
        ...(config.slack.alertChannel ? { alerts: { store: stores.alerts, chat: slack.chat, ...(timezone ? { timezone } : {}) } } : {}),
        requestChange: (asker, request) => approvals.requestChange(asker, request),
      },
    })),
  );

  let sweeper: NodeJS.Timeout | undefined;
  return {
    chat: slack.chat,
    access,
    approvals,
    offers,
    inventory,
    buttons,
    readiness,
    metrics,
    isReady: slack.isReady,
    port: slack.port,
    idle: slack.idle,
    async start() {
      const port = await slack.start(async () => {
        await approvals.recoverInterrupted(parts.instance?.releasePredecessor ? { predecessor: parts.instance.id } : {});
        await approvals.expireDue();
      });
      const sweepMs = parts.expirySweepMs ?? 30_000;
      // During a database outage the sweep fails every time it runs: said once when it starts failing, and once when
      // it works again, rather than every 30 seconds.
      let failingSince: Date | undefined;
      const sweep = async () => {
        const started = performance.now();
        try {
          await approvals.expireDue();
          metrics.jobFinished("approval-sweep", "succeeded", (performance.now() - started) / 1000);
          if (failingSince) logger.info("the approval sweep works again", { failingSince: failingSince.toISOString() });
          failingSince = undefined;
        } catch (error) {
          metrics.jobFinished("approval-sweep", "failed", (performance.now() - started) / 1000);
          if (!failingSince) logger.error(`the approval sweep (expiries, interrupted changes) failed; it is tried again every ${sweepMs / 1000} s`, { error: (error as Error).message });
          failingSince ??= new Date();
        }
      };
      sweeper = setInterval(() => slack.track(sweep()), sweepMs);
      sweeper.unref();
      return port;
    },
    async stop() {
      if (sweeper) clearInterval(sweeper);
      // A refresh after a change may be minutes of reads on a large estate: stopping aborts it rather than wait.
      inventory.close();
      await slack.stop();
    },
  };
}

/**
 * The approval flow, with the kept inventory refreshed after each change that wrote anything: a change the bot made
 * must show in the next /vnet list, and so must one that stopped half-way (a migration that took an app off its
 * gateway has left it without any VNet, which the kept answers must not hide). Hooked here rather than in the change code, which knows nothing of reads;
 * the refresh is part of the click's work, so idle() and stop() see it.
 */
function refreshingInventoryAfterChanges(approvals: ApprovalService, deps: { store: Stores["approvals"]; inventory: InventoryKeeper; logger: Logger }): ApprovalService {
  const refreshAfter = async (requestId: string) => {
    try {
      const record = await deps.store.get(requestId);
      if (record && (record.status === "done" || record.steps.some((step) => step.status === "done"))) await deps.inventory.refreshAfterChange(record.request);
    } catch (error) {
      deps.logger.warn("could not refresh the kept inventory after a change", { requestId, error: error instanceof Error ? error.message : String(error) });
    }
  };
  return {
    ...approvals,
    async decide(requestId, userId, decision) {
      const decided = await approvals.decide(requestId, userId, decision);
      return decided.execution ? { ...decided, execution: decided.execution.then(() => refreshAfter(requestId)) } : decided;
    },
  };
}
