// Never silent about a broken setup: the bot started as in production (src/start-bot.ts, HTTP mode) with a credential
// that cannot sign in says so at start, in /readyz and in every command that needs Azure, while /healthz stays alive.
import { AggregateAuthenticationError, CredentialUnavailableError } from "@azure/identity";
import { createServer } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAzureHarness, type AzureHarness } from "../support/azure-harness.ts";
import { startStartedBot } from "../support/started-bot.ts";

type Started = Awaited<ReturnType<typeof startStartedBot>>;

/** What DefaultAzureCredential throws where no identity is set up (@azure/identity 4's words). */
const noIdentity = {
  getToken: async (): Promise<never> => {
    throw new AggregateAuthenticationError(
      [
        new CredentialUnavailableError("EnvironmentCredential is unavailable. No underlying credential could be used."),
        new CredentialUnavailableError("Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using 'az login'."),
      ],
      "ChainedTokenCredential authentication failed.",
    );
  },
};

let azure: AzureHarness;
let started: Started | undefined;
beforeAll(async () => {
  azure = await startAzureHarness({ estate: "demo" });
});
afterEach(async () => {
  await started?.close();
  started = undefined;
});
afterAll(() => azure.close());

const readyz = async (base: string, accept = "text/plain") => {
  const response = await fetch(`${base}/readyz`, { headers: { accept } });
  return { status: response.status, body: await response.text() };
};

describe("a bot started with an Azure credential that cannot sign in", () => {
  it("says so at start, answers /readyz 503 naming Azure and the credential, and stays alive", async () => {
    started = await startStartedBot({ azure, credential: noIdentity });

    const health = await fetch(`${started.base}/healthz`);
    const text = await readyz(started.base);
    const json = JSON.parse((await readyz(started.base, "application/json")).body) as { ready: boolean; checks: Array<{ name: string; ok: boolean; problem?: string }> };

    expect(started.bot.readyAtStart.ready).toBe(false);
    expect(started.bot.readyAtStart.checks.find((c) => c.name === "azure")?.problem).toContain("no credential of DefaultAzureCredential's chain gave it a token");
    expect(health.status).toBe(200);
    expect(text.status).toBe(503);
    expect(text.body).toMatch(/^not ready\nazure: vnetbot could not sign in to Azure: no credential of DefaultAzureCredential's chain gave it a token \(EnvironmentCredential: No underlying credential could be used\.; AzureCliCredential: Azure CLI could not be found\..*\)\. Give vnetbot one identity/);
    expect(text.body).not.toMatch(/^(store|slack):/m);
    expect(json.ready).toBe(false);
    expect(json.checks.map((c) => [c.name, c.ok])).toEqual([["store", true], ["slack", true], ["azure", false]]);
  });

  it("answers /vnet list with the credential that failed and how to fix it, never with 0 integrations", async () => {
    started = await startStartedBot({ azure, credential: noIdentity });

    const { answer } = await started.command("U0SOMEONE", "list");

    expect(answer?.text).toContain("vnetbot could not read any of the 2 configured subscriptions, so it cannot tell which integrations exist: vnetbot could not sign in to Azure");
    expect(JSON.stringify(answer?.blocks)).toContain("AZURE_CLIENT_SECRET");
    expect(JSON.stringify(answer?.blocks)).not.toContain("0 gateway-required integrations");
  });
});

describe("a bot whose dependencies are usable", () => {
  it("answers /readyz 200 and re-checks Slack on the next call, naming it once it fails", async () => {
    started = await startStartedBot({ azure });
    const first = await readyz(started.base);

    const failing = started.api.fail("auth.test", "invalid_auth");
    const second = await readyz(started.base);
    failing.restore();

    expect(started.bot.readyAtStart.ready).toBe(true);
    expect(first).toEqual({ status: 200, body: "ready: store, slack, azure usable\n" });
    expect(second.status).toBe(503);
    expect(second.body).toContain("slack: Slack's Web API at http://127.0.0.1:");
    expect(second.body).toContain("did not answer auth.test (invalid_auth). Hint: check SLACK_API_URL");
  });
});

describe("a Slack Web API that cannot be reached at start", () => {
  it("fails the start naming SLACK_API_URL and auth.test", async () => {
    const closed = await unusedPort();

    const start = startStartedBot({ azure, slackApiUrl: `http://127.0.0.1:${closed}/api/` });

    await expect(start).rejects.toThrow(new RegExp(`^cannot start: Slack's Web API at http://127\\.0\\.0\\.1:${closed}/api/ did not answer auth\\.test \\(ECONNREFUSED\\)\\. Hint: check SLACK_API_URL`));
  });
});

// A port nothing listens on: taken, then given back.
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
