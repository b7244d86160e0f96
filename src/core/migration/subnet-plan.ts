/**
 * The integration subnet a plan needs and where it can come from. Azure reserves five addresses of every subnet;
 * regional integration takes one address per plan instance and, while a scale operation runs, a second one: "provision
 * double the IP addresses of your expected maximum scale", at least a /28 (azure-docs
 * articles/app-service/overview-vnet-integration.md, "Subnet requirements").
 */
import { formatIpv4, parseCidr, rangesOverlap, type AddressRange } from "../address-range.ts";
import type { SubnetInfo, VnetInfo } from "../model.ts";

/** Addresses Azure keeps in every subnet (network, gateway, two for DNS, broadcast). */
export const RESERVED_ADDRESSES = 5;
/** The smallest integration subnet regional integration takes. */
export const LARGEST_PREFIX = 28;
/**
 * The size Microsoft recommends for a new integration subnet, since one in use cannot be resized (overview-vnet-
 * integration.md, "Subnet requirements": "we recommend … a /26"; migration.md). A new subnet gets it where the VNet has
 * a free /26, else the smallest that fits the plan.
 */
export const RECOMMENDED_PREFIX = 26;

/** The prefix length of the smallest subnet that holds twice the plan's instances (never smaller than a /28). */
export function neededPrefixLength(instances: number): number {
  const needed = 2 * Math.max(1, instances) + RESERVED_ADDRESSES;
  let prefix = LARGEST_PREFIX;
  while (prefix > 0 && 2 ** (32 - prefix) < needed) prefix -= 1;
  return prefix;
}

/** How many instances a subnet of this prefix length serves with room for a scale operation. */
export function instancesServed(prefixLength: number): number {
  return Math.floor((2 ** (32 - prefixLength) - RESERVED_ADDRESSES) / 2);
}

/** The IPv4 ranges of a VNet's address space; IPv6 prefixes are left out (regional integration uses IPv4). */
export function ipv4Space(vnet: Pick<VnetInfo, "addressSpace">): AddressRange[] {
  return vnet.addressSpace.flatMap((prefix) => (prefix.includes(":") ? [] : tryCidr(prefix)));
}

/** Every IPv4 range the VNet's subnets hold. */
export function usedRanges(vnet: Pick<VnetInfo, "subnets">, alsoTaken: readonly string[] = []): AddressRange[] {
  return [...vnet.subnets.flatMap((subnet) => subnet.addressPrefixes), ...alsoTaken].flatMap((prefix) => (prefix.includes(":") ? [] : tryCidr(prefix)));
}

/**
 * The first aligned block of this prefix length inside the address space that no subnet overlaps, in the order of
 * the address space; undefined when there is none. The used ranges are sorted once and a block that overlaps one makes
 * the search jump past it, so a /8 address space with the 3,000 subnets a VNet may hold (azure-docs
 * articles/azure-resource-manager/management/azure-subscription-service-limits.md, networking limits) costs about as
 * much as sorting them.
 */
export function findFreeBlock(space: readonly AddressRange[], used: readonly AddressRange[], prefixLength: number): string | undefined {
  const size = 2 ** (32 - prefixLength);
  const sorted = [...used].sort((a, b) => a.start - b.start);
  for (const block of space) {
    let start = alignUp(block.start, size);
    let first = 0;
    while (start + size - 1 <= block.end) {
      const candidate = { start, end: start + size - 1 };
      // Ranges that end before the candidate can never clash with a later one either.
      while (first < sorted.length && sorted[first]!.end < start) first += 1;
      let clashEnd: number | undefined;
      for (let i = first; i < sorted.length && sorted[i]!.start <= candidate.end; i += 1) {
        if (rangesOverlap(sorted[i]!, candidate)) clashEnd = Math.max(clashEnd ?? 0, sorted[i]!.end);
      }
      if (clashEnd === undefined) return `${formatIpv4(start)}/${prefixLength}`;
      start = alignUp(clashEnd + 1, size);
    }
  }
  return undefined;
}

/** The largest free aligned block (its prefix length), or undefined when not even one address is free. */
export function largestFreePrefix(space: readonly AddressRange[], used: readonly AddressRange[]): number | undefined {
  for (let prefix = 0; prefix <= 32; prefix += 1) if (findFreeBlock(space, used, prefix)) return prefix;
  return undefined;
}

/** Addresses in a block of this prefix length. */
export function blockSize(prefixLength: number): number {
  return 2 ** (32 - prefixLength);
}

/** The subnet's IPv4 prefix length (its first IPv4 prefix), or undefined when it has none readable. */
export function subnetPrefixLength(subnet: Pick<SubnetInfo, "addressPrefixes">): number | undefined {
  const first = subnet.addressPrefixes.find((prefix) => !prefix.includes(":"));
  if (!first) return undefined;
  const length = Number(first.split("/")[1]);
  return Number.isInteger(length) ? length : undefined;
}

function alignUp(value: number, size: number): number {
  return Math.ceil(value / size) * size;
}

function tryCidr(prefix: string): AddressRange[] {
  try {
    return [parseCidr(prefix)];
  } catch {
    return [];
  }
}
