/**
 * The bot's configuration: one YAML file validated with a schema, secrets from the environment. This is the only
 * module that reads process.env; every problem is collected and reported at once, each with a hint.
 */
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { closestWord } from "./core/closest-word.ts";
import { Secret } from "./core/secret.ts";
import { cronProblems, isKnownTimezone, type JobExpression } from "./schedule/validate-schedule.ts";
import type { core as zcore } from "zod";

const SUBSCRIPTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const USER_OR_GROUP = /^[UWS][A-Z0-9]{2,}$/;
const CHANNEL = /^[CGD][A-Z0-9]{2,}$/;
const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
// RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens, 253 characters at most.
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
/** Where HTTP mode listens when HOST is not set: every IPv4 interface, as a container's port mapping expects. */
export const DEFAULT_HOST = "0.0.0.0";
const INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

const fileSchema = z.object({
  azure: z
    .object({
      subscriptions: z.array(z.string().regex(SUBSCRIPTION_ID)).default([]),
      cloud: z.enum(["AzureCloud", "AzureChinaCloud", "AzureUSGovernment"]).default("AzureCloud"),
      kuduUrl: z.url({ protocol: /^https$/ }).refine((url) => url.includes("{app}")).optional(),
    })
    .prefault({}),
  slack: z
    .object({ approvalChannel: z.string().regex(CHANNEL).optional(), alertChannel: z.string().regex(CHANNEL).optional() })
    .prefault({}),
  access: z
    .object({ approvers: z.array(z.string().regex(USER_OR_GROUP)).default([]), operators: z.array(z.string().regex(USER_OR_GROUP)).optional() })
    .prefault({}),
  approvals: z.object({ expireAfterMinutes: z.number().int().min(1).max(10_080).default(30) }).prefault({}),
  storage: z.object({ sqlitePath: z.string().min(1).default("./data/vnetbot.sqlite") }).prefault({}),
  schedule: z
    .object({
      timezone: z.string().refine(isKnownTimezone).optional(),
      certificates: z.string().min(1).optional(),
      gateways: z.string().min(1).optional(),
      inventory: z.string().min(1).optional(),
      certificateWarningMonths: z.number().int().min(1).max(24).default(6),
      reminderHours: z.number().min(1).max(168).default(4),
    })
    .prefault({}),
});

/** What the YAML file configures, with defaults filled in. */
export type FileConfig = z.infer<typeof fileSchema>;

/** How the bot talks to Slack: HTTP (signed requests), Socket Mode, or local mode with no Slack at all. */
export type SlackMode = "http" | "socket" | "local";

/** The whole validated configuration. Secrets are wrapped so that they never print. */
export interface Config extends FileConfig {
  configPath: string;
  /** False when the file did not exist and defaults were used. */
  configFileFound: boolean;
  mode: SlackMode;
  /**
   * postgresUrl (VNETBOT_POSTGRES_URL) selects the shared PostgreSQL store; optional so that configurations built in
   * code (local mode, tests) keep the SQLite file.
   */
  secrets: { botToken: Secret | undefined; signingSecret: Secret | undefined; appToken: Secret | undefined; postgresUrl?: Secret | undefined };
  slackApiUrl: string | undefined;
  armEndpoint: string | undefined;
  /**
   * This replica's name, stable across its restarts (VNETBOT_INSTANCE_ID, else HOSTNAME): at start the bot releases
   * the work its own previous incarnation left running. Without one, an id kept in the data directory is used.
   * Optional so that configurations built in code keep working.
   */
  instanceId?: string | undefined;
  port: number;
  /** The address HTTP mode (and Socket Mode's /healthz) listens on (HOST); local mode always 127.0.0.1. */
  host: string;
  logLevel: (typeof LOG_LEVELS)[number];
}

/** The configuration could not be used; the message lists every problem with its hint, then the warnings. */
export class ConfigError extends Error {
  readonly problems: string[];
  readonly warnings: string[];
  /** The mode the environment asked for: outside local mode the bot would have signed in to Azure. */
  readonly mode: SlackMode | undefined;

  constructor(problems: string[], warnings: string[] = [], mode?: SlackMode) {
    const list = (items: string[]) => items.map((p) => `  - ${p}`).join("\n");
    const also = warnings.length === 0 ? "" : `\nand ${warnings.length} warning${warnings.length === 1 ? "" : "s"}:\n${list(warnings)}`;
    super(`vnetbot cannot start: ${problems.length} configuration problem${problems.length === 1 ? "" : "s"}:\n${list(problems)}${also}`);
    this.name = "ConfigError";
    this.problems = problems;
    this.warnings = warnings;
    this.mode = mode;
  }
}

