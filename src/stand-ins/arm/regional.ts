/**
 * App Service's side of regional ("swift") VNet integration: PUT and DELETE sites/{app}/networkConfig/virtualNetwork,
 * synchronous, 200 only (SwiftVirtualNetwork.tsp). A PUT checks what App Service checks, in the order below (the
 * real order is not documented), and answers App Service's errors with the public captures' texts, named at each;
 * where no server text is public, the message is this simulator's and says what the docs say.
 */
import { intToIpv4, parseCidr } from "./addresses.ts";
import { appServiceError, propertiesOf, SimError } from "./http.ts";
import { privateIpFor } from "./integration.ts";
import { checkSubnetChange } from "./subnet-rules.ts";
import type { SimApp, SimSubnet, SimulatorState, SimVnet } from "./state.ts";
import {
  APP_SERVICE_DELEGATION,
  appServiceLinkOf,
  regionalAppsOn,
  delegationName,
  findSubnet,
  ipConfigurationIdsOf,
  isDelegatedToAppService,
  regionalSubnetsOfPlan,
  subnetIdOf,
} from "./subnets.ts";

/** Tiers without regional integration (overview-vnet-integration.md: Basic and up, Elastic Premium). */
const UNSUPPORTED_TIERS = ["free", "shared", "dynamic"];
/** App Service Environments: "The feature isn't available for Isolated plan apps in an App Service Environment." */
const ISOLATED_TIERS = ["isolated", "isolatedv2"];
/** "You can't have more than two virtual network integrations per App Service plan" (overview, 2026). */
const PLAN_SUBNET_LIMIT = 2;
/** "The feature requires an unused subnet that's an IPv4 /28 block or larger." */
const SMALLEST_PREFIX = 28;

const badRequest = (message: string) => appServiceError(400, "BadRequest", message);
const sameRegion = (a: string, b: string) => a.replace(/\s+/g, "").toLowerCase() === b.replace(/\s+/g, "").toLowerCase();

/** The worker's address in the integration subnet: Azure keeps each subnet's first four (virtual-network FAQ). */
export function regionalPrivateIp(subnet: SimSubnet): string | undefined {
  const cidr = parseCidr(subnet.addressPrefix);
  return cidr ? intToIpv4(cidr.first + 4) : undefined;
}

/** The checks on the app and its plan, before the subnet is looked at. */
function checkApp(state: SimulatorState, app: SimApp): void {
  const plan = state.plans.get(app.planId);
  if (!plan) throw new SimError(404, "ResourceNotFound", `The App Service plan of ${app.name} was not found.`);
  // No server text is public for the tier and App Service Environment refusals; these are the simulator's.
  const tier = plan.sku.tier.toLowerCase();
  if (UNSUPPORTED_TIERS.includes(tier)) {
    throw badRequest(`Regional VNET Integration is not supported in the ${plan.sku.tier} tier of App Service plan ${plan.name}. It needs Basic, Standard, Premium (v2, v3, v4) or Elastic Premium.`);
  }
  if (ISOLATED_TIERS.includes(tier)) {
    throw badRequest(`Regional VNET Integration is not available for apps in an App Service Environment (plan ${plan.name} is ${plan.sku.tier}); the environment is already in a virtual network.`);
  }
  if (!plan.regionalIntegration) {
    // The text users see (azure-docs#56945); its HTTP status is not captured.
    throw badRequest("Regional VNET Integration is unsupported in this scale unit. Please see https://aka.ms/app-service-vnet-integration for more information.");
  }
  const gatewayRequired = state.connectionsOf(app.id)[0];
  if (gatewayRequired) {
    if (state.options.regionalWithGatewayRequired === "gateway-timeout") {
      // ARM's own answer when the provider does not answer in time (the hang of azure-docs#50009).
      throw new SimError(504, "GatewayTimeout", "The gateway did not receive a response from 'Microsoft.Web' within the specified time period.");
    }
    throw appServiceError(
      409,
      "Conflict",
      `Site ${app.name} has a gateway-required virtual network integration with ${gatewayRequired.vnetName}. An app can only use one form of virtual network integration at a time: disconnect it before adding regional integration.`,
    );
  }
}

