/**
 * Benchmark: what a full inventory scan costs against the ARM simulator, through the real Azure adapter.
 * Prints figures; asserts nothing. Run: `. scripts/node24.sh && node test/bench/inventory-scan.ts [plans] [appsPerPlan]`
 *
 * The figures that matter are ARM requests per plan (the scan must cost one VNet-connection call per plan, not one
 * per app) and wall time at the default concurrency.
 */
import { getCACertificates, setDefaultCACertificates } from "node:tls";
import { createAzureClients, createAzureReader } from "../../src/azure/index.ts";
import { buildInventory } from "../../src/core/inventory.ts";
import { parseEstate, startSimulator } from "../../src/stand-ins/arm/index.ts";

const plans = Number(process.argv[2] ?? 60);
const appsPerPlan = Number(process.argv[3] ?? 8);
const SUB = "0b0b0b0b-1111-2222-3333-444444444444";

const estate = parseEstate({
  pageSize: 100,
  subscriptions: [
    {
      id: SUB,
      resourceGroups: [
        {
          name: "rg-bench",
          plans: Array.from({ length: plans }, (_, p) => ({ name: `plan-${p}`, sku: { name: "S1", tier: "Standard" } })),
          apps: Array.from({ length: plans * appsPerPlan }, (_, i) => ({
            name: `app-${i}`,
            plan: `plan-${Math.floor(i / appsPerPlan)}`,
            vnetConnection: { vnet: `vnet-${i % 5}` },
          })),
          vnets: Array.from({ length: 5 }, (_, v) => ({
            name: `vnet-${v}`,
            addressSpace: [`10.${v}.0.0/16`],
            subnets: [{ name: "GatewaySubnet", addressPrefix: `10.${v}.255.0/27` }],
          })),
          gateways: Array.from({ length: 5 }, (_, v) => ({ name: `gw-${v}`, vnet: `vnet-${v}`, addressPool: [`172.16.${v}.0/24`], protocols: ["SSTP"] })),
        },
      ],
    },
  ],
});

const sim = await startSimulator({ estate });
setDefaultCACertificates([...getCACertificates("default"), sim.caPem]);
const reader = createAzureReader(
  createAzureClients({ credential: { getToken: async () => ({ token: "bench", expiresOnTimestamp: Date.now() + 3_600_000 }) }, cloud: "AzureCloud", armEndpoint: sim.url }),
);

for (const concurrency of [1, 4, 8]) {
  const before = sim.requests.length;
  const started = performance.now();
  const inventory = await buildInventory(reader, [SUB], { concurrency });
  const ms = performance.now() - started;
  const requests = sim.requests.slice(before);
  const vnetConnectionCalls = requests.filter((r) => /virtualNetworkConnections$/i.test(r.path)).length;
  console.log(
    `concurrency ${concurrency}: ${plans} plans, ${plans * appsPerPlan} apps, ${inventory.integrations.length} integrations | ` +
      `${requests.length} ARM requests (${(requests.length / plans).toFixed(2)} per plan, ${vnetConnectionCalls} VNet-connection lists) | ${ms.toFixed(0)} ms`,
  );
}
await sim.close();
