// HTTP mode's server: where it listens and what it answers besides Slack's requests.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { startAzureHarness, type AzureHarness } from "../support/azure-harness.ts";
import { NOW, startSlackHarness, type SlackHarness } from "../support/slack-harness.ts";

const HTTP_ENV = { SLACK_BOT_TOKEN: "xoxb-1-2-abc", SLACK_SIGNING_SECRET: "shh", VNETBOT_CONFIG: "bot.yaml" };
const hostFrom = (env: Record<string, string>) => loadConfig({ ...HTTP_ENV, ...env }, () => "access: { approvers: [U0AAA] }\n").config.host;

async function healthz(address: string, slack: SlackHarness): Promise<number | string> {
  try {
    return (await fetch(`http://${address}:${slack.bot.port()}/healthz`)).status;
  } catch (error) {
    return ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code ?? String(error);
  }
}

let azure: AzureHarness;
let slack: SlackHarness | undefined;
beforeAll(async () => {
  azure = await startAzureHarness({ estate: "demo", now: () => NOW });
});
afterEach(async () => {
  await slack?.close();
  slack = undefined;
});
afterAll(() => azure.close());

// Linux routes all of 127.0.0.0/8 to the loopback interface, so 127.0.0.2 is another local address: reachable when
// the bot listens on every interface, refused when it listens on 127.0.0.1 only.
describe("HTTP mode's listening address", () => {
  it("listens on 127.0.0.1 only when HOST=127.0.0.1", async () => {
    slack = await startSlackHarness({ azure, host: hostFrom({ HOST: "127.0.0.1" }) });

    expect(await healthz("127.0.0.1", slack)).toBe(200);
    expect(await healthz("127.0.0.2", slack)).toBe("ECONNREFUSED");
  });

  it("listens on every interface without HOST", async () => {
    slack = await startSlackHarness({ azure, host: hostFrom({}) });

    expect(await healthz("127.0.0.1", slack)).toBe(200);
    expect(await healthz("127.0.0.2", slack)).toBe(200);
  });
});

describe("requests that are not Slack's", () => {
  it("answers a browser's favicon request with 204 and no info line, while other unknown paths are still logged", async () => {
    const lines: Array<{ level: string; msg: string }> = [];
    slack = await startSlackHarness({ azure, logger: createLogger({ level: "info", sink: (line) => lines.push(JSON.parse(line) as { level: string; msg: string }) }) });
    const before = lines.length;

    const favicon = await fetch(`${slack.base}/favicon.ico`);
    const favicons = lines.slice(before);
    const other = await fetch(`${slack.base}/wp-login.php`);

    expect(favicon.status).toBe(204);
    expect(favicons).toEqual([]);
    expect(other.status).toBe(404);
    expect(lines.slice(before)).toEqual([expect.objectContaining({ level: "info", msg: "bolt: Unhandled HTTP request (GET) made to /wp-login.php" })]);
  });
});
