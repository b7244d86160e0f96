// Every ARM request attempt reaches the metrics with its path template and status, a retried 429 included.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armPathTemplate } from "../../src/azure/arm-request-observer.ts";
import { createAzureClients, createAzureReader } from "../../src/azure/index.ts";
import { startAzureHarness, type AzureHarness } from "../support/azure-harness.ts";

let h: AzureHarness;
beforeAll(async () => {
  h = await startAzureHarness({ estate: "demo" });
});
afterAll(() => h.close());

describe("the ARM request observer", () => {
  it("sees a throttled attempt and the retry that succeeded, by path template", async () => {
    const seen: string[] = [];
    const clients = createAzureClients({
      credential: h.clients.credential, cloud: "AzureCloud", armEndpoint: h.sim.url, pacing: false,
      observeResponse: (method, path, status) => seen.push(`${method} ${path} ${status}`),
    });
    h.sim.faults.add({ method: "GET", path: /\/sites\/orders-web$/, times: 1, retryAfterSeconds: 0, code: "TooManyRequests", message: "slow down" });

    await createAzureReader(clients).getApp(`/subscriptions/${h.subscriptions[0]}/resourceGroups/rg-apps/providers/Microsoft.Web/sites/orders-web`);

    const template = "GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Web/sites/{name}";
    expect(seen).toEqual([`${template} 429`, `${template} 200`]);
  });

  it.each([
    ["/subscriptions/s1/providers/Microsoft.Web/serverfarms?api-version=1", "/subscriptions/{subscriptionId}/providers/Microsoft.Web/serverfarms"],
    ["/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/serverfarms/p1/virtualNetworkConnections/v1/routes/r1", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Web/serverfarms/{name}/virtualNetworkConnections/{name}/routes/{name}"],
    ["/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworkGateways/gw/generatevpnclientpackage", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Network/virtualNetworkGateways/{name}/generatevpnclientpackage"],
    ["/subscriptions/s1/providers/Microsoft.Network/locations/westeurope/operations/abc", "/subscriptions/{subscriptionId}/providers/Microsoft.Network/locations/{name}/operations/{name}"],
    ["/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/a/providers/Microsoft.ResourceHealth/availabilityStatuses/current", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Web/sites/{name}/providers/Microsoft.ResourceHealth/availabilityStatuses/{name}"],
  ])("templates %s", (path, template) => {
    expect(armPathTemplate(`https://management.azure.com${path}`)).toBe(template);
  });
});
