// HOST decides where HTTP mode listens. Linux routes all of 127.0.0.0/8 to the loopback interface, so 127.0.0.2 is
// another local address: reachable when the bot listens on every interface, refused when it listens on 127.0.0.1.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
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
