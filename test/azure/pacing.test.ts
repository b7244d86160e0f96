import { afterEach, describe, expect, it, vi } from "vitest";
import type { PacingOptions } from "../../src/azure/index.ts";
import type { EstateSeedInput } from "../../src/stand-ins/arm/index.ts";
import { startAzureHarness, type AzureHarness } from "../support/azure-harness.ts";
import { NOW, SUB, adapterEstate, at } from "./estate.ts";

let h: AzureHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A small read bucket (4 requests, a token every 50 ms) on both sides: the simulator's and the pacer's copy. */
const SMALL = { reads: { burst: 4, refillPerSecond: 20 } };

/** A harness whose simulator throttles with these buckets, its clients paced as given (default: as in production). */
async function start(throttling: EstateSeedInput["throttling"], pacing?: PacingOptions | false): Promise<AzureHarness> {
  h = await startAzureHarness({ estate: adapterEstate(), now: () => NOW, throttling, ...(pacing === undefined ? {} : { pacing }) });
  return h;
}

const readVnet = async (options: { abortSignal?: AbortSignal } = {}) => (await h!.clients.network(SUB)).virtualNetworks.get("rg-net", "vnet-hub", options);

describe("pacing against ARM's throttling", () => {
  it("takes a burst of reads larger than the bucket without a single 429: the first goes alone, the rest follow the bucket", async () => {
    await start(SMALL, { limits: SMALL });

    const vnets = await Promise.all(Array.from({ length: 8 }, () => readVnet()));

    expect(vnets.map((v) => v.name)).toEqual(Array(8).fill("vnet-hub"));
    expect(h!.sim.throttling.throttled.reads).toBe(0);
    expect(h!.sim.throttling.requests.reads).toBe(8);
    // Every read but the first waited: for the first answer's remaining count, then for tokens.
    expect(h!.clients.pacingStats()).toMatchObject({ requestsWaited: 7, waiting: 0 });
    expect(h!.clients.pacingStats().longestWaitMs).toBeGreaterThan(0);
  });

  it("without pacing, the same burst runs into 429s and only the SDK's Retry-After retries get it through", async () => {
    await start(SMALL, false);

    const vnets = await Promise.all(Array.from({ length: 8 }, () => readVnet()));

    expect(vnets).toHaveLength(8);
    const { requests, throttled } = h!.sim.throttling;
    expect(throttled.reads).toBeGreaterThan(0);
    expect(requests.reads).toBe(8 + throttled.reads);
    expect(h!.clients.pacingStats().requestsWaited).toBe(0);
  });

  it("draws web, network and plain ARM reads of one subscription from one budget", async () => {
    await start(SMALL, { limits: SMALL });
    const web = await h!.clients.web(SUB);
    const network = await h!.clients.network(SUB);
    const arm = await h!.clients.arm();

    await Promise.all([
      ...Array.from({ length: 3 }, () => web.webApps.get("rg-web", "app-a")),
      ...Array.from({ length: 3 }, () => network.virtualNetworks.get("rg-net", "vnet-hub")),
      ...Array.from({ length: 3 }, () => arm.pathUnchecked(at.vnet("vnet-hub")).get({ queryParameters: { "api-version": "2026-01-01" } })),
    ]);

    expect(h!.sim.throttling.requests.reads).toBe(9);
    expect(h!.sim.throttling.throttled.reads).toBe(0);
  });

  it("adds no wait while the budget is healthy (ARM's own buckets, production pacing)", async () => {
    await start({});
    await readVnet();

    await Promise.all(Array.from({ length: 20 }, () => readVnet()));
    await (await h!.clients.web(SUB)).appServicePlans.createOrUpdateVnetRoute("rg-web", "plan-std", "vnet-hub", "r1", { startAddress: "10.99.0.0/16" });

    expect(h!.clients.pacingStats()).toEqual({ requestsWaited: 0, totalWaitMs: 0, longestWaitMs: 0, waiting: 0 });
    expect(h!.sim.throttling.throttled).toEqual({ reads: 0, writes: 0, deletes: 0 });
  });

  it("rejects a waiting request at once when its abortSignal fires, and never sends it", async () => {
    const slow = { reads: { burst: 2, refillPerSecond: 0.5 } };
    await start(slow, { limits: slow });
    await readVnet();
    await readVnet();
    const sent = h!.sim.requests.length;
    const controller = new AbortController();
    const pending = readVnet({ abortSignal: controller.signal }).catch((error: unknown) => error);
    await vi.waitFor(() => expect(h!.clients.pacingStats().waiting).toBe(1));

    controller.abort();
    // At once: before the event loop's next turn, let alone the next token, two seconds away.
    const error = await Promise.race([pending, new Promise((resolve) => setImmediate(() => resolve("still waiting")))]);

    expect(error).toMatchObject({ name: "AbortError" });
    expect(h!.sim.requests.length).toBe(sent);
    expect(h!.clients.pacingStats().waiting).toBe(0);
  });
});
