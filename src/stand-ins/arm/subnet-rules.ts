/**
 * What a subnet PUT stores and what Network refuses. A PUT replaces the subnet with exactly what its body carries: an
 * NSG, route table or service endpoint it leaves out is removed (azure-powershell#1551, azure-sdk-for-python#28350).
 * Only what ARM keeps itself survives: the IP configurations of the resources in it and the service association links.
 * Codes and messages are Network's, from the public captures named at each.
 */
import { contains, overlaps, parseCidr } from "./addresses.ts";
import { propertiesOf, SimError } from "./http.ts";
import type { SimSubnet, SimulatorState, SimVnet } from "./state.ts";
import {
  APP_SERVICE_DELEGATION,
  APP_SERVICE_LINK,
  appServiceLinkOf,
  ipConfigurationIdsOf,
  prefixesOf,
  serviceEndpointLocations,
  subnetIdOf,
} from "./subnets.ts";

const idOf = (value: unknown): string | undefined => {
  const id = (value as { id?: unknown } | undefined)?.id;
  return typeof id === "string" && id !== "" ? id : undefined;
};

const listOf = (value: unknown, what: string): unknown[] => {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new SimError(400, "InvalidRequestFormat", `properties.${what} must be an array.`);
  return value;
};

/**
 * The subnet a PUT body describes. The request's own codes for a malformed body are not public; these answer with
 * InvalidRequestFormat, as the simulator's other Network routes do, and the captured text where there is one.
 */
export function subnetFromBody(body: unknown, vnet: SimVnet, name: string, existing: SimSubnet | undefined): SimSubnet {
  const props = propertiesOf(body);
  const single = typeof props["addressPrefix"] === "string" && props["addressPrefix"] !== "" ? (props["addressPrefix"] as string) : undefined;
  const plural = listOf(props["addressPrefixes"], "addressPrefixes").filter((p): p is string => typeof p === "string");
  if (!single && plural.length === 0) {
    // The text of azure-docs#17127 (a portal capture).
    throw new SimError(400, "InvalidRequestFormat", `Address prefix string for resource ${vnet.id}/subnets/${name} cannot be null or empty.`);
  }
  const delegations = listOf(props["delegations"], "delegations").map((item, i) => {
    const d = item as { name?: unknown; properties?: { serviceName?: unknown }; serviceName?: unknown };
    const serviceName = d.properties?.serviceName;
    if (typeof d.name !== "string" || d.name === "" || typeof serviceName !== "string" || serviceName === "") {
      throw new SimError(400, "InvalidRequestFormat", `properties.delegations[${i}] needs a name and properties.serviceName.`);
    }
    return { name: d.name, serviceName };
  });
  const serviceEndpoints = listOf(props["serviceEndpoints"], "serviceEndpoints").map((item, i) => {
    const e = item as { service?: unknown; locations?: unknown };
    if (typeof e.service !== "string" || e.service === "") throw new SimError(400, "InvalidRequestFormat", `properties.serviceEndpoints[${i}].service is required.`);
    const locations = Array.isArray(e.locations) && e.locations.length > 0 ? e.locations.filter((l): l is string => typeof l === "string") : serviceEndpointLocations(e.service, vnet.location);
    return { service: e.service, locations };
  });
  const policy = (key: string, fallback: string) => (typeof props[key] === "string" ? (props[key] as string) : fallback);
  return {
    name: existing?.name ?? name,
    addressPrefix: single ?? plural[0]!,
    addressPrefixes: single ? undefined : plural,
    nsgId: idOf(props["networkSecurityGroup"]),
    routeTableId: idOf(props["routeTable"]),
    natGatewayId: idOf(props["natGateway"]),
    delegations,
    serviceEndpoints,
    serviceEndpointPolicyIds: listOf(props["serviceEndpointPolicies"], "serviceEndpointPolicies").map(idOf).filter((id): id is string => id !== undefined),
    // Read-only: the resources in the subnet stay whatever the body says.
    ipConfigurationIds: existing?.ipConfigurationIds ?? [],
    privateEndpointNetworkPolicies: policy("privateEndpointNetworkPolicies", "Disabled"),
    privateLinkServiceNetworkPolicies: policy("privateLinkServiceNetworkPolicies", "Enabled"),
    provisioningState: "Updating",
  };
}

const services = (subnet: SimSubnet | undefined) => (subnet?.delegations ?? []).map((d) => d.serviceName);
const sameServices = (a: string[], b: string[]) =>
  a.length === b.length && a.every((s) => b.some((t) => t.toLowerCase() === s.toLowerCase()));

/** Throws Network's 400 when the subnet cannot become `desired`; `existing` is the subnet it replaces, if any. */
export function checkSubnetChange(state: SimulatorState, vnet: SimVnet, desired: SimSubnet, existing: SimSubnet | undefined): void {
  const prefixes = prefixesOf(desired);
  // NetcfgInvalidSubnet: Azure/azure-cli#28097; the other two: azure-docs PR #123869 and a captured terraform log.
  if (prefixes.some((p) => parseCidr(p) === undefined)) {
    throw new SimError(400, "NetcfgInvalidSubnet", `Subnet '${desired.name}' is not valid in virtual network '${vnet.name}'.`);
  }
  if (prefixes.some((p) => !vnet.addressSpace.some((space) => contains(space, p)))) {
    throw new SimError(400, "NetcfgSubnetRangeOutsideVnet", `Subnet '${desired.name}' is not valid because its IP address range is outside the IP address range of virtual network '${vnet.name}'.`);
  }
  const others = vnet.subnets.filter((s) => s !== existing && s.name.toLowerCase() !== desired.name.toLowerCase());
  if (others.some((other) => prefixesOf(other).some((o) => prefixes.some((p) => overlaps(o, p))))) {
    throw new SimError(400, "NetcfgSubnetRangesOverlap", `Subnet '${desired.name}' is not valid because its IP address range overlaps with that of an existing subnet in virtual network '${vnet.name}'.`);
  }
  const id = subnetIdOf(vnet, desired);
  const before = services(existing);
  const after = services(desired);
  const users = existing ? ipConfigurationIdsOf(state, vnet, existing) : [];
  if (!sameServices(before, after) && users.length > 0) {
    // azure-docs#39112 (full JSON), #88108.
    throw new SimError(
      400,
      "SubnetDelegationsCannotChangeWhenSubnetUsedByResource",
      `Delegations of subnet ${id} cannot be changed from [${before.join(",")}] to [${after.join(",")}] because it is being used by the resource ${users[0]}.`,
    );
  }
  if (appServiceLinkOf(state, id) && !after.some((s) => s.toLowerCase() === APP_SERVICE_DELEGATION.toLowerCase())) {
    // The text of azure-docs#48902; the code from public runbooks (the pairing is likely, not captured as JSON).
    throw new SimError(
      400,
      "SubnetMissingRequiredDelegation",
      `Subnet ${id} requires any of the following delegation(s) [${APP_SERVICE_DELEGATION}] to reference service association link ${id}/serviceAssociationLinks/${APP_SERVICE_LINK}.`,
    );
  }
}
