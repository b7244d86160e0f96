import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";

const files = (content: Record<string, string>) => (path: string) => content[path];
const HTTP_ENV = { SLACK_BOT_TOKEN: "xoxb-1-2-abc", SLACK_SIGNING_SECRET: "shh" };
// The least a deployment's file needs: someone who may approve.
const DEPLOYABLE = { VNETBOT_CONFIG: "bot.yaml" };
const deployable = files({ "bot.yaml": "access: { approvers: [U0AAA] }\n" });

function problemsOf(env: Record<string, string>, yaml?: string): string[] {
  try {
    // The file problems are about the file: let a token-less file run locally instead of being refused for that.
    loadConfig({ VNETBOT_LOCAL: "1", ...env, ...(yaml === undefined ? {} : { VNETBOT_CONFIG: "bot.yaml" }) }, files(yaml === undefined ? {} : { "bot.yaml": yaml }));
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("loadConfig", () => {
  it("runs in local mode with defaults when there is no file and no Slack token", () => {
    const { config, warnings } = loadConfig({}, files({}));

    expect(config).toMatchObject({
      mode: "local",
      configFileFound: false,
      port: 3000,
      logLevel: "info",
      approvals: { expireAfterMinutes: 30 },
      storage: { sqlitePath: "./data/vnetbot.sqlite" },
      azure: { subscriptions: [], cloud: "AzureCloud" },
      access: { approvers: [] },
    });
    expect(warnings).toEqual([]);
  });

  it("refuses to turn a configured deployment without its Slack token into a local playground", () => {
    const problems = problemsOf({ VNETBOT_LOCAL: "" }, "access: { approvers: [U0AAA] }\n");

    expect(problems).toEqual([
      "SLACK_BOT_TOKEN: missing, and bot.yaml configures a real deployment. Hint: set SLACK_BOT_TOKEN (with SLACK_SIGNING_SECRET, or SLACK_APP_TOKEN for Socket Mode); to try the bot on simulated Azure instead, set VNETBOT_LOCAL=1.",
    ]);
  });

  it("runs a configured file in local mode when asked to with VNETBOT_LOCAL=1", () => {
    const { config } = loadConfig({ VNETBOT_CONFIG: "bot.yaml", VNETBOT_LOCAL: "1" }, files({ "bot.yaml": "approvals: { expireAfterMinutes: 10 }\n" }));

    expect(config.mode).toBe("local");
    expect(config.approvals.expireAfterMinutes).toBe(10);
  });

  it("refuses a deployment where nobody may approve changes, since every request would expire", () => {
    const problems = problemsOf({ ...HTTP_ENV, VNETBOT_LOCAL: "" }, "azure: { cloud: AzureCloud }\n");

    expect(problems).toEqual([
      'bot.yaml: access.approvers is empty, so nobody could approve a change and every request would expire. Hint: list Slack user IDs (U…, W…) or user-group IDs (S…) under access.approvers, e.g. "access: { approvers: [U0AAA, S0GROUP] }".',
    ]);
  });

  it("names the misspelt key when approvers were written under another name, and still reports it as a warning", () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ ...HTTP_ENV, VNETBOT_CONFIG: "bot.yaml" }, files({ "bot.yaml": "access: { aprovers: [U0AAA] }\n" }));
    } catch (caught) {
      error = caught as ConfigError;
    }

    expect(error?.problems).toEqual([
      'bot.yaml: access.approvers is empty, so nobody could approve a change and every request would expire. Hint: the file has "access.aprovers", which vnetbot does not read: rename it to access.approvers.',
    ]);
    expect(error?.warnings).toEqual(['bot.yaml: unknown key "access.aprovers" is ignored. Did you mean "access.approvers"?']);
    expect(error?.message).toContain('and 1 warning:\n  - bot.yaml: unknown key "access.aprovers" is ignored.');
  });

  it("refuses a deployment with no config file at all, saying where to put the approvers", () => {
    expect(problemsOf({ ...HTTP_ENV, VNETBOT_LOCAL: "" })).toEqual([
      expect.stringMatching(/^access\.approvers is empty, .* Hint: there is no config file at \.\/vnetbot\.yaml: create it \(or set VNETBOT_CONFIG to yours\)/),
    ]);
  });

  it("lets local mode run without approvers in the file: it brings its own", () => {
    const { config } = loadConfig({ VNETBOT_CONFIG: "bot.yaml", VNETBOT_LOCAL: "1" }, files({ "bot.yaml": "access: { aprovers: [U0AAA] }\n" }));

    expect(config.mode).toBe("local");
  });

  it("reports file, schedule and environment problems together, with the warnings, before anything starts", () => {
    const yaml = "access: { approvers: [alice] }\nschedule: { timezone: Europe/Atlantis, gateways: '61 * * * *', certificate: '0 9 * * *' }\n";
    let error: ConfigError | undefined;
    try {
      loadConfig({ ...HTTP_ENV, PORT: "http", VNETBOT_CONFIG: "bot.yaml" }, files({ "bot.yaml": yaml }));
    } catch (caught) {
      error = caught as ConfigError;
    }

    expect(error?.problems).toEqual([
      expect.stringContaining('bot.yaml: access.approvers.0: invalid value (got "alice")'),
      expect.stringContaining('bot.yaml: schedule.timezone: invalid value (got "Europe/Atlantis")'),
      expect.stringContaining('bot.yaml: schedule.gateways: "61 * * * *" is not a valid cron expression (61 is a invalid expression for minute). Hint: five fields'),
      expect.stringContaining('PORT: "http" is not a port number.'),
    ]);
    expect(error?.warnings).toEqual(['bot.yaml: unknown key "schedule.certificate" is ignored. Did you mean "schedule.certificates"?']);
  });

  it("reads the README example and picks HTTP mode from the environment", () => {
    const yaml = `
azure: { subscriptions: ["00000000-0000-0000-0000-000000000000"], cloud: AzureChinaCloud, kuduUrl: "https://{app}.scm.example" }
slack: { approvalChannel: C0APPROVALS, alertChannel: C0ALERTS }
access: { approvers: [U0AAA, S0GROUP], operators: [U0BBB] }
approvals: { expireAfterMinutes: 45 }
storage: { sqlitePath: ./data/x.sqlite }
schedule: { timezone: Europe/Riga, certificates: "0 9 * * 1-5", gateways: "*/5 * * * *", certificateWarningMonths: 3, reminderHours: 2 }
`;

    const { config } = loadConfig({ ...HTTP_ENV, VNETBOT_CONFIG: "bot.yaml", PORT: "8080" }, files({ "bot.yaml": yaml }));

    expect(config.mode).toBe("http");
    expect(config.access).toEqual({ approvers: ["U0AAA", "S0GROUP"], operators: ["U0BBB"] });
    expect(config.slack.approvalChannel).toBe("C0APPROVALS");
    expect(config.schedule).toMatchObject({ timezone: "Europe/Riga", certificateWarningMonths: 3 });
    expect(config.port).toBe(8080);
  });

  // Intl.supportedValuesOf("timeZone") leaves these IANA links out, yet every runtime formats them.
  it.each(["Asia/Kolkata", "Europe/Kyiv", "America/Argentina/Buenos_Aires"])("accepts the timezone %s", (timezone) => {
    const { config } = loadConfig({ VNETBOT_CONFIG: "bot.yaml", VNETBOT_LOCAL: "1" }, files({ "bot.yaml": `schedule: { timezone: ${timezone} }\n` }));

    expect(config.schedule.timezone).toBe(timezone);
  });

  it.each([
    [{}, "0.0.0.0"],
    [{ HOST: "127.0.0.1" }, "127.0.0.1"],
    [{ HOST: "::" }, "::"],
    [{ HOST: "vnetbot.internal" }, "vnetbot.internal"],
  ])("listens where HOST says in HTTP mode (%o → %s)", (env, host) => {
    expect(loadConfig({ ...DEPLOYABLE, ...HTTP_ENV, ...env }, deployable).config.host).toBe(host);
  });

  it("keeps local mode on 127.0.0.1 whatever HOST says, and says so", () => {
    const { config, warnings } = loadConfig({ HOST: "0.0.0.0" }, files({}));

    expect(config.host).toBe("127.0.0.1");
    expect(warnings).toEqual(["HOST is ignored in local mode: the playground can act as any user, so it listens on 127.0.0.1 only."]);
  });

  it("chooses Socket Mode when an app token is set", () => {
    expect(loadConfig({ ...DEPLOYABLE, SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" }, deployable).config.mode).toBe("socket");
  });

  it("never shows a secret, even when the config is printed", () => {
    const { config } = loadConfig({ ...DEPLOYABLE, ...HTTP_ENV }, deployable);

    expect(JSON.stringify(config)).not.toContain("xoxb-1-2-abc");
    expect(JSON.stringify(config)).not.toContain("shh");
    expect(config.secrets.botToken?.reveal()).toBe("xoxb-1-2-abc");
  });

  it("warns about an unknown key with a did-you-mean and still starts", () => {
    const { warnings } = loadConfig({ VNETBOT_CONFIG: "bot.yaml", VNETBOT_LOCAL: "1" }, files({ "bot.yaml": "approvals: { expireAfterMinute: 10 }\nschedul: {}\n" }));

    expect(warnings).toEqual([
      'bot.yaml: unknown key "approvals.expireAfterMinute" is ignored. Did you mean "approvals.expireAfterMinutes"?',
      'bot.yaml: unknown section "schedul" is ignored. Did you mean "schedule"?',
    ]);
  });

  it.each([
    ["a channel name instead of an id", "slack: { approvalChannel: '#approvals' }", 'bot.yaml: slack.approvalChannel: invalid value (got "#approvals"). Hint: use the channel ID (C…, G…), not its name'],
    ["an approver given by name", "access: { approvers: [alice] }", 'bot.yaml: access.approvers.0: invalid value (got "alice"). Hint: list Slack user IDs (U…, W…) or user-group IDs (S…), not names'],
    ["a malformed subscription id", "azure: { subscriptions: [prod] }", 'bot.yaml: azure.subscriptions.0: invalid value (got "prod"). Hint: list subscription ids (GUIDs'],
    ["an unknown cloud", "azure: { cloud: AzureGermany }", 'bot.yaml: azure.cloud: invalid value (got "AzureGermany"). Hint: use AzureCloud, AzureChinaCloud or AzureUSGovernment.'],
    ["a Kudu URL without {app}", "azure: { kuduUrl: 'https://kudu.example' }", "bot.yaml: azure.kuduUrl: invalid value (got \"https://kudu.example\"). Hint: give an https URL template containing {app}"],
    ["a zero expiry", "approvals: { expireAfterMinutes: 0 }", "bot.yaml: approvals.expireAfterMinutes: invalid value (got 0). Hint: use a whole number of minutes from 1 to 10080"],
    ["an unknown time zone", "schedule: { timezone: Mars/Olympus }", 'bot.yaml: schedule.timezone: invalid value (got "Mars/Olympus"). Hint: use an IANA time zone name'],
    ["a cron expression with too few fields", "schedule: { certificates: '0 9 *' }", 'bot.yaml: schedule.certificates: "0 9 *" is not a valid cron expression (expected 5 or 6 fields but got 3). Hint: five fields'],
    ["an inventory schedule that is not a cron expression", "schedule: { inventory: 'hourly' }", 'bot.yaml: schedule.inventory: "hourly" is not a valid cron expression'],
    ["a section that is not a mapping", "access: everyone", 'bot.yaml: access: expected a mapping with approvers, operators (got "everyone"). Hint: write access as a mapping'],
    ["broken YAML", "azure: [", "bot.yaml: not valid YAML"],
  ])("reports %s with a hint", (_name, yaml, message) => {
    const problems = problemsOf({}, yaml);

    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it.each([
    ["a user token as the bot token", { SLACK_BOT_TOKEN: "xoxp-1", SLACK_SIGNING_SECRET: "s" }, "SLACK_BOT_TOKEN: not a bot token (it should start with xoxb-). Hint: copy the Bot User OAuth Token"],
    ["HTTP mode without a signing secret", { SLACK_BOT_TOKEN: "xoxb-1" }, "SLACK_SIGNING_SECRET: missing. Hint: HTTP mode verifies every request with it"],
    ["an app token that is not one", { SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xoxb-2" }, "SLACK_APP_TOKEN: not an app-level token"],
    ["an app token without a bot token", { SLACK_APP_TOKEN: "xapp-1" }, "SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not. Hint: Socket Mode needs both tokens."],
    ["a port that is not a number", { PORT: "http" }, 'PORT: "http" is not a port number. Hint: use a whole number from 1 to 65535'],
    ["an unknown log level", { LOG_LEVEL: "verbose" }, 'LOG_LEVEL: "verbose" is not a level. Hint: use one of debug, info, warn, error.'],
    ["a Slack API URL that is not a URL", { SLACK_API_URL: "slack" }, 'SLACK_API_URL: "slack" is not an http(s) URL.'],
    ["an ARM endpoint that is not a URL", { AZURE_ARM_ENDPOINT: "ftp://arm" }, 'AZURE_ARM_ENDPOINT: "ftp://arm" is not an http(s) URL.'],
    ["a HOST with a port", { HOST: "0.0.0.0:3000" }, 'HOST: "0.0.0.0:3000" is not an IP address or host name. Hint: give the address to listen on, e.g. 0.0.0.0'],
    ["a HOST that is a URL", { HOST: "http://bot" }, 'HOST: "http://bot" is not an IP address or host name.'],
    ["an instance name with a slash", { VNETBOT_INSTANCE_ID: "pod/0" }, "VNETBOT_INSTANCE_ID: not an instance name. Hint: 1-63 letters, digits, dots, underscores and hyphens"],
  ])("reports %s with a hint", (_name, env, message) => {
    expect(problemsOf(env, "access: { approvers: [U0AAA] }\n")).toEqual([expect.stringContaining(message)]);
  });

  it("refuses a signing secret without a bot token, rather than start the playground quietly, unless asked for local mode", () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ SLACK_SIGNING_SECRET: "s" }, files({}));
    } catch (caught) {
      error = caught as ConfigError;
    }

    expect(error?.problems).toEqual([expect.stringContaining("SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is not. Hint: HTTP mode needs both")]);
    expect(loadConfig({ SLACK_SIGNING_SECRET: "s", VNETBOT_LOCAL: "1" }, files({})).config.mode).toBe("local");
  });

  it.each([
    ["VNETBOT_INSTANCE_ID first", { VNETBOT_INSTANCE_ID: "vnetbot-1", HOSTNAME: "pod-7f9c" }, "vnetbot-1"],
    ["else HOSTNAME, as Kubernetes and Docker set it", { HOSTNAME: "vnetbot-0" }, "vnetbot-0"],
    ["not a HOSTNAME that cannot be a name", { HOSTNAME: "my host" }, undefined],
    ["nothing without either (the data directory keeps one)", {}, undefined],
  ])("names the instance from %s", (_name, env, instanceId) => {
    expect(loadConfig(env, files({})).config.instanceId).toBe(instanceId);
  });

  it("lists every problem at once and never echoes a token", () => {
    let error: unknown;
    try {
      loadConfig({ SLACK_BOT_TOKEN: "xoxp-secret-value", PORT: "x", VNETBOT_CONFIG: "bot.yaml" }, files({ "bot.yaml": "access: { approvers: [alice] }" }));
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(4);
    expect((error as Error).message).toMatch(/^vnetbot cannot start: 4 configuration problems:/);
    expect((error as Error).message).not.toContain("xoxp-secret-value");
  });

  it("refuses a config file named in VNETBOT_CONFIG that does not exist", () => {
    expect(problemsOf({ VNETBOT_CONFIG: "missing.yaml" })).toEqual([expect.stringContaining("missing.yaml: the file named by VNETBOT_CONFIG does not exist")]);
  });
});
