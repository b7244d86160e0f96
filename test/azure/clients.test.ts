import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAzureClients, createAzureReader, createKuduRunner, type AzureCloudName } from "../../src/azure/index.ts";
import { startAzureHarness, type AzureHarness } from "../support/azure-harness.ts";
import { NOW, SUB, adapterEstate, at } from "./estate.ts";

let h: AzureHarness;
beforeAll(async () => {
  h = await startAzureHarness({ estate: adapterEstate(), now: () => NOW });
});
afterAll(() => h.close());

/** A credential that records the scopes it was asked for. */
function recordingCredential() {
  const scopes: string[] = [];
  return {
    scopes,
    credential: {
      getToken: async (scope: string | string[]) => {
        scopes.push(...(Array.isArray(scope) ? scope : [scope]));
        return { token: "scoped-token", expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    },
  };
}

describe("createAzureClients", () => {
  it.each<[AzureCloudName, string]>([
    ["AzureCloud", "https://management.azure.com/.default"],
    ["AzureChinaCloud", "https://management.chinacloudapi.cn/.default"],
    ["AzureUSGovernment", "https://management.usgovcloudapi.net/.default"],
  ])("asks %s's ARM audience for tokens, for the SDKs and for Kudu alike", async (cloud, scope) => {
    const { scopes, credential } = recordingCredential();
    const clients = createAzureClients({ credential, cloud, armEndpoint: h.sim.url });
    const app = await createAzureReader(clients).getApp(at.app("app-a"));

    await createKuduRunner(clients, `${h.sim.url}/kudu/{app}`).runCommand(app, "cmd /c echo %WEBSITE_PRIVATE_IP%");

    expect(new Set(scopes)).toEqual(new Set([scope]));
  });

  it("sends every request of every subscription to the configured ARM endpoint over https with the bearer token", async () => {
    const { credential } = recordingCredential();
    const reader = createAzureReader(createAzureClients({ credential, cloud: "AzureCloud", armEndpoint: `${h.sim.url}/` }));
    const start = h.sim.requests.length;

    const [plans, vnets] = await Promise.all([reader.listPlans(SUB), reader.listVnets(SUB)]);

    expect(plans.length).toBeGreaterThan(0);
    expect(vnets.length).toBeGreaterThan(0);
    const seen = h.sim.requests.slice(start);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.every((r) => r.headers["authorization"] === "Bearer scoped-token")).toBe(true);
  });
});
