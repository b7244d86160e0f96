/**
 * Every Azure operation the bot performs, with the RBAC actions it needs. A 403 names the action from here, and
 * vnetbot-role.json lists exactly these actions (a test keeps the two equal).
 */
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
  ],
  kuduCommand: ["Microsoft.Web/sites/publish/Action"],
} as const satisfies Record<string, readonly string[]>;

/** An operation the bot performs against Azure. */
export type AzureOperation = keyof typeof PERMISSIONS;

/** Every action the bot needs, sorted and without repeats. */
export function requiredActions(): string[] {
  return [...new Set(Object.values(PERMISSIONS).flat())].sort();
}