/** Reads a file; returns undefined when it does not exist. */
export type ReadFile = (path: string) => string | undefined;

const readIfExists: ReadFile = (path) => {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
};

/** Everything a check found: the configuration only when nothing stops it. */
export interface ConfigCheck {
  config: Config | undefined;
  problems: string[];
  warnings: string[];
  /** How the bot would talk to Slack: outside local mode it signs in to Azure, which is worth checking too. */
  mode: SlackMode;
}

/** How to check a configuration. */
export interface CheckOptions {
  /**
   * Check a file for a deployment before it is deployed (npm run check-config): the file must exist and is held to
   * what HTTP or Socket Mode needs, while missing Slack secrets are only a warning, since a pipeline rarely holds
   * them. Secrets that are present are still checked for their shape.
   */
  beforeDeployment?: boolean;
}

/** Loads and validates the configuration; throws ConfigError listing every problem (and warning), returns warnings otherwise. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, readFile: ReadFile = readIfExists): { config: Config; warnings: string[] } {
  const { config, problems, warnings, mode } = checkConfig(env, readFile);
  if (!config) throw new ConfigError(problems, warnings, mode);
  return { config, warnings };
}

/** Checks the configuration in one pass: every problem and every warning, never throwing for what it finds. */
export function checkConfig(env: Readonly<Record<string, string | undefined>>, readFile: ReadFile = readIfExists, options: CheckOptions = {}): ConfigCheck {
  const problems: string[] = [];
  const warnings: string[] = [];
  const configPath = env["VNETBOT_CONFIG"] || "./vnetbot.yaml";

  let text: string | undefined;
  try {
    text = readFile(configPath);
  } catch (error) {
    problems.push(`${configPath}: cannot be read (${(error as Error).message}). Hint: check the path in VNETBOT_CONFIG and the file's permissions.`);
  }
  if (text === undefined && problems.length === 0) {
    if (options.beforeDeployment) {
      problems.push(`${configPath}: no such file, so there is nothing to check. Hint: give the config file's path, e.g. npm run check-config -- ./vnetbot.yaml.`);
    } else if (env["VNETBOT_CONFIG"]) {
      problems.push(`${configPath}: the file named by VNETBOT_CONFIG does not exist. Hint: fix the path, or unset VNETBOT_CONFIG to run with defaults.`);
    }
  }

  let raw: unknown = {};
  // A file that could not be read as a mapping says nothing about its sections: no problem is inferred from them.
  let unreadable = false;
  if (text !== undefined) {
    try {
      raw = parseYaml(text) ?? {};
    } catch (error) {
      const reason = (error as Error).message.split("\n")[0];
      problems.push(`${configPath}: not valid YAML (${reason}). Hint: check indentation and quoting near that line.`);
      unreadable = true;
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      if (problems.length === 0) problems.push(`${configPath}: expected a mapping of sections (azure, slack, access, …). Hint: see the example in README.md.`);
      raw = {};
      unreadable = true;
    }
    warnings.push(...unknownKeyWarnings(raw as object, configPath));
  }

  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => describeIssue(configPath, issue, raw)));
  // The cron expressions are checked here, with the rest, rather than when the scheduler starts after "ready".
  problems.push(...cronProblems(configuredJobs(raw as Record<string, unknown>)).map((problem) => `${configPath}: ${problem}`));

  const env_ = readEnvironment(env, problems, warnings);
  const isLocal = env["VNETBOT_LOCAL"] === "1";
  if (env_.mode === "local" && text !== undefined && !isLocal) {
    if (options.beforeDeployment) {
      warnings.push("SLACK_BOT_TOKEN is not set here, so the Slack secrets were not checked. The bot refuses to start without it (with SLACK_SIGNING_SECRET, or SLACK_APP_TOKEN for Socket Mode).");
    } else {
      // A deployment whose token failed to load must not quietly become a playground anyone on the port can approve in.
      problems.push(
        `SLACK_BOT_TOKEN: missing, and ${configPath} configures a real deployment. Hint: set SLACK_BOT_TOKEN (with SLACK_SIGNING_SECRET, or SLACK_APP_TOKEN for Socket Mode); to try the bot on simulated Azure instead, set VNETBOT_LOCAL=1.`,
      );
    }
  }
  // Local mode brings its own approvers; anywhere else a change nobody may approve can only expire.
  const deployed = env_.mode !== "local" || (options.beforeDeployment === true && !isLocal);
  if (deployed && !unreadable && hasNoApprovers(raw as Record<string, unknown>)) problems.push(noApproversProblem(configPath, raw as object, text !== undefined));
  // What the bot logs at start (start-bot.ts), said before deployment too: a config that manages nothing, or alerts no one.
  if (options.beforeDeployment && deployed && parsed.success && !unreadable) {
    if (parsed.data.azure.subscriptions.length === 0) warnings.push(`${configPath}: azure.subscriptions is empty, so the bot manages nothing (/vnet list finds nothing). Hint: add the subscription ids to manage.`);
    if (!parsed.data.slack.alertChannel) warnings.push(`${configPath}: slack.alertChannel is not set, so certificate and gateway alerts are off. Hint: set it to the channel id alerts go to.`);
  }

  if (problems.length > 0 || !parsed.success) return { config: undefined, problems, warnings, mode: env_.mode };
  return { config: { ...parsed.data, ...env_, configPath, configFileFound: text !== undefined }, problems, warnings, mode: env_.mode };
}

