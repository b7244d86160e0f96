/**
 * Benchmark: the inventory scan of a large estate against ARM's throttling. Prints figures; asserts nothing.
 * Run: `. scripts/node24.sh && node test/bench/inventory-scan.ts [--plans 1000] [--apps 10000] [--gateways 100] [--subscriptions 10]`
 *
 * The simulator runs in its own process with ARM's token buckets (reads: 250, refilling 25 a second, per
 * subscription and principal); the scan runs here through the production Azure adapter, paced as in production.
 * - ARM requests against the fewest the discovery allows, counted from the estate (estate-generator.ts).
 * - Wall time against the token-bucket bound for the requests each subscription was charged: max(0, N − B) / r
 *   seconds for N requests in a bucket of B refilling at r a second from full; subscriptions refill side by side, so
 *   the scan's bound is the largest subscription's.
 * - 429s ARM answered, and failures (throttling or other) that reached the inventory, which a user would see.
 */
import { getCACertificates, setDefaultCACertificates } from "node:tls";
import { createAzureClients, createAzureReader } from "../../src/azure/index.ts";
import { mergeInventories, scanSubscriptions } from "../../src/core/inventory.ts";
import { ARM_THROTTLING_LIMITS } from "../../src/stand-ins/arm/index.ts";
import { bucketBoundSeconds, describeEstate, estateOptionsFromArgs, generateEstate, minimumScanRequests, subscriptionId } from "./estate-generator.ts";
import { printFigures, ratio } from "./report.ts";
import { startSimulatorProcess } from "./simulator-process.ts";

const options = estateOptionsFromArgs(process.argv.slice(2));
const seed = generateEstate(options);
const minimum = minimumScanRequests(seed);
const subscriptions = Array.from({ length: options.subscriptions }, (_, i) => subscriptionId(i));

const sim = await startSimulatorProcess(options);
try {
  setDefaultCACertificates([...getCACertificates("default"), sim.caPem]);
  const clients = createAzureClients({
    credential: { getToken: async () => ({ token: "bench", expiresOnTimestamp: Date.now() + 3_600_000 }) },
    cloud: "AzureCloud",
    armEndpoint: sim.url,
  });
  const started = performance.now();
  const inventory = mergeInventories([...(await scanSubscriptions(createAzureReader(clients), subscriptions)).values()]);
  const seconds = (performance.now() - started) / 1000;

  const stats = await sim.stats();
  const minimumTotal = [...minimum.values()].reduce((sum, m) => sum + m.total, 0);
  const bounds = Object.values(stats.bySubscription).map((n) => bucketBoundSeconds(n, ARM_THROTTLING_LIMITS.reads));
  const bound = Math.max(0, ...bounds);
  const shown = inventory.failures.length;
  const pacing = clients.pacingStats();
  const parts = [...minimum.values()].reduce((sum, m) => ({ pages: sum.pages + m.listPages, plans: sum.plans + m.planConnectionLists, apps: sum.apps + m.perAppReads, network: sum.network + m.networkReads }), { pages: 0, plans: 0, apps: 0, network: 0 });
  printFigures(
    `Inventory scan: ${options.plans} plans, ${options.apps} apps, ${options.gateways} gateways in ${options.subscriptions} subscription(s); ${inventory.integrations.length} integrations on ${inventory.plansScanned} plans read`,
    [
      { name: "ARM requests", measured: String(stats.requests), against: `minimum ${minimumTotal} (${ratio(stats.requests, minimumTotal)})`, goal: "1.0×", meets: stats.requests === minimumTotal },
      { name: "wall time", measured: `${seconds.toFixed(1)} s`, against: `bound ${bound.toFixed(1)} s (${ratio(seconds, bound)})`, goal: "≤ 1.1×", meets: seconds <= 1.1 * bound },
      { name: "429s answered by ARM", measured: String(stats.throttling.throttled.reads + stats.throttling.throttled.writes) },
      { name: "failures shown to a user", measured: String(shown), goal: "0", meets: shown === 0 },
    ],
    [
      `estate: ${describeEstate(seed)}`,
      `minimum = ${parts.pages} list pages + ${parts.plans} plan connection lists + ${parts.apps} per-app reads on connected plans + ${parts.network} VNets and gateways`,
      `bound: the busiest subscription was charged ${Math.max(...Object.values(stats.bySubscription))} reads (bucket ${ARM_THROTTLING_LIMITS.reads.burst}, ${ARM_THROTTLING_LIMITS.reads.refillPerSecond}/s)`,
      `pacing: ${pacing.requestsWaited} requests waited for ARM's budget, ${(pacing.totalWaitMs / 1000).toFixed(0)} s in all, ${pacing.longestWaitMs.toFixed(0)} ms at most`,
    ],
  );
} finally {
  await sim.close();
}
