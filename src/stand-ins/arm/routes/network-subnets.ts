/**
 * Subnets (arm-network 39 `subnets.*`, api-version 2026-01-01): GET and list, PUT as a long-running operation
 * (Azure-AsyncOperation polled at the subscription-scoped operations URL, then a GET of the subnet: final-state-via
 * azure-async-operation), DELETE (a Location operation), and the service association links.
 */
import { notFound, ok, page, route, SimError, type Reply, type Route, type RouteContext } from "../http.ts";
import { checkSubnetChange, subnetFromBody } from "../subnet-rules.ts";
import { serviceAssociationLinksWire, subnetWire } from "../subnet-wire.ts";
import type { SimSubnet, SimVnet } from "../state.ts";
import { APP_SERVICE_LINK, appServiceLinkOf, ipConfigurationIdsOf, subnetIdOf } from "../subnets.ts";
import { lroStart, vnetOf } from "./lookup.ts";

const SUBNETS = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets";

function subnetOf(ctx: RouteContext): { vnet: SimVnet; subnet: SimSubnet } {
  const vnet = vnetOf(ctx);
  const subnet = vnet.subnets.find((s) => s.name.toLowerCase() === ctx.params["subnet"]!.toLowerCase());
  if (!subnet) throw notFound("Microsoft.Network/virtualNetworks/subnets", `${vnet.name}/${ctx.params["subnet"]}`, ctx.params["rg"]);
  return { vnet, subnet };
}

/**
 * 201 for a new subnet, 200 for an update (Subnets_CreateOrUpdate in the Network spec), with the subnet as it will be
 * and provisioningState Updating; what the body described shows at once and is Succeeded when the operation ends. An
 * operation that ends Failed leaves the subnet as it was. Refusals are synchronous 400s, as the public captures show.
 */
function putSubnet(ctx: RouteContext): Reply {
  const vnet = vnetOf(ctx);
  const index = vnet.subnets.findIndex((s) => s.name.toLowerCase() === ctx.params["subnet"]!.toLowerCase());
  const existing = index < 0 ? undefined : vnet.subnets[index];
  if (existing?.provisioningState === "Updating") {
    throw new SimError(429, "RetryableErrorDueToAnotherOperation", `Operation on subnet ${existing.name} cannot be performed because another operation is in progress on it. Retry once it finishes.`);
  }
  const desired = subnetFromBody(ctx.body, vnet, ctx.params["subnet"]!, existing);
  checkSubnetChange(ctx.state, vnet, desired, existing);
  if (existing) vnet.subnets[index] = desired;
  else vnet.subnets.push(desired);
  const complete = (succeeded: boolean) => {
    const at = vnet.subnets.indexOf(desired);
    if (succeeded) desired.provisioningState = "Succeeded";
    else if (existing) vnet.subnets[at] = existing;
    else vnet.subnets.splice(at, 1);
    return undefined;
  };
  const headers = ctx.lro.start(lroStart(ctx, vnet.location, complete), false);
  return { status: existing ? 200 : 201, body: subnetWire(ctx.state, vnet, desired), headers };
}

/**
 * A subnet with App Service's link or with resources in it cannot be deleted (InUseSubnetCannotBeDeleted, HTTP 400:
 * Azure/deployment-stacks#150, Azure/azure-data-labs-modules#268). A missing one answers 204, as ARM's deletes do.
 */
function deleteSubnet(ctx: RouteContext): Reply {
  const vnet = vnetOf(ctx);
  const subnet = vnet.subnets.find((s) => s.name.toLowerCase() === ctx.params["subnet"]!.toLowerCase());
  if (!subnet) return { status: 204 };
  const id = subnetIdOf(vnet, subnet);
  const users = appServiceLinkOf(ctx.state, id) ? [`${id}/serviceAssociationLinks/${APP_SERVICE_LINK}`] : ipConfigurationIdsOf(ctx.state, vnet, subnet);
  if (users.length > 0) {
    throw new SimError(
      400,
      "InUseSubnetCannotBeDeleted",
      `Subnet ${subnet.name} is in use by ${users[0]} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.`,
    );
  }
  const complete = (succeeded: boolean) => {
    if (succeeded) vnet.subnets.splice(vnet.subnets.indexOf(subnet), 1);
    return undefined;
  };
  return { status: 202, headers: ctx.lro.start(lroStart(ctx, vnet.location, complete), true) };
}

/** The subnet routes. */
export const subnetRoutes: Route[] = [
  route("GET", SUBNETS, (ctx) => {
    const vnet = vnetOf(ctx);
    return page(ctx, vnet.subnets.map((s) => subnetWire(ctx.state, vnet, s)));
  }),
  route("GET", `${SUBNETS}/{subnet}`, (ctx) => {
    const { vnet, subnet } = subnetOf(ctx);
    return ok(subnetWire(ctx.state, vnet, subnet));
  }),
  route("PUT", `${SUBNETS}/{subnet}`, putSubnet),
  route("DELETE", `${SUBNETS}/{subnet}`, deleteSubnet),
  // ServiceAssociationLinks_List: a plain {value} without nextLink (the SDK does not page it).
  route("GET", `${SUBNETS}/{subnet}/serviceAssociationLinks`, (ctx) => {
    const { vnet, subnet } = subnetOf(ctx);
    return ok({ value: serviceAssociationLinksWire(ctx.state, vnet, subnet) });
  }),
];