/** Loads the configuration of this process (its environment and the file it names). */
export function loadConfigFromProcess(): { config: Config; warnings: string[] } {
  return loadConfig(process.env);
}

/** Checks a file before it is deployed (default: the one VNETBOT_CONFIG names) with this process's environment. */
export function checkConfigFromProcess(path?: string): ConfigCheck {
  return checkConfig(path === undefined ? process.env : { ...process.env, VNETBOT_CONFIG: path }, readIfExists, { beforeDeployment: true });
}

function readEnvironment(env: Readonly<Record<string, string | undefined>>, problems: string[], warnings: string[]) {
  const value = (name: string) => (env[name] ?? "").trim() || undefined;
  const botToken = value("SLACK_BOT_TOKEN");
  const signingSecret = value("SLACK_SIGNING_SECRET");
  const appToken = value("SLACK_APP_TOKEN");
  if (botToken !== undefined && !botToken.startsWith("xoxb-")) {
    problems.push("SLACK_BOT_TOKEN: not a bot token (it should start with xoxb-). Hint: copy the Bot User OAuth Token from the app's OAuth & Permissions page.");
  }
  if (appToken !== undefined && !appToken.startsWith("xapp-")) {
    problems.push("SLACK_APP_TOKEN: not an app-level token (it should start with xapp-). Hint: create one with the connections:write scope under Basic Information.");
  }
  if (appToken !== undefined && botToken === undefined) {
    problems.push("SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not. Hint: Socket Mode needs both tokens.");
  }
  // A deployment whose bot token failed to load must not quietly become the local playground (as with a config file).
  if (signingSecret !== undefined && botToken === undefined && appToken === undefined && env["VNETBOT_LOCAL"] !== "1") {
    problems.push("SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is not. Hint: HTTP mode needs both; to try the local playground instead, unset SLACK_SIGNING_SECRET or set VNETBOT_LOCAL=1.");
  }
  if (botToken !== undefined && appToken === undefined && signingSecret === undefined) {
    problems.push("SLACK_SIGNING_SECRET: missing. Hint: HTTP mode verifies every request with it; copy it from the app's Basic Information page, or set SLACK_APP_TOKEN for Socket Mode.");
  }
  const slackApiUrl = value("SLACK_API_URL");
  if (slackApiUrl !== undefined && !isHttpUrl(slackApiUrl)) {
    problems.push(`SLACK_API_URL: "${slackApiUrl}" is not an http(s) URL. Hint: use the Web API base, e.g. https://slack.com/api/.`);
  }
  const armEndpoint = value("AZURE_ARM_ENDPOINT");
  if (armEndpoint !== undefined && !isHttpUrl(armEndpoint)) {
    problems.push(`AZURE_ARM_ENDPOINT: "${armEndpoint}" is not an http(s) URL. Hint: e.g. https://management.azure.com or the simulator's address.`);
  }
  // Only from the environment: the URL holds the database password. Never echoed back, for the same reason.
  const postgresUrl = value("VNETBOT_POSTGRES_URL");
  if (postgresUrl !== undefined && !isPostgresUrl(postgresUrl)) {
    problems.push(
      "VNETBOT_POSTGRES_URL: not a PostgreSQL URL (it should start with postgres:// or postgresql://). Hint: e.g. postgresql://vnetbot:PASSWORD@db.example.com:5432/vnetbot?sslmode=require, with special characters in the password percent-encoded; unset it to use the SQLite file.",
    );
  }
  // Becomes part of lease holders ("<instance>/<random>"): no slash, nothing a log line could misread.
  const explicitInstance = value("VNETBOT_INSTANCE_ID");
  if (explicitInstance !== undefined && !INSTANCE_ID.test(explicitInstance)) {
    problems.push("VNETBOT_INSTANCE_ID: not an instance name. Hint: 1-63 letters, digits, dots, underscores and hyphens, starting with a letter or digit, e.g. vnetbot-0; give each replica its own.");
  }
  // Kubernetes and Docker set HOSTNAME per pod or container; a value that cannot be a name is ignored.
  const hostname = value("HOSTNAME");
  const instanceId = explicitInstance ?? (hostname !== undefined && INSTANCE_ID.test(hostname) ? hostname : undefined);
  const portText = value("PORT") ?? "3000";
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    problems.push(`PORT: "${portText}" is not a port number. Hint: use a whole number from 1 to 65535 (default 3000; 0 takes any free port).`);
  }
  const host = value("HOST");
  if (host !== undefined && isIP(host) === 0 && !HOST_NAME.test(host)) {
    problems.push(
      `HOST: "${host}" is not an IP address or host name. Hint: give the address to listen on, e.g. 0.0.0.0 (every IPv4 interface, the default), :: (every interface) or 127.0.0.1 (this machine only); the port goes in PORT.`,
    );
  }
  const level = (value("LOG_LEVEL") ?? "info").toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    problems.push(`LOG_LEVEL: "${level}" is not a level. Hint: use one of ${LOG_LEVELS.join(", ")}.`);
  }
  const mode: SlackMode = botToken === undefined ? "local" : appToken !== undefined ? "socket" : "http";
  if (mode === "local" && host !== undefined && host !== "127.0.0.1") {
    warnings.push(`HOST is ignored in local mode: the playground can act as any user, so it listens on 127.0.0.1 only.`);
  }
  return {
    mode,
    secrets: {
      botToken: botToken === undefined ? undefined : new Secret(botToken),
      signingSecret: signingSecret === undefined ? undefined : new Secret(signingSecret),
      appToken: appToken === undefined ? undefined : new Secret(appToken),
      postgresUrl: postgresUrl === undefined ? undefined : new Secret(postgresUrl),
    },
    slackApiUrl,
    armEndpoint,
    instanceId,
    port,
    host: mode === "local" ? "127.0.0.1" : host ?? DEFAULT_HOST,
    logLevel: level as Config["logLevel"],
  };
}

