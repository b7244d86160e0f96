/**
 * The floor of the ack benchmark: a bare Bolt app in HTTP mode whose /vnet handler only acks, configured as the bot
 * configures Bolt (signature checks, processBeforeResponse false, the same Web API stand-in), with /healthz for
 * readiness. Started by bot-process.ts with PORT, SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN and SLACK_API_URL.
 * With BARE_BOLT_AZURE_SDKS=1 it also loads the three Azure SDK packages the bot must use, and builds a client of
 * each: the memory benchmark's floor for a bot that has read Azure. With BARE_BOLT_START_LIBRARIES=1 it loads what the
 * bot loads by the time it is ready besides Bolt, and uses each as the bot does at start: the config's parser and
 * validator, the scheduler, the metrics, SQLite, time zones (ICU), and the credential and App Service client of the
 * start-up sign-in check. What the bot idles at above that floor is its own.
 */
import { App, LogLevel } from "@slack/bolt";

if (process.env["BARE_BOLT_START_LIBRARIES"] === "1") {
  const [{ WebSiteManagementClient }, { DefaultAzureCredential }, { z }, YAML, cron, prom, { DatabaseSync }] = await Promise.all([
    import("@azure/arm-appservice"),
    import("@azure/identity"),
    import("zod"),
    import("yaml"),
    import("node-cron"),
    import("prom-client"),
    import("node:sqlite"),
  ]);
  // yaml and prom-client are CommonJS: their module.exports is the default export, bundled or not.
  const config = z.object({ subscriptions: z.array(z.string()) }).parse(YAML.default.parse("subscriptions: [a]"));
  const held: unknown[] = [
    config,
    new WebSiteManagementClient(new DefaultAzureCredential(), "00000000-0000-0000-0000-000000000000"),
    cron.default.schedule("0 0 1 1 *", () => undefined, { timezone: new Intl.DateTimeFormat("en", { timeZone: "Europe/Amsterdam" }).resolvedOptions().timeZone }),
    new prom.default.Counter({ name: "floor_total", help: "floor" }),
    new DatabaseSync(":memory:"),
  ];
  (globalThis as { startLibraries?: unknown }).startLibraries = held;
}

if (process.env["BARE_BOLT_AZURE_SDKS"] === "1") {
  const [{ WebSiteManagementClient }, { NetworkManagementClient }, { DefaultAzureCredential }] = await Promise.all([
    import("@azure/arm-appservice"),
    import("@azure/arm-network"),
    import("@azure/identity"),
  ]);
  const credential = new DefaultAzureCredential();
  const subscription = "00000000-0000-0000-0000-000000000000";
  (globalThis as { azureClients?: unknown }).azureClients = [new WebSiteManagementClient(credential, subscription), new NetworkManagementClient(credential, subscription)];
}

const env = (name: string) => process.env[name] ?? "";
const app = new App({
  token: env("SLACK_BOT_TOKEN"),
  signingSecret: env("SLACK_SIGNING_SECRET"),
  port: Number(env("PORT")),
  processBeforeResponse: false,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: env("SLACK_API_URL") },
  customRoutes: [{ path: "/healthz", method: ["GET"], handler: (_req, res) => void res.writeHead(200).end("ok") }],
});
app.command("/vnet", async ({ ack }) => {
  await ack();
});
await app.start({ port: Number(env("PORT")), host: "127.0.0.1" });
process.once("SIGTERM", () => void app.stop().then(() => process.exit(0)));
