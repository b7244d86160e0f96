// Microsoft.Network long-running operations are polled at subscription-scoped URLs: the Azure-AsyncOperation status
// (…/locations/{l}/operations/{id}) and the Location result (…/operationResults/{id}). "Gets operation resource that
// represents status of an asynchronous operation" / "Gets operation result of an async POST or DELETE operation"
// (azure-docs role-based-access-control/permissions/networking.md). Assigned at a resource group, they do not reach the
// polls (Azure/azure-xplat-cli#2051).
const POLL_STATUS = "Microsoft.Network/locations/operations/read";
const POLL_RESULT = "Microsoft.Network/locations/operationResults/read";

/** The action a request at this path needs when it is a long-running operation's poll; undefined otherwise. */
export function pollActionOf(url: string | undefined): string | undefined {
  const path = url ? new URL(url, "https://management.azure.com").pathname : "";
  if (/\/providers\/Microsoft\.Network\/locations\/[^/]+\/operationResults\//i.test(path)) return POLL_RESULT;
  if (/\/providers\/Microsoft\.Network\/locations\/[^/]+\/operations\//i.test(path)) return POLL_STATUS;
  return undefined;
}

/**
 * Every Azure operation the bot performs, with the RBAC actions it needs. A 403 names the action from here, and
 * vnetbot-role.json lists exactly these actions (a test keeps the two equal).
 */
/** Each operation's actions. */
export const PERMISSIONS = {
  listPlans: ["Microsoft.Web/serverfarms/read"],
  getPlan: ["Microsoft.Web/serverfarms/read"],
  listApps: ["Microsoft.Web/sites/read"],
  getApp: ["Microsoft.Web/sites/read"],
  listPlanApps: ["Microsoft.Web/serverfarms/sites/read"],
  listSlots: ["Microsoft.Web/sites/slots/read"],
  getSlot: ["Microsoft.Web/sites/slots/read"],
  listPlanVnetConnections: ["Microsoft.Web/serverfarms/virtualNetworkConnections/read"],
  listAppVnetConnections: ["Microsoft.Web/sites/virtualNetworkConnections/read"],
  listSlotVnetConnections: ["Microsoft.Web/sites/slots/virtualNetworkConnections/read"],
  listVnets: ["Microsoft.Network/virtualNetworks/read"],
  getVnet: ["Microsoft.Network/virtualNetworks/read"],
  getGateway: ["Microsoft.Network/virtualNetworkGateways/read"],
  getResourceHealth: ["Microsoft.ResourceHealth/availabilityStatuses/read"],
  getLocalNetworkGateway: ["Microsoft.Network/localNetworkGateways/read"],
  listLocks: ["Microsoft.Authorization/locks/read"],
  getNsg: ["Microsoft.Network/networkSecurityGroups/read"],
  // The list, then a GET of each connection it gives no status for (reader.ts).
  listGatewayConnections: ["Microsoft.Network/virtualNetworkGateways/connections/read", "Microsoft.Network/connections/read"],
  getGatewayConnection: ["Microsoft.Network/connections/read"],
  putAppVnetConnection: ["Microsoft.Web/sites/virtualNetworkConnections/write"],
  putSlotVnetConnection: ["Microsoft.Web/sites/slots/virtualNetworkConnections/write"],
  deleteAppVnetConnection: ["Microsoft.Web/sites/virtualNetworkConnections/delete"],
  deleteSlotVnetConnection: ["Microsoft.Web/sites/slots/virtualNetworkConnections/delete"],
  // A gateway PUT sends its public IPs and GatewaySubnet back; ARM checks linked access to both
  // (azure-docs vpn-gateway roles-permissions).
  addGatewayRootCertificate: [
    "Microsoft.Network/virtualNetworkGateways/read",
    "Microsoft.Network/virtualNetworkGateways/write",
    "Microsoft.Network/publicIPAddresses/join/action",
    "Microsoft.Network/virtualNetworks/subnets/join/action",
    POLL_STATUS,
  ],
  removeGatewayRootCertificate: [
    "Microsoft.Network/virtualNetworkGateways/read",
    "Microsoft.Network/virtualNetworkGateways/write",
    "Microsoft.Network/publicIPAddresses/join/action",
    "Microsoft.Network/virtualNetworks/subnets/join/action",
    POLL_STATUS,
  ],
  generateVpnPackage: ["Microsoft.Network/virtualNetworkGateways/generatevpnclientpackage/action", POLL_STATUS, POLL_RESULT],
  putAppVnetGateway: ["Microsoft.Web/sites/virtualNetworkConnections/gateways/write"],
  putSlotVnetGateway: ["Microsoft.Web/sites/slots/virtualNetworkConnections/gateways/write"],
  putPlanVnetGateway: ["Microsoft.Web/serverfarms/virtualNetworkConnections/gateways/write"],
  putPlanRoute: ["Microsoft.Web/serverfarms/virtualNetworkConnections/routes/write"],
  deletePlanRoute: ["Microsoft.Web/serverfarms/virtualNetworkConnections/routes/delete"],
  putPeering: [
    "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/read",
    "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write",
    "Microsoft.Network/virtualNetworks/peer/action",
    POLL_STATUS,
  ],
  getSubnet: ["Microsoft.Network/virtualNetworks/subnets/read"],
  getRegionalIntegration: ["Microsoft.Web/sites/networkConfig/read"],
  getSlotRegionalIntegration: ["Microsoft.Web/sites/slots/networkConfig/read"],
  getRouteAll: ["Microsoft.Web/sites/config/read"],
  getSlotRouteAll: ["Microsoft.Web/sites/slots/config/read"],
  // A subnet PUT sends the NSG and route table back: ARM checks the caller may join them (azure-docs virtual-network
  // manage-subnet "Permissions").
  delegateSubnet: [
    "Microsoft.Network/virtualNetworks/subnets/read",
    "Microsoft.Network/virtualNetworks/subnets/write",
    "Microsoft.Network/networkSecurityGroups/join/action",
    "Microsoft.Network/routeTables/join/action",
    POLL_STATUS,
  ],
  // Setting an integration subnet needs join on it ("Permissions", azure-docs app-service overview-vnet-integration.md).
  putRegionalIntegration: ["Microsoft.Web/sites/networkConfig/write", "Microsoft.Network/virtualNetworks/subnets/join/action"],
  putSlotRegionalIntegration: ["Microsoft.Web/sites/slots/networkConfig/write", "Microsoft.Network/virtualNetworks/subnets/join/action"],
  // A site PATCH is a site write: the one way into a subnet other plans use (multi-plan subnet join).
  joinSharedSubnet: ["Microsoft.Web/sites/write", "Microsoft.Network/virtualNetworks/subnets/join/action"],
  joinSlotSharedSubnet: ["Microsoft.Web/sites/slots/write", "Microsoft.Network/virtualNetworks/subnets/join/action"],
  deleteRegionalIntegration: ["Microsoft.Web/sites/networkConfig/delete"],
  deleteSlotRegionalIntegration: ["Microsoft.Web/sites/slots/networkConfig/delete"],
  setRouteAll: ["Microsoft.Web/sites/config/write"],
  setSlotRouteAll: ["Microsoft.Web/sites/slots/config/write"],
  kuduCommand: ["Microsoft.Web/sites/publish/Action"],
  kuduSlotCommand: ["Microsoft.Web/sites/slots/publish/Action"],
} as const satisfies Record<string, readonly string[]>;

/** An operation the bot performs against Azure. */
export type AzureOperation = keyof typeof PERMISSIONS;

/** Every action the bot needs, sorted and without repeats. */
export function requiredActions(): string[] {
  return [...new Set(Object.values(PERMISSIONS).flat())].sort();
}
