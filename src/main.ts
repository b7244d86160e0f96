/**
 * The composition root: the only file that sees every layer and the only importer of handlers/. It loads the
 * configuration and starts the bot (src/start-bot.ts) with the command table and the scheduled jobs. With no Slack bot
 * token it runs in local mode, on the ARM simulator and a local Slack stand-in with a browser playground.
 */
import { defaultCredential, signInProblem } from "./azure/index.ts";
import { ConfigError, loadConfigFromProcess } from "./config.ts";
import type { Clock } from "./core/ports.ts";
import { createLogger, errorFields } from "./log.ts";
import { startBot, type RunningBot } from "./start-bot.ts";
import { commands } from "../handlers/index.ts";
import { certificateJob } from "../handlers/job-certificates.ts";
import { gatewayJob } from "../handlers/job-gateways.ts";
import { DEFAULT_INVENTORY_SCHEDULE, inventoryJob } from "../handlers/job-inventory.ts";

const clock: Clock = { now: () => new Date() };

async function main(): Promise<void> {
  const { config, warnings } = loadConfigFromProcess();
  const logger = createLogger({ level: config.logLevel });
  for (const warning of warnings) logger.warn(warning);

  const bot = await startBot({
    config,
    logger,
    clock,
    commands,
    jobs: (deps, effective) => [
      certificateJob(deps, effective.schedule.certificates ?? "0 9 * * 1-5"),
      gatewayJob(deps, effective.schedule.gateways ?? "*/5 * * * *"),
    ],
    inventoryJob: (keeper, effective, deps) => inventoryJob(keeper, effective.schedule.inventory ?? DEFAULT_INVENTORY_SCHEDULE, deps),
  });

  // The last line an operator sees of this process says why it ended.
  const stop = async (signal: NodeJS.Signals) => {
    try {
      await bot.stop();
    } catch (error) {
      // Unexpected whatever it is: where it was thrown is what the operator needs (`npm run trace` maps the frames).
      logger.error("vnetbot did not stop cleanly", { signal, ...errorFields(error) });
      process.exit(1);
    }
    logger.info("vnetbot stopped", { signal });
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  // Only once the handlers are in place: whoever waits for this line may stop the process at once.
  announce(bot);
}

function announce({ config, port, local, readyAtStart }: RunningBot): void {
  if (local) {
    process.stdout.write(`vnetbot is running on simulated Azure and a local Slack stand-in: open http://localhost:${port}/\n`);
  } else {
    process.stdout.write(`vnetbot is running (${config.mode} mode${config.mode === "http" ? `, port ${port}` : ""})\n`);
  }
  // Running is not working: whoever starts it by hand sees at once what to fix, before any command finds nothing.
  if (!readyAtStart.ready) process.stdout.write(`vnetbot is not ready (GET /readyz answers 503 until this is fixed):\n${readyAtStart.checks.filter((c) => !c.ok).map((c) => `  - ${c.name}: ${c.problem}`).join("\n")}\n`);
}

/** Starts the bot; a start that fails says why on stderr and ends the process with code 1. */
export function run(): void {
  main().catch(fail);
}

async function fail(error: unknown): Promise<never> {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    // A configuration that stops the start is not the only thing to fix: say whether Azure's sign-in works too.
    if (error.mode !== undefined && error.mode !== "local") {
      const problem = await signInProblem(defaultCredential(), AbortSignal.timeout(15_000));
      process.stderr.write(problem ? `and Azure sign-in failed: ${problem}\n` : "Azure sign-in works.\n");
    }
  } else {
    process.stderr.write(`vnetbot could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
}

// `node src/main.ts` starts the bot; src/launch.js (what `npm start` runs) imports this file and calls run() itself.
if (import.meta.main) run();