// Every key the file may have; unknown ones are warnings, so that files written for newer versions still start.
const KNOWN_KEYS: Record<string, readonly string[]> = {
  azure: ["subscriptions", "cloud", "kuduUrl"],
  slack: ["approvalChannel", "alertChannel"],
  access: ["approvers", "operators"],
  approvals: ["expireAfterMinutes"],
  storage: ["sqlitePath"],
  schedule: ["timezone", "certificates", "gateways", "inventory", "certificateWarningMonths", "reminderHours"],
};

// What to do about a problem, by the path of the key that has it.
const HINTS: Record<string, string> = {
  "azure.subscriptions": "list subscription ids (GUIDs such as 00000000-0000-0000-0000-000000000000), e.g. from `az account list -o table`.",
  "azure.cloud": "use AzureCloud, AzureChinaCloud or AzureUSGovernment.",
  "azure.kuduUrl": 'give an https URL template containing {app}, e.g. "https://{app}.scm.my-ase.p.azurewebsites.net".',
  "slack.approvalChannel": "use the channel ID (C…, G…), not its name: open the channel's details in Slack and copy the ID at the bottom.",
  "slack.alertChannel": "use the channel ID (C…, G…), not its name: open the channel's details in Slack and copy the ID at the bottom.",
  "access.approvers": "list Slack user IDs (U…, W…) or user-group IDs (S…), not names: copy them from the profile's ⋮ menu → Copy member ID.",
  "access.operators": "list Slack user IDs (U…, W…) or user-group IDs (S…), not names; leave the key out to let everyone request changes.",
  "approvals.expireAfterMinutes": "use a whole number of minutes from 1 to 10080 (a week); the default is 30.",
  "storage.sqlitePath": "give a file path such as ./data/vnetbot.sqlite.",
  "schedule.timezone": "use an IANA time zone name such as Europe/Riga or UTC.",
  "schedule.certificates": 'give a cron expression such as "0 9 * * 1-5".',
  "schedule.gateways": 'give a cron expression such as "*/5 * * * *".',
  "schedule.inventory": 'give a cron expression such as "*/15 * * * *".',
  "schedule.certificateWarningMonths": "use a whole number of months from 1 to 24; the default is 6.",
  "schedule.reminderHours": "use a number of hours from 1 to 168; the default is 4.",
};

