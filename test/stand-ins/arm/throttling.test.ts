import { NetworkManagementClient } from "@azure/arm-network";
import { afterEach, describe, expect, it } from "vitest";
import { parseEstate, startSimulator, type EstateSeedInput, type RunningSimulator } from "../../../src/stand-ins/arm/index.ts";
import { testSimulatorTls } from "../../support/simulator-tls.ts";
import { credential, NOW, SUB, smallEstate } from "./test-estate.ts";

const SUB2 = "99999999-8888-7777-6666-555555555555";
const VNET = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-hub?api-version=2026-01-01`;
const ROUTE = `/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.Web/serverfarms/plan-std/virtualNetworkConnections/vnet-hub/routes/r1?api-version=2025-05-01`;
const RESTART = `/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.Web/sites/app-a/restart?api-version=2025-05-01`;
const READS = "x-ms-ratelimit-remaining-subscription-reads";
const WRITES = "x-ms-ratelimit-remaining-subscription-writes";
const DELETES = "x-ms-ratelimit-remaining-subscription-deletes";

let sim: RunningSimulator | undefined;
/** The simulator's monotonic clock in milliseconds; tests move it instead of waiting. */
let clock = 0;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(throttling?: EstateSeedInput["throttling"]): Promise<RunningSimulator> {
  clock = 0;
  const seed = smallEstate();
  seed.subscriptions.push({ id: SUB2 });
  sim = await startSimulator({
    estate: parseEstate(throttling === undefined ? seed : { ...seed, throttling }),
    tls: testSimulatorTls(),
    now: () => NOW,
    monotonicNow: () => clock,
  });
  return sim;
}

async function call(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Response> {
  const response = await fetch(`${sim!.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${options.token ?? "principal-a"}`, "content-type": "application/json" },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  await response.arrayBuffer();
  return response;
}

const get = (path = VNET, token?: string) => call("GET", path, token === undefined ? {} : { token });
const putRoute = () => call("PUT", ROUTE, { body: { properties: { startAddress: "10.99.0.0/16" } } });

describe("ARM throttling in the simulator", () => {
  it("answers like ARM by default: 250 reads, 200 writes and 200 deletes, counted down in the remaining headers", async () => {
    await start();

    const read = await get();
    const write = await putRoute();
    const remove = await call("DELETE", ROUTE);

    expect(read.headers.get(READS)).toBe("249");
    expect(write.headers.get(WRITES)).toBe("199");
    expect(remove.headers.get(DELETES)).toBe("199");
  });

  it("empties after the burst, then answers 429 SubscriptionRequestsThrottled with Retry-After until a token is back", async () => {
    await start({ reads: { burst: 3, refillPerSecond: 0.4 } });

    const remaining = [];
    for (let i = 0; i < 3; i++) remaining.push((await get()).headers.get(READS));
    const refused = await fetch(`${sim!.url}${VNET}`, { headers: { authorization: "Bearer principal-a" } });
    const body = (await refused.json()) as { error: { code: string; message: string } };
    clock += 1000;
    const stillRefused = await get();
    clock += 1500;
    const admitted = await get();

    expect(remaining).toEqual(["2", "1", "0"]);
    expect(refused.status).toBe(429);
    expect(body.error.code).toBe("SubscriptionRequestsThrottled");
    expect(body.error.message).toMatch(/'read' requests for subscription .* Please try again after '3' seconds/);
    expect(refused.headers.get("retry-after")).toBe("3");
    expect(refused.headers.get(READS)).toBe("0");
    expect(refused.headers.get("x-ms-request-id")).toBeTruthy();
    expect([stillRefused.status, stillRefused.headers.get("retry-after")]).toEqual([429, "2"]);
    expect([admitted.status, admitted.headers.get(READS)]).toEqual([200, "0"]);
    expect(sim!.throttling.requests.reads).toBe(6);
    expect(sim!.throttling.throttled.reads).toBe(2);
  });

  it("refills at the configured rate up to the burst and never beyond it", async () => {
    await start({ reads: { burst: 3, refillPerSecond: 2 } });
    for (let i = 0; i < 3; i++) await get();

    clock += 500;
    const afterHalfASecond = await get();
    clock += 60_000;
    const afterAMinute = await get();

    expect(afterHalfASecond.headers.get(READS)).toBe("0");
    expect(afterAMinute.headers.get(READS)).toBe("2");
  });

  it("keeps reads, writes and deletes in buckets of their own, and charges a POST to writes", async () => {
    await start({ reads: { burst: 1, refillPerSecond: 1 }, writes: { burst: 5, refillPerSecond: 1 }, deletes: { burst: 4, refillPerSecond: 1 } });
    await get();

    const read = await get();
    const put = await putRoute();
    const post = await call("POST", RESTART);
    const remove = await call("DELETE", ROUTE);

    expect(read.status).toBe(429);
    expect([put.status, put.headers.get(WRITES), put.headers.get(READS)]).toEqual([200, "4", null]);
    expect([post.headers.get(WRITES), post.headers.get(READS)]).toEqual(["3", null]);
    expect([remove.status, remove.headers.get(DELETES), remove.headers.get(WRITES)]).toEqual([200, "3", null]);
    expect(sim!.throttling.requests).toEqual({ reads: 2, writes: 2, deletes: 1 });
    expect(sim!.throttling.throttled).toEqual({ reads: 1, writes: 0, deletes: 0 });
  });

  it("gives each subscription and each principal (bearer token) a bucket of its own", async () => {
    await start({ reads: { burst: 1, refillPerSecond: 1 } });
    await get(VNET, "principal-a");

    const samePrincipal = await get(VNET, "principal-a");
    const otherPrincipal = await get(VNET, "principal-b");
    const otherSubscription = await get(`/subscriptions/${SUB2}/providers/Microsoft.Network/virtualNetworks?api-version=2026-01-01`, "principal-a");

    expect(samePrincipal.status).toBe(429);
    expect([otherPrincipal.status, otherPrincipal.headers.get(READS)]).toEqual([200, "0"]);
    expect([otherSubscription.status, otherSubscription.headers.get(READS)]).toEqual([200, "0"]);
  });

  it("charges the polls of a long-running operation to reads", async () => {
    await start();
    const network = new NetworkManagementClient(credential, SUB, { endpoint: sim!.url });
    const before = sim!.requests.length;

    await network.virtualNetworkGateways.generatevpnclientpackage("rg-net", "gw-hub", {}, { updateIntervalInMs: 0 });

    const seen = sim!.requests.slice(before);
    const polls = seen.filter((r) => r.method === "GET" && /\/(operations|operationResults)\//.test(r.path));
    expect(polls.length).toBeGreaterThan(0);
    expect(sim!.throttling.requests).toEqual({ reads: polls.length, writes: 1, deletes: 0 });
  });

  it("does not charge requests outside a subscription, such as Kudu's command API", async () => {
    await start({ writes: { burst: 1, refillPerSecond: 1 } });

    const responses = [];
    for (let i = 0; i < 2; i++) responses.push(await call("POST", "/kudu/app-a/api/command", { body: { command: "cmd /c echo %WEBSITE_PRIVATE_IP%", dir: "site\\wwwroot" } }));

    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    expect(responses.map((r) => r.headers.get(WRITES))).toEqual([null, null]);
    expect(sim!.throttling.requests).toEqual({ reads: 0, writes: 0, deletes: 0 });
  });

  it("with throttling: false sends no rate-limit headers and refuses nothing, but still counts", async () => {
    await start(false);

    const responses = [];
    for (let i = 0; i < 3; i++) responses.push(await get());

    expect(responses.map((r) => [r.status, r.headers.get(READS)])).toEqual([
      [200, null],
      [200, null],
      [200, null],
    ]);
    expect(sim!.throttling.requests.reads).toBe(3);
    expect(sim!.throttling.throttled.reads).toBe(0);
  });
});

describe("the throttling estate option", () => {
  it("keeps ARM's limits for the operation types a seed leaves out", () => {
    const estate = parseEstate({ ...smallEstate(), throttling: { writes: { burst: 2, refillPerSecond: 0.5 } } });

    expect(estate.throttling).toEqual({
      reads: { burst: 250, refillPerSecond: 25 },
      writes: { burst: 2, refillPerSecond: 0.5 },
      deletes: { burst: 200, refillPerSecond: 10 },
    });
  });

  it("refuses an empty bucket or a rate that never refills", () => {
    expect(() => parseEstate({ ...smallEstate(), throttling: { reads: { burst: 0, refillPerSecond: 0 } } }, "seed")).toThrow(/seed is not a valid estate:[\s\S]*throttling/);
  });
});
