/**
 * Starts the whole bot from a configuration: Azure clients → store → the bot (src/bot.ts) → scheduler, and in
 * local mode the ARM simulator, the Slack stand-in and the browser playground first. main.ts passes what only it may
 * import (the command table and the scheduled jobs); the end-to-end tests start the same stack here on a free port.
 */
import { randomBytes } from "node:crypto";
import { dirname } from "node:path";
import { createAzureClients, createAzureReader, createAzureWriter, createKuduRunner, defaultCredential, probeAzure } from "./azure/index.ts";
import { createBot } from "./bot.ts";
import type { Config } from "./config.ts";
import type { AlertDeps } from "./core/alerts/alert-deps.ts";
import type { InventoryRefreshDeps } from "./core/alerts/inventory-refresh-check.ts";
import type { Command } from "./core/command.ts";
import type { InventoryKeeper } from "./core/inventory-keeper.ts";
import type { Clock } from "./core/ports.ts";
import type { Logger } from "./log.ts";
import { startMemoryRelief } from "./memory-relief.ts";
import type { LocalEnvironment } from "./local/local-environment.ts";
import { startScheduler, type RunOutcome, type ScheduledJob } from "./schedule/scheduler.ts";
import { persistedInstanceId } from "./store/instance-id.ts";
import { createMetrics } from "./metrics.ts";
import type { ReadinessReport } from "./readiness.ts";
import { alertsCounted, observeJobs } from "./schedule/observe-jobs.ts";
import { databaseClock } from "./store/database-time.ts";
import { openStore } from "./store/open-store.ts";
import type { Stores } from "./store/sqlite-store.ts";

/** What the bot is started from. */
export interface StartBotOptions {
  config: Config;
  logger: Logger;
  clock: Clock;
  commands: readonly Command[];
  /** The scheduled alert jobs, given what they need and the configuration in effect (local mode points it at the stand-ins). */
  jobs: (deps: AlertDeps, config: Config) => ScheduledJob[];
  /** The scheduled inventory refresh, which runs whether or not alerts are on. */
  inventoryJob?: (keeper: InventoryKeeper, config: Config, deps: InventoryRefreshDeps) => ScheduledJob;
  /** Overrides config.port, e.g. 0 for any free port. */
  port?: number;
  /** How Azure is signed in to (default: DefaultAzureCredential; local mode: the simulator's). */
  credential?: ReturnType<typeof defaultCredential>;
  /** How long a claimed scheduled run stays this replica's without renewal (default 30 s). */
  jobLeaseMs?: number;
  /** How long /readyz reuses its last answer (default 15 s). */
  readinessCacheMs?: number;
}

/** The running bot. */
export interface RunningBot {
  /** The configuration in effect (local mode derives it from the user's). */
  config: Config;
  port: number;
  /** The simulator and Slack stand-in in local mode. */
  local: LocalEnvironment | undefined;
  /** Stops the scheduler, the bot and the local stand-ins, and closes the store. */
  stop(): Promise<void>;
  /** Whether the store, Slack and Azure were usable when the bot started (logged, and what /readyz said then). */
  readyAtStart: ReadinessReport;
  /** Runs a scheduled job now, as its schedule would. */
  runJob(name: string): Promise<RunOutcome>;
}

