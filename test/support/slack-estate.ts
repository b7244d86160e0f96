/**
 * A one-plan estate held in memory behind the AzureReader/AzureWriter ports, for the Slack flow tests that run
 * before (or without) the ARM simulator: it counts every request, can fail a write, and can be changed behind the
 * bot's back to test the re-check before execution.
 */
import { BotError } from "../../src/errors.ts";
import type { AppInfo, PlanInfo, PlanRoute, VnetConnectionInfo } from "../../src/core/model.ts";
import type { AzureReader, AzureWriter } from "../../src/core/ports.ts";
import { ids } from "../../src/core/resource-id.ts";

const SUB = "00000000-0000-0000-0000-0000000000aa";

/** Starts an estate with plan-orders (Standard, Windows) connected to vnet-hub, and app orders-api on it. */
export function memoryEstate() {
  const plan: PlanInfo = { id: ids.plan(SUB, "rg-apps", "plan-orders"), name: "plan-orders", resourceGroup: "rg-apps", subscriptionId: SUB, location: "westeurope", skuName: "S1", tier: "Standard", isLinux: false, isWindowsContainer: false };
  const app: AppInfo = { id: ids.app(SUB, "rg-apps", "orders-api"), name: "orders-api", resourceGroup: "rg-apps", subscriptionId: SUB, location: "westeurope", planId: plan.id, kind: "app", isLinux: false, isWindowsContainer: false, state: "Running", gatewayVnetName: "vnet-hub", regionalSubnetId: undefined, scmHostName: undefined };
  const routes: PlanRoute[] = [];
  const requests: string[] = [];
  let failNextWrite: string | undefined;
  let sequence = 0;

  const connection = (): VnetConnectionInfo => ({ name: "vnet-hub", vnetId: ids.vnet(SUB, "rg-network", "vnet-hub"), isRegional: false, certThumbprint: undefined, certBlob: undefined, certificate: undefined, routes: [...routes], resyncRequired: false, dnsServers: [] });
  const read = <T>(name: string, value: T) => {
    requests.push(name);
    return Promise.resolve(structuredClone(value));
  };
  const unsupported = (name: string) => () => Promise.reject(new Error(`${name} is not part of the in-memory estate`));

  const reader: AzureReader = {
    listPlans: () => read("listPlans", [plan]),
    listApps: () => read("listApps", [app]),
    getPlan: (id) => (id.toLowerCase() === plan.id.toLowerCase() ? read("getPlan", plan) : Promise.reject(new BotError("not-found", `No plan ${id}.`))),
    getApp: () => read("getApp", app),
    listPlanVnetConnections: () => read("listPlanVnetConnections", [connection()]),
    listAppVnetConnections: () => read("listAppVnetConnections", [connection()]),
    listVnets: () => read("listVnets", []),
    getVnet: unsupported("getVnet"),
    getGateway: unsupported("getGateway"),
    getResourceHealth: unsupported("getResourceHealth"),
    getNsg: unsupported("getNsg"),
    listGatewayConnections: unsupported("listGatewayConnections"),
  };
  const writer: AzureWriter = {
    putPlanRoute: async (_planId, _vnet, route) => {
      requests.push("putPlanRoute");
      if (failNextWrite) {
        const reason = failNextWrite;
        failNextWrite = undefined;
        throw new BotError("throttled", reason, { hint: "Wait a minute.", azureRequestId: "az-failed" });
      }
      routes.push(route);
      return { requestIds: [`az-${++sequence}`] };
    },
    deletePlanRoute: unsupported("deletePlanRoute"),
    putAppVnetConnection: unsupported("putAppVnetConnection"),
    deleteAppVnetConnection: unsupported("deleteAppVnetConnection"),
    addGatewayRootCertificate: unsupported("addGatewayRootCertificate"),
    generateVpnPackage: unsupported("generateVpnPackage"),
    putAppVnetGateway: unsupported("putAppVnetGateway"),
    putPlanVnetGateway: unsupported("putPlanVnetGateway"),
    putPeering: unsupported("putPeering"),
  };

  return {
    azure: { reader, writer, subscriptions: [SUB] },
    routes,
    requests,
    writes: () => requests.filter((r) => r.startsWith("put") || r.startsWith("delete")),
    /** The next write fails with this (throttled) reason. */
    failNextWrite: (reason: string) => void (failNextWrite = reason),
    /** Someone changes the routes in the portal. */
    addRouteBehindTheBotsBack: (route: PlanRoute) => void routes.push(route),
  };
}
