// A missing or refused Azure credential, as @azure/identity reports it, through the real SDK clients: every read
// says which credential failed and how to fix it, and an inventory of nothing read is a failure, not "0 integrations".
import { AggregateAuthenticationError, AuthenticationError, ClientSecretCredential, CredentialUnavailableError } from "@azure/identity";
import { signInProblem } from "../../src/azure/azure-probe.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAzureClients, createAzureReader, createKuduRunner, probeAzure } from "../../src/azure/index.ts";
import { buildInventory } from "../../src/core/inventory.ts";
import { BotError } from "../../src/errors.ts";
import { startAzureHarness, type AzureHarness } from "../support/azure-harness.ts";

let h: AzureHarness;
beforeAll(async () => {
  h = await startAzureHarness({ estate: "demo" });
});
afterAll(() => h.close());

/** What DefaultAzureCredential throws on a machine with no identity at all (messages as @azure/identity 4 words them). */
const NOTHING_CONFIGURED = () =>
  new AggregateAuthenticationError(
    [
      new CredentialUnavailableError("EnvironmentCredential is unavailable. No underlying credential could be used. To troubleshoot, visit https://aka.ms/azsdk/js/identity/environmentcredential/troubleshoot."),
      new CredentialUnavailableError("ManagedIdentityCredential: Authentication failed. Message Attempted to use managed identity, but no endpoint answered."),
      new CredentialUnavailableError("Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using 'az login'."),
    ],
    "ChainedTokenCredential authentication failed.",
  );

/** What a service principal with a wrong secret gets from Entra ID. */
const WRONG_SECRET = () =>
  new AuthenticationError(401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.\r\nTrace ID: 0000" });

const readerFailingWith = (error: () => Error) => {
  const clients = createAzureClients({ credential: { getToken: async () => { throw error(); } }, cloud: "AzureCloud", armEndpoint: h.sim.url });
  return { clients, reader: createAzureReader(clients) };
};

async function failureOf(promise: Promise<unknown>): Promise<BotError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(BotError);
  return error as BotError;
}

describe("an Azure credential that fails", () => {
  it("names each credential of DefaultAzureCredential's chain and the environment variables that set one up", async () => {
    const { reader } = readerFailingWith(NOTHING_CONFIGURED);
    const before = h.sim.requests.length;

    const error = await failureOf(reader.listPlans(h.subscriptions[0]!));

    expect(error.kind).toBe("unavailable");
    expect(error.message).toContain("vnetbot could not sign in to Azure: no credential of DefaultAzureCredential's chain gave it a token");
    expect(error.message).toContain("EnvironmentCredential: No underlying credential could be used.");
    expect(error.message).toContain("ManagedIdentityCredential: Authentication failed.");
    expect(error.message).toContain("AzureCliCredential: Azure CLI could not be found.");
    expect(error.hint).toContain("AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET");
    expect(error.hint).toContain("AZURE_FEDERATED_TOKEN_FILE");
    expect(error.hint).toContain("az login");
    expect(h.sim.requests.length).toBe(before);
  });

  it("says Entra ID refused the credential and what the code means", async () => {
    const { reader } = readerFailingWith(WRONG_SECRET);

    const error = await failureOf(reader.getApp(`/subscriptions/${h.subscriptions[0]}/resourceGroups/rg-apps/providers/Microsoft.Web/sites/orders-web`));

    expect(error.message).toBe("vnetbot could not sign in to Azure: Entra ID refused its credential (AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.).");
    expect(error.hint).toBe("The client secret is wrong: copy the secret's value (not its id) into AZURE_CLIENT_SECRET. Then restart vnetbot.");
  });

  it("says Entra ID could not be reached, not that it refused, when the sign-in request never arrived", async () => {
    // A real service-principal credential whose authority listens nowhere: MSAL's network_error.
    const unreachable = new ClientSecretCredential("00000000-0000-0000-0000-000000000000", "11111111-1111-1111-1111-111111111111", "not-a-secret", { authorityHost: "https://127.0.0.1:9", disableInstanceDiscovery: true, retryOptions: { maxRetries: 0 } });

    const problem = await signInProblem(unreachable, AbortSignal.timeout(10_000));

    expect(problem).toMatch(/^vnetbot could not sign in to Azure: it could not reach Microsoft Entra ID \((network_error|endpoints_resolution_error)\)\.$/);
  });

  it("fails a scan whose every subscription failed, instead of finding 0 integrations", async () => {
    const { reader } = readerFailingWith(NOTHING_CONFIGURED);

    const error = await failureOf(buildInventory(reader, h.subscriptions));

    expect(error.message).toMatch(/^vnetbot could not read any of the 2 configured subscriptions, so it cannot tell which integrations exist: vnetbot could not sign in to Azure/);
    expect(error.hint).toContain("az login");
  });

  it("fails the start-up probe with the same words, and Kudu too", async () => {
    const { clients } = readerFailingWith(WRONG_SECRET);
    const app = await h.reader.getApp(`/subscriptions/${h.subscriptions[0]}/resourceGroups/rg-apps/providers/Microsoft.Web/sites/orders-web`);

    const probe = await failureOf(probeAzure(clients, h.subscriptions));
    const kudu = await failureOf(createKuduRunner(clients, h.kuduUrl).runCommand(app, "hostname"));

    expect(probe.message).toContain("Entra ID refused its credential (AADSTS7000215");
    expect(kudu.message).toBe(probe.message);
  });

  it("passes the probe with a working credential, reading one page of plans per subscription", async () => {
    const before = h.sim.requests.length;

    await probeAzure(h.clients, h.subscriptions);

    const reads = h.sim.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    expect(reads.sort()).toEqual(h.subscriptions.map((s) => `GET /subscriptions/${s}/providers/Microsoft.Web/serverfarms`).sort());
  });
});
