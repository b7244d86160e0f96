/**
 * Starts the whole bot from a configuration: Azure clients → store → the bot (src/bot.ts) → scheduler, and in
 * local mode the ARM simulator, the Slack stand-in and the browser playground first. main.ts passes what only it may
 * import (the command table and the scheduled jobs); the end-to-end tests start the same stack here on a free port.
 */
import { createAzureClients, createAzureReader, createAzureWriter, createKuduRunner, defaultCredential, probeAzure } from "./azure/index.ts";
import { createBot } from "./bot.ts";
import type { Config } from "./config.ts";
import type { AlertDeps } from "./core/alerts/alert-deps.ts";
import type { Command } from "./core/command.ts";
import type { Clock } from "./core/ports.ts";
import type { Logger } from "./log.ts";
import { startLocalEnvironment, type LocalEnvironment } from "./local/local-environment.ts";
import { createPlayground } from "./local/playground.ts";
import { createMetrics } from "./metrics.ts";
import type { ReadinessReport } from "./readiness.ts";
import { alertsCounted, observeJobs } from "./schedule/observe-jobs.ts";
import { startScheduler, type RunOutcome, type ScheduledJob } from "./schedule/scheduler.ts";
import { openStore } from "./store/open-store.ts";

/** What the bot is started from. */
export interface StartBotOptions {
  config: Config;
  logger: Logger;
  clock: Clock;
  commands: readonly Command[];
  /** The scheduled alert jobs, given what they need and the configuration in effect (local mode points it at the stand-ins). */
  jobs: (deps: AlertDeps, config: Config) => ScheduledJob[];
  /** Overrides config.port, e.g. 0 for any free port. */
  port?: number;
  /** How Azure is signed in to (default: DefaultAzureCredential; local mode: the simulator's). */
  credential?: ReturnType<typeof defaultCredential>;
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
  const local = options.config.mode === "local" ? await startLocalEnvironment(options.config) : undefined;
  const config = local?.config ?? options.config;
  if (config.azure.subscriptions.length === 0) logger.warn("azure.subscriptions is empty: /vnet list will find nothing. Add subscription ids to the config file.");

  const metrics = createMetrics({ processMetrics: true });
  const credential = local?.credential ?? options.credential ?? defaultCredential();
  const clients = createAzureClients({ credential, cloud: config.azure.cloud, armEndpoint: config.armEndpoint, observeResponse: metrics.armResponse });
  const reader = createAzureReader(clients);
  const stores = await openStore(config, logger);
  const playground = local ? createPlayground({ slack: local.slack, signingSecret: config.secrets.signingSecret?.reveal() ?? "", logger }) : undefined;
  const bot = createBot({
    config,
    logger,
    clock,
    reader,
    writer: createAzureWriter(clients),
    kudu: createKuduRunner(clients, config.azure.kuduUrl),
    stores,
    commands: options.commands,
    metrics,
    // A token and one read of each subscription: a broken credential or role shows at start, not as "0 integrations".
    readinessChecks: [{ name: "azure", check: (signal) => probeAzure(clients, config.azure.subscriptions, signal) }],
    ...(options.readinessCacheMs === undefined ? {} : { readinessCacheMs: options.readinessCacheMs }),
    ...(playground ? { customRoutes: playground.routes } : {}),
    ...(options.port === undefined ? {} : { port: options.port }),
  });

  const port = await bot.start();
  const readyAtStart = await bot.readiness.report();
  const scheduler = startScheduler({ schedule: config.schedule, jobs: observeJobs(alertJobs(), metrics), logger, clock });
  return {
    config,
    port,
    local,
    readyAtStart,
    runJob: (name) => scheduler.runNow(name),
    async stop() {
      await scheduler.stop();
      // Open event streams would keep the HTTP server from closing.
      playground?.close();
      await bot.stop();
      await stores.close();
      await local?.close();
    },
  };

  function alertJobs(): ScheduledJob[] {
    const channel = config.slack.alertChannel;
    if (!channel) {
      logger.warn("slack.alertChannel is not set: certificate and gateway alerts are off.");
      return [];
    }
    const { timezone, certificateWarningMonths, reminderHours } = config.schedule;
    const deps: AlertDeps = {
      reader, store: stores.alerts, chat: alertsCounted(bot.chat, metrics), logger, channel, subscriptions: config.azure.subscriptions,
      certificateWarningMonths, reminderHours, ...(timezone ? { timezone } : {}),
    };
    return options.jobs(deps, config);
  }
}
