import type { AzureReader } from "../core/ports.ts";
import type { GatewayInfo, HealthState } from "../core/model.ts";
import { requireResourceManagerVnet } from "../core/classic-vnet.ts";
import { nameOf, parseResourceId } from "../core/resource-id.ts";
import { BotError, isBotError } from "../errors.ts";
import type { AzureClients } from "./clients.ts";
import { callAzure } from "./errors.ts";
import { toGatewayConnection, toGatewayInfo, toLocalNetworkGateway, toNsgInfo, toSubnetInfo, toVnetInfo } from "./map-network.ts";
import { toAppInfo, toPlanInfo, toVnetConnection } from "./map-web.ts";
import { fetchLocks } from "./management-locks.ts";
import { fetchAvailability } from "./resource-health.ts";

/** Splits an id into what the SDK methods take; a malformed id is a usage error, found before any call. */
export function idParts(id: string, what: string): { sub: string; rg: string; name: string; names: string[] } {
  const parsed = parseResourceId(id);
  if (!parsed) throw new BotError("usage", `"${id}" is not a valid ${what} resource id.`);
  return { sub: parsed.subscriptionId, rg: parsed.resourceGroup, name: parsed.names[0] ?? "", names: parsed.names };
}

/** An app's or a slot's id split for the SDK: slots have their own *Slot methods (sites/{app}/slots/{slot}/…). */
export function siteParts(id: string): { sub: string; rg: string; name: string; slot: string | undefined; shown: string } {
  const { sub, rg, name, names } = idParts(id, "app");
  const slot = names[1];
  return { sub, rg, name, slot, shown: slot ? `app ${rg}/${name}/${slot}` : `app ${rg}/${name}` };
}

async function collect<T, R>(pages: AsyncIterable<T>, map: (item: T) => R): Promise<R[]> {
  const out: R[] = [];
  for await (const item of pages) out.push(map(item));
  return out;
}

/**
 * AzureReader over the SDK clients: one SDK call per method, SDK models mapped to the domain's. With a signal,
 * every call carries it to the SDK, so a command past its deadline stops calling ARM instead of only stop waiting.
 */
