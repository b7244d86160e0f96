/**
 * Where a plan's integration subnet comes from in one VNet: a subnet that is already fit for it, else a free /26 (or
 * larger, for a plan that needs it), else a free range of the size the plan needs, else nothing (and how many
 * addresses are missing).
 */
import type { PlanInfo, SubnetInfo, VnetInfo } from "../model.ts";
import { APP_SERVICE_DELEGATION, checkSubnet } from "./regional-rules.ts";
import { blockSize, findFreeBlock, ipv4Space, largestFreePrefix, neededPrefixLength, RECOMMENDED_PREFIX, usedRanges } from "./subnet-plan.ts";
import { parseCidr } from "../address-range.ts";
import { sameId } from "../resource-id.ts";

/** The choice for one plan in one VNet. */
export type SubnetChoice =
  | { kind: "existing"; subnet: SubnetInfo; freeRange: string | undefined; newName: string }
  | { kind: "new"; prefix: string; name: string }
  | { kind: "none"; neededPrefix: number; missingAddresses: number; largestFree: number | undefined };

/**
 * Picks the integration subnet: one the plan uses already (linked to it, or in `own`, the subnets its apps use), then
 * one delegated to App Service that passes every rule, then an empty undelegated one, else a new subnet in the first
 * free range. `reserved` are prefixes promised to other plans in the same assessment (a subnet's or a new range's), so
 * that two proposals never share a subnet. A subnet the plan shares with other plans is its own like any other; one
 * only other plans use is never proposed (checkSubnet).
 */
export function chooseSubnet(
  vnet: VnetInfo,
  plan: Pick<PlanInfo, "id" | "name" | "workers">,
  reserved: readonly string[] = [],
  own: readonly string[] = [],
  options: { recommended?: boolean } = {},
): SubnetChoice {
  const needed = neededPrefixLength(plan.workers);
  const isPlansOwn = (subnet: SubnetInfo) => subnet.serviceAssociationLinks.some((link) => sameId(link.link, plan.id)) || own.some((id) => sameId(id, subnet.id));
  // Promised to another plan; the plan's own subnet is its to keep, whoever else was promised its range.
  const promised = (subnet: SubnetInfo) => !isPlansOwn(subnet) && subnet.addressPrefixes.some((prefix) => reserved.includes(prefix));
  const fit = vnet.subnets.filter((subnet) => !promised(subnet) && checkSubnet(subnet, plan, { join: isPlansOwn(subnet) }).length === 0);
  const delegated = fit.filter((subnet) => subnet.delegations.some((d) => d.toLowerCase() === APP_SERVICE_DELEGATION.toLowerCase()));
  const space = ipv4Space(vnet);
  const used = usedRanges(vnet, reserved);
  const freeRange = (needed > RECOMMENDED_PREFIX && options.recommended !== false ? findFreeBlock(space, used, RECOMMENDED_PREFIX) : undefined) ?? findFreeBlock(space, used, needed);
  const newName = newSubnetName(vnet, plan.name);
  // A subnet the plan already holds (another of its apps moved there) keeps the plan on one subnet.
  const linked = fit.filter(isPlansOwn);
  const existing = linked[0] ?? delegated[0] ?? fit[0];
  if (existing) return { kind: "existing", subnet: existing, freeRange, newName };
  if (freeRange) return { kind: "new", prefix: freeRange, name: newName };
  const largest = largestFreePrefix(space, used);
  return { kind: "none", neededPrefix: needed, missingAddresses: blockSize(needed) - (largest === undefined ? 0 : blockSize(largest)), largestFree: largest };
}

/** A subnet name for the plan that the VNet does not use yet: "snet-<plan>", then "snet-<plan>-2", … */
export function newSubnetName(vnet: Pick<VnetInfo, "subnets">, planName: string): string {
  // Subnet names: up to 80 characters, letters, digits, underscores, periods and hyphens.
  const base = `snet-${planName}`.replace(/[^A-Za-z0-9_.-]/g, "-").slice(0, 76);
  const taken = new Set(vnet.subnets.map((subnet) => subnet.name.toLowerCase()));
  if (!taken.has(base.toLowerCase())) return base;
  for (let n = 2; ; n += 1) if (!taken.has(`${base}-${n}`.toLowerCase())) return `${base}-${n}`;
}

/** True when the range lies inside the VNet's IPv4 address space and overlaps none of its subnets. */
export function isFreeRange(vnet: VnetInfo, prefix: string): { inside: boolean; overlaps: string[] } {
  const range = parseCidr(prefix);
  const inside = ipv4Space(vnet).some((block) => block.start <= range.start && range.end <= block.end);
  const overlaps = vnet.subnets.filter((subnet) => usedRanges({ subnets: [subnet] }).some((used) => used.start <= range.end && range.start <= used.end)).map((subnet) => subnet.name);
  return { inside, overlaps };
}

/**
 * Whether the VNet's free space holds a /26 for each of `plans` plans: an assessment of several plans gives each the
 * recommended size only then, since a /26 taken by the first would otherwise leave a later plan without the /28 it
 * needs (the ranges are promised one plan after the other).
 */
export function roomForRecommended(vnet: VnetInfo, plans: number): boolean {
  const space = ipv4Space(vnet);
  const used = usedRanges(vnet);
  for (let found = 0; found < plans; found += 1) {
    const block = findFreeBlock(space, used, RECOMMENDED_PREFIX);
    if (!block) return false;
    used.push(parseCidr(block));
  }
  return true;
}
