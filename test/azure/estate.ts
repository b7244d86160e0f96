/** The estate of the Azure adapter tests: one integration of each kind the reader maps, small pages. */
import type { EstateSeedInput } from "../../src/stand-ins/arm/index.ts";
import { ids } from "../../src/core/resource-id.ts";

export const SUB = "7c0de000-1111-4222-8333-944455556666";
/** The fixed "now" of the simulator: certificates are issued relative to it. */
export const NOW = new Date("2026-04-01T10:00:00Z");

/** Ids of the estate's resources. */
export const at = {
  plan: (name: string) => ids.plan(SUB, "rg-web", name),
  app: (name: string) => ids.app(SUB, "rg-web", name),
  vnet: (name: string) => ids.vnet(SUB, "rg-net", name),
  gateway: (name: string) => ids.gateway(SUB, "rg-net", name),
  nsg: (name: string) => ids.nsg(SUB, "rg-net", name),
};

/** Plan plan-std with app-a on vnet-hub (cert expiring in 200 days), app-b spare, app-c regional; a Linux plan. */
export function adapterEstate(): EstateSeedInput {
  return {
    pageSize: 2,
    subscriptions: [
      {
        id: SUB,
        resourceGroups: [
          {
            name: "rg-web",
            plans: [
              { name: "plan-std", sku: { name: "S1", tier: "Standard" }, routes: [{ vnet: "vnet-hub", name: "onprem", startAddress: "192.168.50.0", endAddress: "192.168.50.255" }] },
              { name: "plan-linux", os: "linux", sku: { name: "P1v3", tier: "PremiumV3" } },
              { name: "plan-container", container: true, sku: { name: "P1v3", tier: "PremiumV3" } },
            ],
            apps: [
              { name: "app-a", plan: "plan-std", vnetConnection: { vnet: "vnet-hub", certificateExpiresInDays: 200 } },
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
                dnsServers: ["10.10.0.4", "10.10.0.5"],
                subnets: [
                  { name: "GatewaySubnet", addressPrefix: "10.10.255.0/27" },
                  { name: "workloads", addressPrefix: "10.10.1.0/24", nsg: "nsg-workloads" },
                ],
                peerings: [{ name: "hub-to-spoke", remoteVnet: "vnet-spoke", allowForwardedTraffic: true, allowGatewayTransit: true }],
              },
              { name: "vnet-spoke", addressSpace: ["10.20.0.0/16"], subnets: [{ name: "apps", addressPrefix: "10.20.1.0/24" }] },
            ],
            gateways: [
              { name: "gw-hub", vnet: "vnet-hub", sku: "VpnGw2", addressPool: ["172.16.201.0/24"], protocols: ["SSTP"], rootCertificates: [{ name: "TeamVpnUsers" }], health: "Degraded" },
            ],
            nsgs: [
              { name: "nsg-workloads", rules: [{ name: "deny-p2s-sql", priority: 200, direction: "Inbound", access: "Deny", protocol: "Tcp", sourceAddressPrefix: "172.16.201.0/24", destinationPortRange: "1433" }] },
            ],
            connections: [{ name: "s2s-onprem", gateway: "gw-hub", connectionStatus: "NotConnected" }],
          },
        ],
      },
    ],
    network: { hosts: [{ ip: "10.10.1.4", names: ["sql.contoso.internal"], openPorts: [1433] }] },
  };
}
