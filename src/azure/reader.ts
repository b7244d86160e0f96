import type { AzureReader } from "../core/ports.ts";
import type { GatewayInfo, HealthState } from "../core/model.ts";
import { nameOf, parseResourceId } from "../core/resource-id.ts";
import { BotError } from "../errors.ts";
import type { AzureClients } from "./clients.ts";
import { callAzure } from "./errors.ts";
import { toGatewayConnection, toGatewayInfo, toNsgInfo, toVnetInfo } from "./map-network.ts";
import { toAppInfo, toPlanInfo, toVnetConnection } from "./map-web.ts";
import { fetchAvailability } from "./resource-health.ts";

/** Splits an id into what the SDK methods take; a malformed id is a usage error, found before any call. */
export function idParts(id: string, what: string): { sub: string; rg: string; name: string; names: string[] } {
  const parsed = parseResourceId(id);
  if (!parsed) throw new BotError("usage", `"${id}" is not a valid ${what} resource id.`);
  return { sub: parsed.subscriptionId, rg: parsed.resourceGroup, name: parsed.names[0] ?? "", names: parsed.names };
}

async function collect<T, R>(pages: AsyncIterable<T>, map: (item: T) => R): Promise<R[]> {
  const out: R[] = [];
  for await (const item of pages) out.push(map(item));
  return out;
}

/** AzureReader over the SDK clients: one SDK call per method, SDK models mapped to the domain's. */
export function createAzureReader(clients: AzureClients): AzureReader {
  return {
    listPlans: (sub) => callAzure("listPlans", `subscription ${sub}`, () => collect(clients.web(sub).appServicePlans.list(), toPlanInfo)),

    listApps: (sub) => callAzure("listApps", `subscription ${sub}`, () => collect(clients.web(sub).webApps.list(), toAppInfo)),

    getPlan: (planId) => {
      const { sub, rg, name } = idParts(planId, "plan");
      return callAzure("getPlan", `plan ${rg}/${name}`, async () => toPlanInfo(await clients.web(sub).appServicePlans.get(rg, name)));
    },

    getApp: (appId) => {
      const { sub, rg, name } = idParts(appId, "app");
      return callAzure("getApp", `app ${rg}/${name}`, async () => toAppInfo(await clients.web(sub).webApps.get(rg, name)));
    },

    listPlanVnetConnections: (planId) => {
      const { sub, rg, name } = idParts(planId, "plan");
      return callAzure("listPlanVnetConnections", `plan ${rg}/${name}`, async () =>
        (await clients.web(sub).appServicePlans.listVnets(rg, name)).map(toVnetConnection),
      );
    },

    listAppVnetConnections: (appId) => {
      const { sub, rg, name } = idParts(appId, "app");
      return callAzure("listAppVnetConnections", `app ${rg}/${name}`, async () =>
        (await clients.web(sub).webApps.listVnetConnections(rg, name)).map(toVnetConnection),
      );
    },

    listVnets: (sub) => callAzure("listVnets", `subscription ${sub}`, () => collect(clients.network(sub).virtualNetworks.listAll(), toVnetInfo)),

    getVnet: (vnetId) => {
      const { sub, rg, name } = idParts(vnetId, "VNet");
      return callAzure("getVnet", `VNet ${rg}/${name}`, async () => toVnetInfo(await clients.network(sub).virtualNetworks.get(rg, name)));
    },

    getGateway: (gatewayId): Promise<GatewayInfo> => {
      const { sub, rg, name } = idParts(gatewayId, "gateway");
      return callAzure("getGateway", `gateway ${rg}/${name}`, async () =>
        toGatewayInfo(await clients.network(sub).virtualNetworkGateways.get(rg, name)),
      );
    },

    getResourceHealth: (resourceId): Promise<HealthState> =>
      callAzure("getResourceHealth", `the health of ${nameOf(resourceId)}`, () => fetchAvailability(clients, resourceId)),

    getNsg: (nsgId) => {
      const { sub, rg, name } = idParts(nsgId, "network security group");
      return callAzure("getNsg", `network security group ${rg}/${name}`, async () =>
        toNsgInfo(await clients.network(sub).networkSecurityGroups.get(rg, name)),
      );
    },

    listGatewayConnections: (gatewayId) => {
      const { sub, rg, name } = idParts(gatewayId, "gateway");
      return callAzure("listGatewayConnections", `connections of gateway ${rg}/${name}`, () =>
        collect(clients.network(sub).virtualNetworkGateways.listConnections(rg, name), toGatewayConnection),
      );
    },
  };
}
