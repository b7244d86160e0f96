/**
 * Every Azure operation the bot performs, with the RBAC actions it needs. A 403 names the action from here, and
 * vnetbot-role.json lists exactly these actions (a test keeps the two equal).
 */
// Network changes are long-running: the SDK polls the Azure-AsyncOperation and Location URLs ARM returns, which live
// under /subscriptions/{id}/providers/Microsoft.Network/locations/{region}/, so these reads are needed at subscription
// scope (a resource-group assignment does not reach them; see Azure/azure-xplat-cli#2051).
const NETWORK_OPERATION_POLLS = ["Microsoft.Network/locations/operations/read", "Microsoft.Network/locations/operationResults/read"] as const;

/** Each operation's actions. */
export const PERMISSIONS = {
  listPlans: ["Microsoft.Web/serverfarms/read"],
  getPlan: ["Microsoft.Web/serverfarms/read"],
  listApps: ["Microsoft.Web/sites/read"],
  getApp: ["Microsoft.Web/sites/read"],
  listPlanVnetConnections: ["Microsoft.Web/serverfarms/virtualNetworkConnections/read"],
  listAppVnetConnections: ["Microsoft.Web/sites/virtualNetworkConnections/read"],
  listVnets: ["Microsoft.Network/virtualNetworks/read"],
  getVnet: ["Microsoft.Network/virtualNetworks/read"],
  getGateway: ["Microsoft.Network/virtualNetworkGateways/read"],
  getResourceHealth: ["Microsoft.ResourceHealth/availabilityStatuses/read"],
  getNsg: ["Microsoft.Network/networkSecurityGroups/read"],
  listGatewayConnections: ["Microsoft.Network/virtualNetworkGateways/read", "Microsoft.Network/connections/read"],
  putAppVnetConnection: ["Microsoft.Web/sites/virtualNetworkConnections/write"],
  deleteAppVnetConnection: ["Microsoft.Web/sites/virtualNetworkConnections/delete"],
  // A gateway PUT sends its public IPs and GatewaySubnet back; ARM checks linked access to both.
  addGatewayRootCertificate: [
    "Microsoft.Network/virtualNetworkGateways/read",
    "Microsoft.Network/virtualNetworkGateways/write",
    "Microsoft.Network/publicIPAddresses/join/action",
    "Microsoft.Network/virtualNetworks/subnets/join/action",
    ...NETWORK_OPERATION_POLLS,
  ],
  generateVpnPackage: ["Microsoft.Network/virtualNetworkGateways/generatevpnclientpackage/action"],
  putAppVnetGateway: ["Microsoft.Web/sites/virtualNetworkConnections/gateways/write"],
  putPlanVnetGateway: ["Microsoft.Web/serverfarms/virtualNetworkConnections/gateways/write"],
  putPlanRoute: ["Microsoft.Web/serverfarms/virtualNetworkConnections/routes/write"],
  deletePlanRoute: ["Microsoft.Web/serverfarms/virtualNetworkConnections/routes/delete"],
  putPeering: [
    "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/read",
    "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write",
    "Microsoft.Network/virtualNetworks/peer/action",
    ...NETWORK_OPERATION_POLLS,
  ],
  kuduCommand: ["Microsoft.Web/sites/publish/Action"],
} as const satisfies Record<string, readonly string[]>;

/** An operation the bot performs against Azure. */
export type AzureOperation = keyof typeof PERMISSIONS;

/** Every action the bot needs, sorted and without repeats. */
export function requiredActions(): string[] {
  return [...new Set(Object.values(PERMISSIONS).flat())].sort();
}