export function createAzureReader(clients: AzureClients, signal?: AbortSignal): AzureReader {
  const opts = signal ? { abortSignal: signal } : {};
  return {
    withSignal: (next) => createAzureReader(clients, next),

    listPlans: (sub) => callAzure("listPlans", `subscription ${sub}`, async () => collect((await clients.web(sub)).appServicePlans.list(opts), toPlanInfo)),

    listApps: (sub) => callAzure("listApps", `subscription ${sub}`, async () => collect((await clients.web(sub)).webApps.list(opts), toAppInfo)),

    listPlanApps: (planId) => {
      const { sub, rg, name } = idParts(planId, "plan");
      return callAzure("listPlanApps", `the apps of plan ${rg}/${name}`, async () => collect((await clients.web(sub)).appServicePlans.listWebApps(rg, name, opts), toAppInfo));
    },

    listSlots: (appId) => {
      const { sub, rg, name } = siteParts(appId);
      return callAzure("listSlots", `the slots of app ${rg}/${name}`, async () => collect((await clients.web(sub)).webApps.listSlots(rg, name, opts), toAppInfo));
    },

    getPlan: (planId) => {
      const { sub, rg, name } = idParts(planId, "plan");
      return callAzure("getPlan", `plan ${rg}/${name}`, async () => toPlanInfo(await (await clients.web(sub)).appServicePlans.get(rg, name, opts)));
    },

    getApp: (appId) => {
      const { sub, rg, name, slot, shown } = siteParts(appId);
      const web = async () => (await clients.web(sub)).webApps;
      return slot
        ? callAzure("getSlot", shown, async () => toAppInfo(await (await web()).getSlot(rg, name, slot, opts)))
        : callAzure("getApp", shown, async () => toAppInfo(await (await web()).get(rg, name, opts)));
    },

    listPlanVnetConnections: (planId) => {
      const { sub, rg, name } = idParts(planId, "plan");
      return callAzure("listPlanVnetConnections", `plan ${rg}/${name}`, async () =>
        (await (await clients.web(sub)).appServicePlans.listVnets(rg, name, opts)).map(toVnetConnection),
      );
    },

    listAppVnetConnections: (appId) => {
      const { sub, rg, name, slot, shown } = siteParts(appId);
      const web = async () => (await clients.web(sub)).webApps;
      return slot
        ? callAzure("listSlotVnetConnections", shown, async () => (await (await web()).listVnetConnectionsSlot(rg, name, slot, opts)).map(toVnetConnection))
        : callAzure("listAppVnetConnections", shown, async () => (await (await web()).listVnetConnections(rg, name, opts)).map(toVnetConnection));
    },

    listVnets: (sub) => callAzure("listVnets", `subscription ${sub}`, async () => collect((await clients.network(sub)).virtualNetworks.listAll(opts), toVnetInfo)),

    getVnet: (vnetId) => {
      // A classic VNet's id would read as a Microsoft.Network VNet of the same name: a different resource, or a 404.
      try {
        requireResourceManagerVnet(vnetId);
      } catch (error) {
        return Promise.reject(error);
      }
      const { sub, rg, name } = idParts(vnetId, "VNet");
      return callAzure("getVnet", `VNet ${rg}/${name}`, async () => toVnetInfo(await (await clients.network(sub)).virtualNetworks.get(rg, name, opts)));
    },

    getGateway: (gatewayId): Promise<GatewayInfo> => {
      const { sub, rg, name } = idParts(gatewayId, "gateway");
      return callAzure("getGateway", `gateway ${rg}/${name}`, async () =>
        toGatewayInfo(await (await clients.network(sub)).virtualNetworkGateways.get(rg, name, opts)),
      );
    },

    listLocks: (subscriptionId) => callAzure("listLocks", `the management locks of subscription ${subscriptionId}`, () => fetchLocks(clients, subscriptionId, signal)),

    getResourceHealth: (resourceId): Promise<HealthState> =>
      callAzure("getResourceHealth", `the health of ${nameOf(resourceId)}`, () => fetchAvailability(clients, resourceId, signal)),

    getNsg: (nsgId) => {
      const { sub, rg, name } = idParts(nsgId, "network security group");
      return callAzure("getNsg", `network security group ${rg}/${name}`, async () =>
        toNsgInfo(await (await clients.network(sub)).networkSecurityGroups.get(rg, name, opts)),
      );
    },

    listGatewayConnections: async (gatewayId) => {
      const { sub, rg, name } = idParts(gatewayId, "gateway");
      const listed = await callAzure("listGatewayConnections", `connections of gateway ${rg}/${name}`, async () =>
        collect((await clients.network(sub)).virtualNetworkGateways.listConnections(rg, name, opts), (entity) => entity),
      );
      // A list leaves each connection's status out and a GET of the one connection carries it (azure-powershell#2581:
      // "only if the -name parameter is omitted"; azure-cli#2061 shows it null in a list): one read per connection
      // the list gives no status for. One that cannot be read (a role not yet given connections/read, a connection
      // deleted since the list) keeps its entry with the status Unknown, which no check takes for a tunnel down.
      return Promise.all(
        listed.map(async (entity) => {
          if (entity.connectionStatus || !entity.id) return toGatewayConnection(entity);
          const one = idParts(entity.id, "connection");
          try {
            const read = await callAzure("getGatewayConnection", `connection ${one.rg}/${one.name}`, async () =>
              (await clients.network(one.sub)).virtualNetworkGatewayConnections.get(one.rg, one.name, opts),
            );
            return toGatewayConnection({ ...entity, connectionStatus: read.connectionStatus });
          } catch (error) {
            if (isBotError(error) && (error.kind === "forbidden" || error.kind === "not-found")) return toGatewayConnection(entity);
            throw error;
          }
        }),
      );
    },

    getLocalNetworkGateway: (id) => {
      const { sub, rg, name } = idParts(id, "local network gateway");
      return callAzure("getLocalNetworkGateway", `local network gateway ${rg}/${name}`, async () =>
        toLocalNetworkGateway(await (await clients.network(sub)).localNetworkGateways.get(rg, name, opts)),
      );
    },

    getSubnet: (subnetId) => {
      const { sub, rg, names } = idParts(subnetId, "subnet");
      const [vnet = "", subnet = ""] = names;
      return callAzure("getSubnet", `subnet ${vnet}/${subnet}`, async () => toSubnetInfo(await (await clients.network(sub)).subnets.get(rg, vnet, subnet, opts)));
    },

    getRegionalIntegration: (appId) => {
      const { sub, rg, name, slot, shown } = siteParts(appId);
      const web = async () => (await clients.web(sub)).webApps;
      // An app without regional integration answers 200 with subnetResourceId null (azure-cli#11454).
      const map = (swift: { subnetResourceId?: string; swiftSupported?: boolean }) => ({ subnetId: swift.subnetResourceId || undefined, swiftSupported: swift.swiftSupported === true });
      return slot
        ? callAzure("getSlotRegionalIntegration", shown, async () => map(await (await web()).getSwiftVirtualNetworkConnectionSlot(rg, name, slot, opts)))
        : callAzure("getRegionalIntegration", shown, async () => map(await (await web()).getSwiftVirtualNetworkConnection(rg, name, opts)));
    },

    getRouteAll: (appId) => {
      const { sub, rg, name, slot, shown } = siteParts(appId);
      const web = async () => (await clients.web(sub)).webApps;
      return slot
        ? callAzure("getSlotRouteAll", shown, async () => (await (await web()).getConfigurationSlot(rg, name, slot, opts)).vnetRouteAllEnabled === true)
        : callAzure("getRouteAll", shown, async () => (await (await web()).getConfiguration(rg, name, opts)).vnetRouteAllEnabled === true);
    },
  };
}
