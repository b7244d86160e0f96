// There is no Bicep compiler in CI: these read deploy/azure/ as text and hold it against the code — the environment
// variables src/config.ts reads, the role file, the config file check-config checks, and the parameters main.bicep declares.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";

const root = join(import.meta.dirname, "..", "..");
const azureDir = join(root, "deploy", "azure");
const read = (path: string) => readFileSync(path, "utf8");
const main = read(join(azureDir, "main.bicep"));
const example = read(join(azureDir, "main.example.bicepparam"));
const bicepFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((entry) => (statSync(join(dir, entry)).isDirectory() ? bicepFiles(join(dir, entry)) : entry.endsWith(".bicep") ? [join(dir, entry)] : []));
const templates = bicepFiles(azureDir).map((path) => ({ path, text: read(path) }));
const defaults = loadConfig({}, () => undefined).config;

/** The environment variables src/config.ts reads: env["NAME"] and, inside readEnvironment, value("NAME"). */
function configEnvironment(): string[] {
  return [...read(join(root, "src", "config.ts")).matchAll(/\b(?:env\[|value\()"([A-Z][A-Z0-9_]*)"/g)].map((m) => m[1]!);
}

/** The container environment variables a template sets: { name: 'NAME' then value or secretRef }. */
function templateEnvironment(text: string): string[] {
  return [...text.matchAll(/name:\s*'([A-Z][A-Z0-9_]*)'\s*\n\s*(?:value|secretRef):/g)].map((m) => m[1]!);
}

/** Container Apps secrets a template declares, with where their value comes from. */
function declaredSecrets(text: string): Map<string, "keyVaultUrl" | "value"> {
  return new Map([...text.matchAll(/name:\s*'([a-z0-9-]+)'\s*\n\s*(keyVaultUrl|value):/g)].map((m) => [m[1]!, m[2] as "keyVaultUrl" | "value"]));
}

const params = (text: string) => [...text.matchAll(/^param\s+(\w+)\s+\S+(\s*=)?/gm)].map((m) => ({ name: m[1]!, hasDefault: Boolean(m[2]) }));
const loads = (text: string, fn: string) => [...text.matchAll(new RegExp(`${fn}\\('([^']+)'\\)`, "g"))].map((m) => m[1]!);

// Read by @azure/identity, not by config.ts: the client id of a user-assigned managed identity.
const SDK_ENVIRONMENT = ["AZURE_CLIENT_ID"];

describe("deploy/azure", () => {
  it("sets only environment variables the bot reads, and the ones it cannot start without", () => {
    const reads = configEnvironment();
    const sets = templates.flatMap((t) => templateEnvironment(t.text));

    expect(reads).toEqual(expect.arrayContaining(["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "VNETBOT_CONFIG", "VNETBOT_POSTGRES_URL", "PORT", "HOST", "LOG_LEVEL"]));
    expect(sets.filter((name) => !reads.includes(name) && !SDK_ENVIRONMENT.includes(name))).toEqual([]);
    expect(sets).toEqual(expect.arrayContaining(["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "VNETBOT_CONFIG", "AZURE_CLIENT_ID"]));
  });

  it("relies on the installed @azure/identity to take the managed identity's client id from AZURE_CLIENT_ID", () => {
    const dist = dirname(fileURLToPath(import.meta.resolve("@azure/identity")));
    const sources = jsFiles(dist).map(read).join("\n");

    for (const name of SDK_ENVIRONMENT) expect(sources).toContain(`process.env.${name}`);
  });

  it("takes the Slack secrets from Key Vault with the identity, and declares every secret it references", () => {
    const secrets = declaredSecrets(main);
    const referenced = [...main.matchAll(/secretRef:\s*'([a-z0-9-]+)'/g)].map((m) => m[1]!);

    expect(referenced.filter((name) => !secrets.has(name))).toEqual([]);
    for (const slack of ["slack-bot-token", "slack-signing-secret", "slack-app-token"]) expect(secrets.get(slack)).toBe("keyVaultUrl");
    expect(main).toMatch(/keyVaultUrl: '\$\{vaultUri\}secrets\/\$\{slackBotTokenSecretName\}'\s*\n\s*identity: identity\.id/);
  });

  it("listens, probes and ingresses on the bot's default port, with probes on /healthz", () => {
    const port = Number(/^var port = (\d+)$/m.exec(main)?.[1]);

    expect(port).toBe(defaults.port);
    expect(main).toMatch(/targetPort: port/);
    expect(main).toMatch(/path: '\/healthz'\s*\n\s*port: port/);
    expect(["Startup", "Liveness", "Readiness"].every((type) => main.includes(`type: '${type}'`))).toBe(true);
  });

  it("defines the vnetbot role from src/azure/vnetbot-role.json and assigns it at subscription scope", () => {
    const definition = templates.find((t) => t.path.endsWith("role-definition.bicep"))!;
    const assignment = templates.find((t) => t.path.endsWith("role-assignment.bicep"))!;
    const [rolePath] = loads(definition.text, "loadJsonContent");

    expect(relative(root, resolve(dirname(definition.path), rolePath!))).toBe(join("src", "azure", "vnetbot-role.json"));
    expect(definition.text).toContain("targetScope = 'subscription'");
    expect(assignment.text).toContain("targetScope = 'subscription'");
    expect(main).toMatch(/module roleAssignments 'modules\/role-assignment\.bicep' = \[for id in managedSubscriptionIds: \{\s*\n\s*name: .*\n\s*scope: subscription\(id\)$/m);
  });

  it("refers only to modules that exist", () => {
    const modules = [...main.matchAll(/^module \w+ '([^']+)'/gm)].map((m) => m[1]!);

    expect(modules.length).toBeGreaterThanOrEqual(4);
    for (const path of modules) expect(existsSync(join(azureDir, path)), path).toBe(true);
  });

  it("has a parameters example that sets only parameters main.bicep declares, and every one without a default", () => {
    const declared = params(main);
    const set = [...example.matchAll(/^param\s+(\w+)\s*=/gm)].map((m) => m[1]!);

    expect(example).toMatch(/^using '\.\/main\.bicep'$/m);
    expect(set.filter((name) => !declared.some((p) => p.name === name))).toEqual([]);
    expect(declared.filter((p) => !p.hasDefault).map((p) => p.name).filter((name) => !set.includes(name))).toEqual([]);
  });

  it("deploys the very config file that npm run check-config checks by default", () => {
    const [configPath] = loads(example, "loadTextContent");

    expect(resolve(azureDir, configPath!)).toBe(resolve(root, defaults.configPath));
  });
});

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => (statSync(join(dir, entry)).isDirectory() ? jsFiles(join(dir, entry)) : entry.endsWith(".js") ? [join(dir, entry)] : []));
}
