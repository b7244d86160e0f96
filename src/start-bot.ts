/**
 * Starts the whole bot from a configuration: Azure clients → store → Slack app → scheduler, and in local mode the
 * ARM simulator, the Slack stand-in and the browser playground first. main.ts passes what only it may import (the
 * command table and the scheduled jobs); the end-to-end tests start the same stack here on a free port.
 */
import { createAzureClients, createAzureReader, createAzureWriter, createKuduRunner, defaultCredential } from "./azure/index.ts";
import type { Config } from "./config.ts";
import { createAlertClickHandlers } from "./core/alerts/alert-clicks.ts";
import type { AlertDeps } from "./core/alerts/alert-deps.ts";
import type { AccessPolicy } from "./core/approvals/access-policy.ts";
import type { ApprovalService } from "./core/approvals/approval-service.ts";
import type { AuditLog } from "./core/audit.ts";
import type { Command } from "./core/command.ts";
import type { FixOffers } from "./core/diagnose/fix-offers.ts";
import type { Clock } from "./core/ports.ts";
import type { Logger } from "./log.ts";
import { startLocalEnvironment, type LocalEnvironment } from "./local/local-environment.ts";
import { createPlayground } from "./local/playground.ts";
import { startScheduler, type ScheduledJob } from "./schedule/scheduler.ts";
import { createSlackApp } from "./slack/app.ts";
import type { ClickHandler } from "./slack/dispatcher.ts";
import { openStore } from "./store/open-store.ts";

/** What the bot is started from. */
export interface StartBotOptions {
  config: Config;
  logger: Logger;
  clock: Clock;
  commands: readonly Command[];
  /** The scheduled jobs for the configuration in effect (in local mode, the one pointing at the stand-ins). */
  jobs: (config: Config, deps: Pick<AlertDeps, "reader" | "store" | "chat">) => ScheduledJob[];
  /** Handlers of further buttons by action id (the diagnosis' Fix buttons), built once the bot's approval flow exists. */
  actions?: (deps: ActionDeps) => Record<string, ClickHandler>;
  /** Overrides config.port, e.g. 0 for any free port. */
  port?: number;
}

/** What button handlers built outside this file get: the bot's access policy and approval flow. */
export interface ActionDeps {
  access: AccessPolicy;
  approvals: ApprovalService;
  audit: AuditLog;
  clock: Clock;
  /** The diagnoses' Fix offers (kept in the store, so buttons survive restarts). */
  offers: FixOffers;
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
}

/** Starts everything; resolves once the bot listens. */
export async function startBot(options: StartBotOptions): Promise<RunningBot> {
  const { logger, clock } = options;
  const local = options.config.mode === "local" ? await startLocalEnvironment(options.config) : undefined;
  const config = local?.config ?? options.config;
  if (config.azure.subscriptions.length === 0) logger.warn("azure.subscriptions is empty: /vnet list will find nothing. Add subscription ids to the config file.");

  const clients = createAzureClients({ credential: local?.credential ?? defaultCredential(), cloud: config.azure.cloud, armEndpoint: config.armEndpoint });
  const reader = createAzureReader(clients);
  const stores = await openStore(config, logger);
  const playground = local ? createPlayground({ slack: local.slack, signingSecret: config.secrets.signingSecret?.reveal() ?? "", logger }) : undefined;
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
    commands: options.commands,
    actions,
    ...(config.slack.alertChannel ? { alerts: { store: stores.alerts, ...timezoneOf(config) } } : {}),
    ...(playground ? { customRoutes: playground.routes } : {}),
    ...(options.port === undefined ? {} : { port: options.port }),
  });
  Object.assign(
    actions,
    createAlertClickHandlers({ store: stores.alerts, chat: bot.chat, access: bot.access, approvals: bot.approvals, audit: stores.audit, clock, ...timezoneOf(config) }),
    options.actions?.({ access: bot.access, approvals: bot.approvals, audit: stores.audit, clock, offers: bot.offers! }),
  );

  const port = await bot.start();
  const scheduler = startScheduler({ schedule: config.schedule, jobs: options.jobs(config, { reader, store: stores.alerts, chat: bot.chat }), logger, clock });
  return {
    config,
    port,
    local,
    async stop() {
      await scheduler.stop();
      // Open event streams would keep the HTTP server from closing.
      playground?.close();
      await bot.stop();
      await stores.close();
      await local?.close();
    },
  };
}

function timezoneOf(config: Config): { timezone?: string } {
  return config.schedule.timezone ? { timezone: config.schedule.timezone } : {};
}
