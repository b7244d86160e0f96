/**
 * One replica of the bot in a process of its own, for the replica tests and the soak benchmark: what src/main.ts does
 * (configuration from the environment and the file it names, the command table, the scheduled jobs, start-bot), with
 * three differences a test needs: Azure is signed in to with a static token (the ARM simulator takes any), the
 * clock can be moved forward through the parent's IPC messages, and the job lease is shortened when asked.
 *
 * Run with `node test/support/replica-main.ts` through child_process.fork. Messages from the parent:
 *   { type: "advance", ms }  moves the clock forward; answered { type: "advanced" }
 *   { type: "memory" }       answered with process.memoryUsage() after a full garbage collection (when exposed)
 *   { type: "heap", path }   writes a heap snapshot there; answered { type: "heap", path }
 *   { type: "stop" }         stops the bot as SIGTERM would, then exits
 * Once listening it sends { type: "ready", port }; a failed start is { type: "failed", message }, then exit 1.
 */
import { getHeapSpaceStatistics, writeHeapSnapshot } from "node:v8";
import { loadConfigFromProcess } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { startBot, type RunningBot } from "../../src/start-bot.ts";
import { commands } from "../../handlers/index.ts";
import { certificateJob } from "../../handlers/job-certificates.ts";
import { gatewayJob } from "../../handlers/job-gateways.ts";

type Message = { type: "advance"; ms: number } | { type: "memory" } | { type: "heap"; path: string } | { type: "stop" };

const send = (message: unknown) => process.send?.(message);
const jobLeaseMs = Number(process.argv.find((arg) => arg.startsWith("--job-lease-ms="))?.split("=")[1] ?? 0) || undefined;
let offsetMs = 0;
let bot: RunningBot | undefined;

process.on("message", (message: Message) => {
  if (message.type === "advance") {
    offsetMs += message.ms;
    send({ type: "advanced" });
  } else if (message.type === "memory") {
    (globalThis as { gc?: () => void }).gc?.();
    const usage = process.memoryUsage();
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, space.physical_space_size]));
    send({ type: "memory", rss: usage.rss, heapTotal: usage.heapTotal, heapUsed: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers, spaces });
  } else if (message.type === "heap") {
    (globalThis as { gc?: () => void }).gc?.();
    send({ type: "heap", path: writeHeapSnapshot(message.path) });
  } else if (message.type === "stop") {
    void (bot?.stop() ?? Promise.resolve()).then(() => process.exit(0));
  }
});

try {
  const { config } = loadConfigFromProcess();
  bot = await startBot({
    config,
    logger: createLogger({ level: config.logLevel }),
    clock: { now: () => new Date(Date.now() + offsetMs) },
    commands,
    jobs: (deps, effective) => [
      certificateJob(deps, effective.schedule.certificates ?? "0 9 * * 1-5"),
      gatewayJob(deps, effective.schedule.gateways ?? "*/5 * * * *"),
    ],
    credential: { getToken: async () => ({ token: "replica-test-token", expiresOnTimestamp: Date.now() + 3_600_000 }) },
    ...(jobLeaseMs ? { jobLeaseMs } : {}),
  });
  send({ type: "ready", port: bot.port });
} catch (error) {
  send({ type: "failed", message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
