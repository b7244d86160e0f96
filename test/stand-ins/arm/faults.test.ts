import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestSimulator } from "./test-estate.ts";

let t: Awaited<ReturnType<typeof startTestSimulator>>;
beforeEach(async () => {
  t = await startTestSimulator();
});
afterEach(async () => {
  await t.sim.close();
});

const gets = (suffix: string) => t.sim.requests.filter((r) => r.method === "GET" && r.path.endsWith(suffix)).length;

describe("fault injection and throttling as the SDK sees them", () => {
  it("throttles with Retry-After and the SDK retries until it gets through", async () => {
    t.sim.faults.add({ method: "GET", path: "/virtualNetworks/vnet-hub", status: 429, retryAfterSeconds: 0, times: 2 });

    const vnet = await t.network.virtualNetworks.get("rg-net", "vnet-hub");

    expect(vnet.name).toBe("vnet-hub");
    expect(gets("/virtualNetworks/vnet-hub")).toBe(3);
  });

  it("records the status it answered to each request, faults included", async () => {
    t.sim.faults.add({ method: "GET", path: "/virtualNetworks/vnet-hub", status: 500, times: 1 });

    await t.network.virtualNetworks.get("rg-net", "vnet-hub");

    expect(t.sim.requests.filter((r) => r.path.endsWith("/virtualNetworks/vnet-hub")).map((r) => r.status)).toEqual([500, 200]);
  });

  it("throttles without Retry-After and the SDK gives up at once with the 429", async () => {
    t.sim.faults.add({ path: "/virtualNetworks/vnet-hub", status: 429, code: "SubscriptionRequestsThrottled" });

    const error = await t.network.virtualNetworks.get("rg-net", "vnet-hub").catch((e: unknown) => e);

    expect(error).toMatchObject({ statusCode: 429, code: "SubscriptionRequestsThrottled" });
    expect(gets("/virtualNetworks/vnet-hub")).toBe(1);
  });

  it("fails a request with the injected status, code and message, then stops after `times`", async () => {
    t.sim.faults.add({ method: "GET", path: /\/sites\/app-a$/, status: 403, code: "AuthorizationFailed", message: "no access", times: 1 });

    const first = await t.web.webApps.get("rg-web", "app-a").catch((e: unknown) => e);
    const second = await t.web.webApps.get("rg-web", "app-a");

    expect(first).toMatchObject({ statusCode: 403, code: "AuthorizationFailed", message: "no access" });
    expect(second.name).toBe("app-a");
  });

  it("surfaces a gateway update whose operation ends Failed as an error and keeps the old root certificates", async () => {
    const before = t.sim.state.gateways.named("gw-hub").rootCertificates.length;
    t.sim.faults.add({ method: "PUT", path: "/virtualNetworkGateways/gw-hub", failOperation: true, code: "GatewayUpdateFailed", message: "the update failed" });
    const gateway = await t.network.virtualNetworkGateways.get("rg-net", "gw-hub");
    gateway.vpnClientConfiguration!.vpnClientRootCertificates = [];

    const error = await t.network.virtualNetworkGateways.createOrUpdate("rg-net", "gw-hub", gateway, { updateIntervalInMs: 0 }).catch((e: unknown) => e);

    expect(String((error as Error).message)).toMatch(/the update failed/);
    expect(t.sim.state.gateways.named("gw-hub")).toMatchObject({ provisioningState: "Succeeded" });
    expect(t.sim.state.gateways.named("gw-hub").rootCertificates).toHaveLength(before);
  });

  it("ignores If-Match on a gateway PUT, as the spec declares none: a stale copy overwrites the roots", async () => {
    const gateway = await t.network.virtualNetworkGateways.get("rg-net", "gw-hub");
    t.sim.state.gateways.named("gw-hub").etag = 'W/"changed-by-someone-else"';
    gateway.vpnClientConfiguration!.vpnClientRootCertificates = [];

    await t.network.virtualNetworkGateways.createOrUpdate("rg-net", "gw-hub", gateway, { updateIntervalInMs: 0, requestOptions: { headers: { "If-Match": gateway.etag! } } });

    expect(t.sim.state.gateways.named("gw-hub").rootCertificates).toEqual([]);
  });

  const withRoots = async (count: number) => {
    const gateway = await t.network.virtualNetworkGateways.get("rg-net", "gw-hub");
    gateway.vpnClientConfiguration!.vpnClientRootCertificates = Array.from({ length: count }, (_, i) => ({ name: `Root${i}`, publicCertData: `MIIBroot${i}` }));
    return gateway;
  };

  it("refuses a 21st root certificate with a 400 on the PUT, changing nothing", async () => {
    const before = t.sim.state.gateways.named("gw-hub").rootCertificates;

    const error = await t.network.virtualNetworkGateways.createOrUpdate("rg-net", "gw-hub", await withRoots(21), { updateIntervalInMs: 0 }).catch((e: unknown) => e);

    expect(error).toMatchObject({ statusCode: 400, code: "VpnClientRootCertificateCountLimitReached" });
    expect(t.sim.state.gateways.named("gw-hub").rootCertificates).toEqual(before);
  });

  it("refuses a 21st root certificate as a failed operation with rootCertificateLimitError: async", async () => {
    t.sim.state.options.rootCertificateLimitError = "async";
    const before = t.sim.state.gateways.named("gw-hub").rootCertificates;

    const error = await t.network.virtualNetworkGateways.createOrUpdate("rg-net", "gw-hub", await withRoots(21), { updateIntervalInMs: 0 }).catch((e: unknown) => e);

    expect((error as Error).message).toMatch(/long-running operation has failed.*VpnClientRootCertificateCountLimitReached/s);
    expect(t.sim.state.gateways.named("gw-hub").rootCertificates).toEqual(before);
  });

  it("takes twenty root certificates", async () => {
    await t.network.virtualNetworkGateways.createOrUpdate("rg-net", "gw-hub", await withRoots(20), { updateIntervalInMs: 0 });

    expect(t.sim.state.gateways.named("gw-hub").rootCertificates).toHaveLength(20);
  });

  it("refuses a gateway update while another one runs, as ARM's RetryableErrorDueToAnotherOperation", async () => {
    t.sim.state.gateways.named("gw-hub").provisioningState = "Updating";
    const gateway = await t.network.virtualNetworkGateways.get("rg-net", "gw-hub");

    const error = await t.network.virtualNetworkGateways.createOrUpdate("rg-net", "gw-hub", gateway, { updateIntervalInMs: 0 }).catch((e: unknown) => e);

    expect(error).toMatchObject({ statusCode: 429, code: "RetryableErrorDueToAnotherOperation" });
  });

  it("refuses to generate a VPN package on a failed gateway", async () => {
    t.sim.state.gateways.named("gw-hub").provisioningState = "Failed";

    const error = await t.network.virtualNetworkGateways.generatevpnclientpackage("rg-net", "gw-hub", {}, { updateIntervalInMs: 0 }).catch((e: unknown) => e);

    expect(error).toMatchObject({ statusCode: 409, message: expect.stringMatching(/Failed/) });
  });

  it("answers 401 in ARM's error shape when no Bearer token is sent", async () => {
    const response = await fetch(`${t.sim.url}/subscriptions/x/providers/Microsoft.Web/sites`);
    const body = (await response.json()) as { error: { code: string } };

    expect(response.status).toBe(401);
    expect(body.error.code).toBe("AuthenticationFailed");
    expect(response.headers.get("x-ms-request-id")).toBeTruthy();
  });

  it("records each request with its path, query and parsed body", async () => {
    await t.web.appServicePlans.createOrUpdateVnetRoute("rg-web", "plan-std", "vnet-hub", "r1", { startAddress: "10.99.0.0/16" });

    const put = t.sim.requests.find((r) => r.method === "PUT")!;
    expect(put.path).toMatch(/\/routes\/r1$/);
    expect(put.query["api-version"]).toBe("2025-05-01");
    expect(put.body).toEqual({ properties: { startAddress: "10.99.0.0/16" } });
  });
});
