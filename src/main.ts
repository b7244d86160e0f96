/**
 * The composition root: config → Azure clients → store → Slack app → scheduler. The only file that sees every layer.
 * With no Slack bot token it runs in local mode, on the ARM simulator and a local Slack stand-in.
 */
import { createAzureClients, createAzureReader, createAzureWriter, createKuduRunner, defaultCredential } from "./azure/index.ts";
import { ConfigError, loadConfigFromProcess, type Config } from "./config.ts";
import { createAlertClickHandlers } from "./core/alerts/alert-clicks.ts";
import type { AlertDeps } from "./core/alerts/alert-deps.ts";
import type { Clock } from "./core/ports.ts";
import { createLogger, type Logger } from "./log.ts";
import { startLocalEnvironment, type LocalEnvironment } from "./local/local-environment.ts";
import { startScheduler, type ScheduledJob } from "./schedule/scheduler.ts";
import { createSlackApp } from "./slack/app.ts";
import type { ClickHandler } from "./slack/dispatcher.ts";
import { openSqliteStore } from "./store/sqlite-store.ts";
import { commands } from "../handlers/index.ts";
import { certificateJob } from "../handlers/job-certificates.ts";
import { gatewayJob } from "../handlers/job-gateways.ts";

const clock: Clock = { now: () => new Date() };

async function main(): Promise<void> {
  const { config: fileConfig, warnings } = loadConfigFromProcess();
  const logger = createLogger({ level: fileConfig.logLevel });
  for (const warning of warnings) logger.warn(warning);

  const local = fileConfig.mode === "local" ? await startLocalEnvironment(fileConfig) : undefined;
  const config = local?.config ?? fileConfig;
  if (config.azure.subscriptions.length === 0) logger.warn("azure.subscriptions is empty: /vnet list will find nothing. Add subscription ids to the config file.");

  const clients = createAzureClients({ credential: local?.credential ?? defaultCredential(), cloud: config.azure.cloud, armEndpoint: config.armEndpoint });
  const reader = createAzureReader(clients);
  const stores = openSqliteStore(config.storage.sqlitePath);
  // Filled once the bot exists: the alert buttons open the bot's own approval flow.
  const actions: Record<string, ClickHandler> = {};
  const bot = createSlackApp({
    config,
    logger,
    reader,
    writer: createAzureWriter(clients),
    kudu: createKuduRunner(clients, config.azure.kuduUrl),
    clock,
    stores,
    commands,
    actions,
  });
  Object.assign(
    actions,
    createAlertClickHandlers({ store: stores.alerts, chat: bot.chat, access: bot.access, approvals: bot.approvals, audit: stores.audit, clock, ...timezoneOf(config) }),
  );

  const port = await bot.start();
  const scheduler = startScheduler({ schedule: config.schedule, jobs: alertJobs(config, { reader, store: stores.alerts, chat: bot.chat }, logger), logger, clock });

  announce(config, port, local);
  const stop = async () => {
    await scheduler.stop();
    await bot.stop();
    stores.close();
    await local?.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

function timezoneOf(config: Config): { timezone?: string } {
  return config.schedule.timezone ? { timezone: config.schedule.timezone } : {};
}

/** The scheduled alert jobs; none without an alert channel to post to. */
function alertJobs(config: Config, deps: Pick<AlertDeps, "reader" | "store" | "chat">, logger: Logger): ScheduledJob[] {
  const channel = config.slack.alertChannel;
  if (!channel) {
    logger.warn("slack.alertChannel is not set: certificate and gateway alerts are off.");
    return [];
  }
  const alertDeps: AlertDeps = {
    ...deps,
    subscriptions: config.azure.subscriptions,
    channel,
    certificateWarningMonths: config.schedule.certificateWarningMonths,
    reminderHours: config.schedule.reminderHours,
    ...timezoneOf(config),
  };
  return [
    certificateJob(alertDeps, config.schedule.certificates ?? "0 9 * * 1-5"),
    gatewayJob(alertDeps, config.schedule.gateways ?? "*/5 * * * *"),
  ];
}

function announce(config: Config, port: number, local: LocalEnvironment | undefined): void {
  if (local) {
    process.stdout.write(`vnetbot is running on simulated Azure and a local Slack stand-in: open http://localhost:${port}/\n`);
  } else {
    process.stdout.write(`vnetbot is running (${config.mode} mode${config.mode === "http" ? `, port ${port}` : ""})\n`);
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`vnetbot could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