/** Starts everything; resolves once the bot listens. */
export async function startBot(options: StartBotOptions): Promise<RunningBot> {
  const { logger, clock } = options;
  // Local mode's stand-ins (the ARM simulator with its certificate issuer, the Slack stand-in, the playground) are
  // loaded only in local mode: imported at the top they cost every deployment some 6 MB and 100 ms at start.
  const localMode = options.config.mode === "local" ? { ...(await import("./local/local-environment.ts")), ...(await import("./local/playground.ts")) } : undefined;
  const local = localMode ? await localMode.startLocalEnvironment(options.config) : undefined;
  const config = local?.config ?? options.config;
  if (config.azure.subscriptions.length === 0) logger.warn("azure.subscriptions is empty: /vnet list will find nothing. Add subscription ids to the config file.");

  const metrics = createMetrics({ processMetrics: true });
  const credential = local?.credential ?? options.credential ?? defaultCredential();
  const clients = createAzureClients({ credential, cloud: config.azure.cloud, armEndpoint: config.armEndpoint, observeResponse: metrics.armResponse });
  const reader = createAzureReader(clients);
  const stores = await openStore(config, logger);
  // Replicas judge each other's leases and claims: on a shared database they all keep the database's time.
  const sharedClock = stores.databaseTime ? databaseClock(clock, stores.databaseTime) : clock;
  const instance = await registerInstance(config, stores, logger);
  const relief = startMemoryRelief({ logger });
  const playground = local && localMode ? localMode.createPlayground({ slack: local.slack, signingSecret: config.secrets.signingSecret?.reveal() ?? "", logger }) : undefined;
  const bot = createBot({
    config,
    logger,
    clock: sharedClock,
    reader,
    writer: createAzureWriter(clients),
    kudu: createKuduRunner(clients, config.azure.kuduUrl),
    stores,
    commands: options.commands,
    instance,
    onActivity: relief.noteActivity,
    metrics,
    // A token and one read of each subscription: a broken credential or role shows at start, not as "0 integrations".
    readinessChecks: [{ name: "azure", check: (signal) => probeAzure(clients, config.azure.subscriptions, signal) }],
    ...(options.readinessCacheMs === undefined ? {} : { readinessCacheMs: options.readinessCacheMs }),
    ...(playground ? { customRoutes: playground.routes } : {}),
    ...(options.port === undefined ? {} : { port: options.port }),
  });

  const port = await bot.start();
  // Starting up is a burst too: loading the SDKs leaves V8's young generation grown.
  relief.noteActivity();
  // Every replica schedules every job; the claims in the shared store decide which one runs each tick.
  const jobs = [...observeJobs(alertJobs(), metrics), ...(options.inventoryJob ? [options.inventoryJob(bot.inventory, config, inventoryRefreshDeps())] : [])];
  // Claims are judged by other replicas: measured in the database's time, as every lease is.
  const claims = { leases: stores.leases, instance: instance.id, clock: sharedClock, ...(options.jobLeaseMs ? { ttlMs: options.jobLeaseMs } : {}) };
  const readyAtStart = await bot.readiness.report();
  const scheduler = startScheduler({ schedule: config.schedule, jobs, logger, clock: sharedClock, claims });
  return {
    config,
    port,
    local,
    readyAtStart,
    runJob: (name) => scheduler.runNow(name),
    async stop() {
      // A refresh in flight is minutes of reads on a large estate: abort it rather than wait for it.
      bot.inventory.close();
      await scheduler.stop();
      relief.stop();
      // Open event streams would keep the HTTP server from closing.
      playground?.close();
      await bot.stop();
      await stores.close();
      await local?.close();
    },
  };

  /** The refresh tells its failures to the alert channel, when there is one, as the alert checks do. */
  function inventoryRefreshDeps(): InventoryRefreshDeps {
    const channel = config.slack.alertChannel;
    const { timezone } = config.schedule;
    return {
      logger, subscriptions: config.azure.subscriptions, ...(timezone ? { timezone } : {}),
      ...(channel ? { alerts: { store: stores.alerts, chat: alertsCounted(bot.chat, metrics), channel } } : {}),
    };
  }

  function alertJobs(): ScheduledJob[] {
    const channel = config.slack.alertChannel;
    if (!channel) {
      logger.warn("slack.alertChannel is not set: certificate and gateway alerts are off.");
      return [];
    }
    const { timezone, certificateWarningMonths, reminderHours } = config.schedule;
    const deps: AlertDeps = {
      reader, store: stores.alerts, audit: stores.audit, chat: alertsCounted(bot.chat, metrics), logger, channel, subscriptions: config.azure.subscriptions,
      certificateWarningMonths, reminderHours, ...(timezone ? { timezone } : {}),
      // The gateway check reads the integrations from the kept inventory and only the gateways live.
      inventory: bot.inventory,
    };
    // A scan of a large estate is a burst of work too.
    return options.jobs(deps, config).map((job) => ({ ...job, run: (now: Date) => job.run(now).finally(relief.noteActivity) }));
  }
}

/**
 * Names this replica (config.instanceId, else the id kept in its data directory) and registers it in the store. When
 * no live process has the name, what its previous incarnation held is released now: its scheduled-run claims here,
 * its running changes when the bot starts. Otherwise (a second process with the same name) it is left to its leases.
 */
async function registerInstance(config: Config, stores: Stores, logger: Logger): Promise<{ id: string; releasePredecessor: boolean }> {
  let id = config.instanceId;
  if (id === undefined) {
    try {
      id = persistedInstanceId(dirname(config.storage.sqlitePath));
    } catch (error) {
      id = `vnetbot-${randomBytes(6).toString("hex")}`;
      logger.warn("no instance id could be kept in the data directory: after a restart, changes this process leaves running wait for their lease. Set VNETBOT_INSTANCE_ID to a name of this replica.", { reason: (error as Error).message });
    }
  }
  if (!(await stores.instances.register(id))) {
    logger.warn("another running process has this instance id: what it runs is left to its leases. Give each replica its own VNETBOT_INSTANCE_ID.", { instance: id });
    return { id, releasePredecessor: false };
  }
  const released = await stores.leases.releaseInstance(id);
  if (released.length > 0) logger.info("released what this instance's previous run held", { instance: id, leases: released.join(", ") });
  return { id, releasePredecessor: true };
}