function describeIssue(file: string, issue: zcore.$ZodIssue, raw: unknown): string {
  const path = issue.path.map(String);
  const key = path.filter((p) => !/^\d+$/.test(p)).join(".");
  const value = path.reduce<unknown>((node, part) => (node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined), raw);
  const shown = value === undefined ? "" : ` (got ${JSON.stringify(value)})`;
  const section = KNOWN_KEYS[key] ? `expected a mapping with ${KNOWN_KEYS[key]!.join(", ")}` : "";
  const hint = HINTS[key] ?? (section ? `write ${key} as a mapping, e.g. "${key}: { ${KNOWN_KEYS[key]![0]}: … }".` : "see the example in README.md.");
  return `${file}: ${path.join(".") || "(top level)"}: ${section || "invalid value"}${shown}. Hint: ${hint}`;
}

function unknownKeyWarnings(raw: object, file: string): string[] {
  const warnings: string[] = [];
  for (const [section, value] of Object.entries(raw)) {
    const keys = KNOWN_KEYS[section];
    if (!keys) {
      warnings.push(`${file}: unknown section "${section}" is ignored.${didYouMean(section, Object.keys(KNOWN_KEYS))}`);
      continue;
    }
    if (!value || typeof value !== "object" || Array.isArray(value)) continue;
    for (const key of Object.keys(value)) {
      if (!keys.includes(key)) warnings.push(`${file}: unknown key "${section}.${key}" is ignored.${didYouMean(key, keys, section)}`);
    }
  }
  return warnings;
}

function didYouMean(word: string, candidates: readonly string[], section?: string): string {
  const best = closest(word, candidates);
  return best === undefined ? "" : ` Did you mean "${section ? `${section}.` : ""}${best}"?`;
}

// The candidate a typo most likely meant, if any is close enough.
function closest(word: string, candidates: readonly string[]): string | undefined {
  return closestWord(word, candidates);
}

// The scheduled jobs' cron expressions as the file gives them (type errors are the schema's to report).
function configuredJobs(raw: Record<string, unknown>): JobExpression[] {
  const schedule = raw["schedule"];
  if (!schedule || typeof schedule !== "object") return [];
  return (["certificates", "gateways", "inventory"] as const).flatMap((name) => {
    const expression = (schedule as Record<string, unknown>)[name];
    return typeof expression === "string" && expression !== "" ? [{ name, expression }] : [];
  });
}

// True when access.approvers is missing or empty; a value of the wrong type is the schema's to report.
function hasNoApprovers(raw: Record<string, unknown>): boolean {
  const access = raw["access"];
  if (access === undefined || access === null) return true;
  if (typeof access !== "object" || Array.isArray(access)) return false;
  const approvers = (access as Record<string, unknown>)["approvers"];
  return approvers === undefined || approvers === null || (Array.isArray(approvers) && approvers.length === 0);
}

function noApproversProblem(file: string, raw: object, fileFound: boolean): string {
  const problem = `access.approvers is empty, so nobody could approve a change and every request would expire.`;
  const typo = misspelling(raw, "access", "approvers");
  if (typo) return `${file}: ${problem} Hint: the file has "${typo}", which vnetbot does not read: rename it to access.approvers.`;
  const example = 'list Slack user IDs (U…, W…) or user-group IDs (S…) under access.approvers, e.g. "access: { approvers: [U0AAA, S0GROUP] }".';
  if (!fileFound) return `${problem} Hint: there is no config file at ${file}: create it (or set VNETBOT_CONFIG to yours) and ${example}`;
  return `${file}: ${problem} Hint: ${example}`;
}

// Where the file spells section.key the way a typo would (either part), e.g. "access.aprovers" or "acess.approvers".
function misspelling(raw: object, section: string, key: string): string | undefined {
  const keys = KNOWN_KEYS[section] ?? [];
  for (const [name, value] of Object.entries(raw)) {
    const isSection = name === section || (!KNOWN_KEYS[name] && closest(name, Object.keys(KNOWN_KEYS)) === section);
    if (!isSection || !value || typeof value !== "object" || Array.isArray(value)) continue;
    for (const written of Object.keys(value)) {
      const isKey = written === key || (!keys.includes(written) && closest(written, keys) === key);
      if (isKey && `${name}.${written}` !== `${section}.${key}`) return `${name}.${written}`;
    }
  }
  return undefined;
}

function isHttpUrl(text: string): boolean {
  return URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);
}

function isPostgresUrl(text: string): boolean {
  return URL.canParse(text) && /^postgres(ql)?:$/.test(new URL(text).protocol) && new URL(text).host !== "";
}
