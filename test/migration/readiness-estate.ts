/** An estate for the readiness verdicts the demo estate does not show: a scale unit without regional integration, full and shared VNets, an App Service Environment. */
import type { EstateSeedInput } from "../../src/stand-ins/arm/index.ts";

export const SUB = "22222222-3333-4444-5555-666666666666";

const sku = (name: string, tier: string, capacity = 1) => ({ name, tier, capacity });
const withGateway = (name: string, space: string, gatewaySubnet: string, subnets: Array<{ name: string; addressPrefix: string; ipConfigurations?: number }> = []) => ({
  name,
  addressSpace: [space],
  subnets: [{ name: "GatewaySubnet", addressPrefix: gatewaySubnet }, ...subnets],
});

/**
 * plan-oldstamp: its scale unit has no regional integration. plan-one, plan-two and plan-three share vnet-shared,
 * which has one empty subnet and free space. plan-full's vnet-full has only a /29 left. plan-ase is an App Service
 * Environment's. plan-broken's reads are made to fail by the tests.
 */
export function readinessEstate(): EstateSeedInput {
  return {
    subscriptions: [
      {
        id: SUB,
        resourceGroups: [
          {
            name: "rg-web",
            location: "westeurope",
            plans: [
              { name: "plan-oldstamp", sku: sku("S1", "Standard"), regionalIntegration: false },
              { name: "plan-one", sku: sku("S1", "Standard") },
              { name: "plan-two", sku: sku("S1", "Standard", 3) },
              { name: "plan-three", sku: sku("P1v3", "PremiumV3", 6) },
              { name: "plan-full", sku: sku("S1", "Standard", 2) },
              { name: "plan-ase", sku: sku("I1v2", "IsolatedV2") },
              { name: "plan-broken", sku: sku("S1", "Standard") },
            ],
            apps: [
              { name: "app-old", plan: "plan-oldstamp", vnetConnection: { vnet: "vnet-a" } },
              { name: "app-old-two", plan: "plan-oldstamp", vnetConnection: { vnet: "vnet-a" } },
              { name: "app-one", plan: "plan-one", vnetConnection: { vnet: "vnet-shared" } },
              { name: "app-two", plan: "plan-two", vnetConnection: { vnet: "vnet-shared" } },
              { name: "app-three", plan: "plan-three", vnetConnection: { vnet: "vnet-shared" } },
              { name: "app-full", plan: "plan-full", vnetConnection: { vnet: "vnet-full" } },
              { name: "app-ase", plan: "plan-ase", vnetConnection: { vnet: "vnet-a" } },
              { name: "app-broken", plan: "plan-broken", vnetConnection: { vnet: "vnet-b" } },
            ],
          },
          {
            name: "rg-net",
            location: "westeurope",
            vnets: [
              withGateway("vnet-a", "10.50.0.0/16", "10.50.255.0/27"),
              // Its side of the peering with vnet-full does not allow VNet access.
              { ...withGateway("vnet-b", "10.55.0.0/16", "10.55.255.0/27"), peerings: [{ name: "b-to-full", remoteVnet: "vnet-full", allowVirtualNetworkAccess: false }] },
              withGateway("vnet-shared", "10.60.0.0/16", "10.60.255.0/27", [{ name: "snet-apps", addressPrefix: "10.60.1.0/26" }]),
              // Everything but 10.70.0.248/29 is taken. Peered with vnet-b and a classic VNet; its peering with vnet-a is
              // only Initiated.
              {
                peerings: [
                  { name: "full-to-b", remoteVnet: "vnet-b" },
                  { name: "full-to-a", remoteVnet: "vnet-a", peeringState: "Initiated" as const },
                  // A classic VNet, which regional integration cannot use even through a peering.
                  { name: "full-to-classic", remoteVnet: `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.ClassicNetwork/virtualNetworks/vnet-old` },
                ],
                ...withGateway("vnet-full", "10.70.0.0/24", "10.70.0.0/27", [
                { name: "snet-cache", addressPrefix: "10.70.0.32/27", ipConfigurations: 1 },
                { name: "snet-db", addressPrefix: "10.70.0.64/26", ipConfigurations: 2 },
                { name: "snet-vms", addressPrefix: "10.70.0.128/26", ipConfigurations: 4 },
                { name: "snet-web", addressPrefix: "10.70.0.192/27", ipConfigurations: 2 },
                { name: "snet-ops", addressPrefix: "10.70.0.224/28", ipConfigurations: 1 },
                { name: "snet-jump", addressPrefix: "10.70.0.240/29", ipConfigurations: 1 },
                ]),
              },
            ],
            gateways: [
              { name: "gw-a", vnet: "vnet-a", addressPool: ["172.16.50.0/24"], protocols: ["SSTP"] },
              { name: "gw-b", vnet: "vnet-b", addressPool: ["172.16.55.0/24"], protocols: ["SSTP"] },
              { name: "gw-shared", vnet: "vnet-shared", addressPool: ["172.16.60.0/24"], protocols: ["SSTP"] },
              { name: "gw-full", vnet: "vnet-full", addressPool: ["172.16.70.0/24"], protocols: ["SSTP"] },
            ],
          },
        ],
      },
    ],
  };
}