/** The checks on the subnet, for an app of the given plan. */
function checkSubnet(state: SimulatorState, app: SimApp, vnet: SimVnet, subnet: SimSubnet, how: { shared: boolean }): void {
  const id = subnetIdOf(vnet, subnet);
  if (!sameRegion(vnet.location, app.location)) {
    // "The app and the virtual network must be in the same region." No server text is public (only azure-cli's
    // client-side check, Azure/azure-cli#10664): this one is the simulator's.
    throw badRequest(`The virtual network ${vnet.name} is in ${vnet.location} but the app ${app.name} is in ${app.location}. Regional VNET Integration needs a virtual network in the app's region.`);
  }
  if (subnet.serviceEndpointPolicyIds.length > 0) {
    throw badRequest(`Subnet ${subnet.name} has service endpoint policies. The integration subnet can't have service endpoint policies enabled.`);
  }
  const users = ipConfigurationIdsOf(state, vnet, subnet);
  if (users.length > 0) throw badRequest(`Subnet ${subnet.name} in VNET ${vnet.name} is in use by ${users[0]}. Regional VNET Integration needs an empty subnet.`);
  // Network itself accepts a /29; the /28 floor is App Service's, and its text is not public.
  const bits = parseCidr(subnet.addressPrefix)?.bits ?? 32;
  // Which plans use the subnet, not which one its link names: the PUT refuses a subnet "in use by another App Service
  // Plan" (the spec), even one whose link names the app's own plan (the plan that joined first, subnets.ts).
  const others = [...new Set(regionalAppsOn(state, id).map((other) => other.planId).filter((planId) => planId.toLowerCase() !== app.planId.toLowerCase()))];
  if (others.length > 0) {
    // The portal's text (azure-docs#29302).
    if (!how.shared) throw badRequest(`Subnet ${subnet.name} in VNET ${vnet.name} is already occupied by service ${appServiceLinkOf(state, id) ?? others[0]}`);
    // Multi-plan subnet join's rules; the texts of its refusals are not public, these are the simulator's.
    const subscription = (planId: string) => planId.split("/")[2]?.toLowerCase();
    if (bits > 26) throw badRequest(`Subnet ${subnet.name} is used by another App Service plan; plans share a subnet only when it is a /26 or larger.`);
    if (others.some((planId) => subscription(planId) !== subscription(app.planId))) throw badRequest(`Subnet ${subnet.name} is used by an App Service plan of another subscription; plans share a subnet only within one subscription.`);
  }
  if (bits > SMALLEST_PREFIX) {
    throw badRequest(`Subnet ${subnet.name} (${subnet.addressPrefix}) is too small for Regional VNET Integration: it needs a /${SMALLEST_PREFIX} block (16 addresses) or larger.`);
  }
  const plan = state.plans.get(app.planId)!;
  const limit = plan.os === "linux" ? state.options.regionalIntegrationsPerLinuxPlan : PLAN_SUBNET_LIMIT;
  const planSubnets = regionalSubnetsOfPlan(state, plan.id).map((s) => s.toLowerCase());
  if (!planSubnets.includes(id.toLowerCase()) && planSubnets.length >= limit) {
    // azure-docs#32922 (409), #63177; the limit was 1 then.
    throw appServiceError(409, "Conflict", `Adding this VNET would exceed the App Service Plan VNET limit of ${limit}.`);
  }
}

/** Delegates the subnet as Network would let anyone, or refuses as older stamps did. */
function ensureDelegated(state: SimulatorState, vnet: SimVnet, subnet: SimSubnet): void {
  if (isDelegatedToAppService(subnet)) return;
  if (!state.options.appServiceDelegatesSubnet) {
    // Users' captures show the subnet and VNet names the other way round (Azure/terraform-azurerm-vnet#46,
    // Azure/azure-quickstart-templates#8813); so does this.
    throw badRequest(`Subnet ${vnet.name} in VNET ${subnet.name} is missing a delegation to ${APP_SERVICE_DELEGATION}. Please add the delegation and try again.`);
  }
  const delegated = { ...subnet, delegations: [...subnet.delegations, { name: delegationName(APP_SERVICE_DELEGATION), serviceName: APP_SERVICE_DELEGATION }] };
  checkSubnetChange(state, vnet, delegated, subnet);
  subnet.delegations = delegated.delegations;
}

/** PUT (or PATCH) networkConfig/virtualNetwork: integrates the app; it restarts. The same subnet again changes nothing. */
export function integrateApp(state: SimulatorState, app: SimApp, body: unknown): void {
  joinSubnet(state, app, propertiesOf(body)["subnetResourceId"], { shared: false });
}

/**
 * A site PATCH with properties.virtualNetworkSubnetId: how further plans join a subnet another plan uses
 * (multi-plan subnet join, announced with `az resource update --set properties.virtualNetworkSubnetId=…`), within its
 * rules: a /26 or larger, every plan in one subscription. Otherwise as the networkConfig PUT.
 */
export function integrateAppThroughSite(state: SimulatorState, app: SimApp, subnetId: unknown): void {
  joinSubnet(state, app, subnetId, { shared: true });
}

function joinSubnet(state: SimulatorState, app: SimApp, subnetId: unknown, how: { shared: boolean }): void {
  checkApp(state, app);
  // "The parameter SubnetResourceUri has an invalid value" (azure-docs#20348): a missing, unknown or classic subnet.
  const found = typeof subnetId === "string" ? findSubnet(state, subnetId) : undefined;
  if (!found) throw badRequest("The parameter SubnetResourceUri has an invalid value.");
  const id = subnetIdOf(found.vnet, found.subnet);
  if (app.regionalSubnetId?.toLowerCase() === id.toLowerCase()) return;
  if (app.regionalSubnetId) {
    // One integration per app; whether App Service moves it or refuses is not documented: this refuses.
    throw appServiceError(409, "Conflict", `Site ${app.name} is already integrated with subnet ${app.regionalSubnetId}. Remove that integration first.`);
  }
  checkSubnet(state, app, found.vnet, found.subnet, how);
  ensureDelegated(state, found.vnet, found.subnet);
  app.regionalSubnetId = id;
  app.regionalSince = state.nextRegionalJoin();
  app.privateIp = regionalPrivateIp(found.subnet);
  // "During the integration, your app restarts." (configure-vnet-integration-enable.md)
  app.restarts += 1;
}

/** DELETE networkConfig/virtualNetwork: the app leaves the subnet (App Service drops its link with the last one); it restarts. */
export function disintegrateApp(state: SimulatorState, app: SimApp): void {
  if (!app.regionalSubnetId) {
    if (state.options.regionalDeleteWithoutIntegration === "ok") return;
    throw appServiceError(404, "NotFound", `Site ${app.name} has no regional virtual network integration.`);
  }
  app.regionalSubnetId = undefined;
  app.privateIp = privateIpFor(state, app);
  // "Your app is restarted when you disconnect from a virtual network." (overview-vnet-integration.md)
  app.restarts += 1;
}
