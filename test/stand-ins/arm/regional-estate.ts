/** An estate for regional VNet integration: subnets of every kind, plans of every tier, a classic VNet. */
import type { EstateSeedInput } from "../../../src/stand-ins/arm/index.ts";
import { SUB } from "./test-estate.ts";

export const NET = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network`;
export const WEB = `/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.Web`;
export const subnetId = (vnet: string, subnet: string) => `${NET}/virtualNetworks/${vnet}/subnets/${subnet}`;

const sku = (name: string, tier: string) => ({ name, tier });

/**
 * plan-std (Standard): app-gw still on vnet-hub through a gateway, app-ready (and its staging slot), app-two and
 * app-three without integration. plan-p1: app-taken holds snet-taken. Plans of the tiers and the scale unit regional
 * integration refuses, each with one app. vnet-apps holds the subnets the checks look at; vnet-north is in another
 * region; vnet-classic is a classic VNet.
 */
export function regionalEstate(): EstateSeedInput {
  return {
    subscriptions: [
      {
        id: SUB,
        resourceGroups: [
          {
            name: "rg-web",
            plans: [
              {
                name: "plan-std",
                sku: sku("S1", "Standard"),
                routes: [
                  { vnet: "vnet-hub", name: "onprem", startAddress: "192.168.50.0/24" },
                  { vnet: "vnet-hub", name: "partner", startAddress: "100.64.20.0/24" },
                ],
              },
              { name: "plan-p1", sku: sku("P1v3", "PremiumV3") },
              { name: "plan-free", sku: sku("F1", "Free") },
              { name: "plan-shared", sku: sku("D1", "Shared") },
              { name: "plan-dynamic", sku: sku("Y1", "Dynamic") },
              { name: "plan-ase", sku: sku("I1v2", "IsolatedV2") },
              { name: "plan-oldstamp", sku: sku("S1", "Standard"), regionalIntegration: false },
              { name: "plan-linux", os: "linux", sku: sku("P1v3", "PremiumV3") },
            ],
            apps: [
              { name: "app-gw", plan: "plan-std", vnetConnection: { vnet: "vnet-hub" } },
              { name: "app-ready", plan: "plan-std", slots: [{ name: "staging" }] },
              { name: "app-two", plan: "plan-std" },
              { name: "app-three", plan: "plan-std" },
              { name: "app-taken", plan: "plan-p1", regionalIntegration: { vnet: "vnet-apps", subnet: "snet-taken" } },
              { name: "app-free", plan: "plan-free" },
              { name: "app-shared", plan: "plan-shared" },
              { name: "app-dynamic", plan: "plan-dynamic" },
              { name: "app-ase", plan: "plan-ase" },
              { name: "app-old", plan: "plan-oldstamp" },
              { name: "app-linux", plan: "plan-linux" },
              { name: "app-linux-two", plan: "plan-linux" },
              { name: "app-classic", plan: "plan-std", vnetConnection: { classicVnet: "vnet-classic" } },
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
                  { name: "workloads", addressPrefix: "10.10.1.0/24", nsg: "nsg-apps", ipConfigurations: 2 },
                ],
                peerings: [{ name: "hub-to-apps", remoteVnet: "vnet-apps", allowForwardedTraffic: true, allowGatewayTransit: true }],
              },
              {
                name: "vnet-apps",
                addressSpace: ["10.30.0.0/16"],
                dnsServers: ["10.10.0.4"],
                subnets: [
                  { name: "snet-ready", addressPrefix: "10.30.1.0/26", delegations: ["Microsoft.Web/serverFarms"], nsg: "nsg-apps", routeTable: "rt-apps", serviceEndpoints: ["Microsoft.Storage"] },
                  { name: "snet-plain", addressPrefix: "10.30.2.0/26", nsg: "nsg-apps", routeTable: "rt-apps", serviceEndpoints: ["Microsoft.Storage", "Microsoft.KeyVault"] },
                  { name: "snet-tiny", addressPrefix: "10.30.3.0/29", delegations: ["Microsoft.Web/serverFarms"] },
                  { name: "snet-policy", addressPrefix: "10.30.4.0/26", delegations: ["Microsoft.Web/serverFarms"], serviceEndpoints: ["Microsoft.Storage"], serviceEndpointPolicies: ["sep-storage"] },
                  { name: "snet-used", addressPrefix: "10.30.5.0/26", ipConfigurations: 1 },
                  { name: "snet-taken", addressPrefix: "10.30.6.0/26" },
                  { name: "snet-second", addressPrefix: "10.30.7.0/26", delegations: [{ name: "webapps", serviceName: "Microsoft.Web/serverFarms" }] },
                  { name: "snet-third", addressPrefix: "10.30.8.0/26", delegations: ["Microsoft.Web/serverFarms"] },
                ],
                peerings: [{ name: "apps-to-hub", remoteVnet: "vnet-hub", allowForwardedTraffic: true, useRemoteGateways: true }],
              },
              { name: "vnet-north", location: "northeurope", addressSpace: ["10.40.0.0/16"], subnets: [{ name: "snet-north", addressPrefix: "10.40.1.0/26", delegations: ["Microsoft.Web/serverFarms"] }] },
            ],
            classicVnets: [{ name: "vnet-classic", addressSpace: ["10.50.0.0/16"] }],
            routeTables: [{ name: "rt-apps" }],
            gateways: [{ name: "gw-hub", vnet: "vnet-hub", addressPool: ["172.16.201.0/24"], protocols: ["SSTP"] }],
            nsgs: [{ name: "nsg-apps" }],
          },
        ],
      },
    ],
    network: {
      hosts: [
        { ip: "10.10.1.4", names: ["sql.contoso.internal"], openPorts: [1433] },
        { ip: "10.30.9.4", names: ["cache.contoso.internal"], openPorts: [6380] },
        { ip: "192.168.50.10", names: ["mainframe.corp.contoso.com"], openPorts: [443] },
        { ip: "100.64.20.5", names: ["partner.fabrikam.example"], openPorts: [443] },
        { ip: "20.112.52.29", names: ["www.microsoft.com"], openPorts: [443] },
      ],
    },
  };
}
