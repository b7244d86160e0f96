/**
 * The integration subnet a migrate command names: SUBNET (in the integration's own VNet), VNET/SUBNET, RG/VNET/SUBNET
 * or the subnet's full id; or none, when --new-subnet gives its range or the bot proposes one.
 */
import { BotError } from "../../errors.ts";
import { assertValidAzureName } from "../azure-names.ts";
import type { VnetInfo } from "../model.ts";
import { escapeMrkdwn } from "../reply.ts";
import { parseResourceId } from "../resource-id.ts";
import { resolveVnet, type ResolveDeps } from "../resolve.ts";

/** Where the subnet is: its VNet (resolved) and its name; the subnet itself may not exist yet. */
export interface SubnetTarget {
  vnet: VnetInfo;
  name: string;
  id: string;
}

const SHAPES = "SUBNET (in the app's VNet), VNET/SUBNET, RG/VNET/SUBNET or the subnet's resource id";

/** Resolves the words to the subnet's VNet and name; a bare name lies in `home` (the integration's VNet). */
export async function resolveSubnetTarget(deps: ResolveDeps, text: string, home: VnetInfo | undefined): Promise<SubnetTarget> {
  const usage = (why: string) => new BotError("usage", `"${escapeMrkdwn(text)}" ${why}`, { hint: `Name the subnet as ${SHAPES}.` });
  if (text.startsWith("/")) {
    const parsed = parseResourceId(text);
    const isSubnet = parsed?.provider.toLowerCase() === "microsoft.network" && parsed.types.map((t) => t.toLowerCase()).join("/") === "virtualnetworks/subnets";
    if (!parsed || !isSubnet) throw usage("is not the resource id of a subnet (…/providers/Microsoft.Network/virtualNetworks/VNET/subnets/SUBNET).");
    const vnet = await resolveVnet(deps, text.slice(0, text.toLowerCase().lastIndexOf("/subnets/")));
    return at(vnet, parsed.names[1]!);
  }
  const parts = text.split("/");
  if (parts.length > 3) throw usage(`is not ${SHAPES}.`);
  const name = parts.at(-1)!;
  assertValidAzureName("subnet", name);
  if (parts.length === 1) {
    if (!home) throw usage("names no VNet, and the integration's VNet is not one regional integration can use: give VNET/SUBNET.");
    return at(home, name);
  }
  return at(await resolveVnet(deps, parts.slice(0, -1).join("/")), name);
}

/** The subnet of that name in the VNet (existing or to be created), with its id as ARM spells subnet ids. */
export function at(vnet: VnetInfo, name: string): SubnetTarget {
  const existing = vnet.subnets.find((subnet) => subnet.name.toLowerCase() === name.toLowerCase());
  return { vnet, name: existing?.name ?? name, id: existing?.id ?? `${vnet.id}/subnets/${name}` };
}
