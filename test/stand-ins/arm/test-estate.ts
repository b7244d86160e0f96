import { NetworkManagementClient } from "@azure/arm-network";
import { WebSiteManagementClient } from "@azure/arm-appservice";
import { parseEstate, startSimulator, type EstateSeedInput, type RunningSimulator } from "../../../src/stand-ins/arm/index.ts";
import { testSimulatorTls } from "../../support/simulator-tls.ts";

// The SDK's own credential type, so the tests need no direct @azure/core-auth dependency.
type TokenCredential = ConstructorParameters<typeof WebSiteManagementClient>[0];

export const SUB = "11111111-2222-3333-4444-555555555555";
export const NOW = new Date("2026-06-01T12:00:00Z");

/** A static credential: the simulator only checks that a Bearer token is sent. */
export const credential: TokenCredential = { getToken: async () => ({ token: "test-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };

/** A small estate: one healthy integration, a spare app, a Linux app, a VPN gateway with one user root cert. */
export function smallEstate(): EstateSeedInput {
  return {
    pageSize: 2,
    subscriptions: [
      {
        id: SUB,
        resourceGroups: [
          {
            name: "rg-web",
            plans: [
              { name: "plan-std", sku: { name: "S1", tier: "Standard" }, routes: [{ vnet: "vnet-hub", name: "onprem", startAddress: "192.168.50.0/24" }] },
              { name: "plan-linux", os: "linux", sku: { name: "P1v3", tier: "PremiumV3" } },
            ],
            apps: [
              { name: "app-a", plan: "plan-std", vnetConnection: { vnet: "vnet-hub", certificateExpiresInDays: 90 } },
              { name: "app-b", plan: "plan-std" },
              { name: "app-c", plan: "plan-std", regionalIntegration: { vnet: "vnet-spoke", subnet: "apps" } },
              { name: "app-linux", plan: "plan-linux" },
            ],
          },
          {
            name: "rg-net",
            vnets: [
              {
                name: "vnet-hub",
                addressSpace: ["10.10.0.0/16"],
                dnsServers: ["10.10.0.4"],
                subnets: [
                  { name: "GatewaySubnet", addressPrefix: "10.10.255.0/27" },
                  { name: "workloads", addressPrefix: "10.10.1.0/24", nsg: "nsg-workloads" },
                ],
                peerings: [{ name: "hub-to-spoke", remoteVnet: "vnet-spoke", allowForwardedTraffic: true, allowGatewayTransit: true }],
              },
              { name: "vnet-spoke", addressSpace: ["10.20.0.0/16"], subnets: [{ name: "apps", addressPrefix: "10.20.1.0/24" }] },
            ],
            gateways: [
              { name: "gw-hub", vnet: "vnet-hub", addressPool: ["172.16.201.0/24"], protocols: ["SSTP"], rootCertificates: [{ name: "TeamVpnUsers" }] },
            ],
            nsgs: [
              { name: "nsg-workloads", rules: [{ name: "deny-p2s-sql", priority: 200, direction: "Inbound", access: "Deny", protocol: "Tcp", sourceAddressPrefix: "172.16.201.0/24", destinationPortRange: "1433" }] },
            ],
            connections: [{ name: "s2s-onprem", gateway: "gw-hub", connectionStatus: "Connected" }],
          },
        ],
      },
    ],
    network: { hosts: [{ ip: "10.10.1.4", names: ["sql.contoso.internal"], openPorts: [1433] }] },
  };
}

/**
 * A simulator on the given estate plus the real SDK clients pointed at it. ARM's throttling is off unless the seed
 * sets `throttling`: these clients do not pace themselves, and most tests are not about the budget.
 */
export async function startTestSimulator(seed: EstateSeedInput = smallEstate()): Promise<{
  sim: RunningSimulator;
  web: WebSiteManagementClient;
  network: NetworkManagementClient;
}> {
  const sim = await startSimulator({ estate: parseEstate({ throttling: false, ...seed }), tls: testSimulatorTls(), now: () => NOW });
  const web = new WebSiteManagementClient(credential, SUB, { endpoint: sim.url });
  const network = new NetworkManagementClient(credential, SUB, { endpoint: sim.url });
  return { sim, web, network };
}

/** Every item of a paged SDK listing. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
