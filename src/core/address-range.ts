/** IPv4 addresses and ranges as users and ARM write them: "10.1.0.0/16" or "10.1.0.0-10.1.0.255". */
import { BotError } from "../errors.ts";
import type { PlanRoute } from "./model.ts";
import { escapeMrkdwn } from "./reply.ts";

/** An inclusive range of IPv4 addresses, as unsigned 32-bit numbers. */
export interface AddressRange {
  start: number;
  end: number;
}

const RANGE_HINT = 'Write a range as CIDR ("10.1.0.0/16") or as "START-END" ("10.1.0.0-10.1.0.255").';

/** The private blocks of RFC 1918, the only ones a P2S pool may use. */
export const RFC1918_RANGES: readonly AddressRange[] = [
  { start: 0x0a000000, end: 0x0affffff },
  { start: 0xac100000, end: 0xac1fffff },
  { start: 0xc0a80000, end: 0xc0a8ffff },
];

function usage(message: string): BotError {
  return new BotError("usage", message, { hint: RANGE_HINT });
}

/** Parses a dotted-quad IPv4 address to a number; throws BotError("usage") saying what is wrong. */
export function parseIpv4(text: string): number {
  const trimmed = text.trim();
  const parts = trimmed.split(".");
  if (parts.length !== 4) throw usage(`"${escapeMrkdwn(trimmed)}" is not an IPv4 address: it needs four numbers separated by dots.`);
  let value = 0;
  for (const part of parts) {
    // Leading zeros are refused: some tools read "010" as octal, so its meaning is ambiguous.
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) {
      throw usage(`"${escapeMrkdwn(trimmed)}" is not an IPv4 address: "${escapeMrkdwn(part)}" is not a number from 0 to 255.`);
    }
    value = value * 256 + Number(part);
  }
  return value;
}

/** Formats a number as a dotted-quad IPv4 address. */
export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** Parses "a.b.c.d/n" strictly: the prefix must be 0-32 and the host bits must be zero. */
export function parseCidr(text: string): AddressRange {
  const trimmed = text.trim();
  const [address = "", prefixText = "", ...rest] = trimmed.split("/");
  if (rest.length > 0 || !/^\d{1,2}$/.test(prefixText)) {
    throw usage(`"${escapeMrkdwn(trimmed)}" is not a CIDR range: the prefix after "/" must be a number from 0 to 32.`);
  }
  const prefix = Number(prefixText);
  if (prefix > 32) throw usage(`"${escapeMrkdwn(trimmed)}" is not a CIDR range: the prefix /${prefix} is larger than 32.`);
  const start = parseIpv4(address);
  const size = 2 ** (32 - prefix);
  if (start % size !== 0) {
    const network = formatIpv4(start - (start % size));
    throw usage(`"${escapeMrkdwn(trimmed)}" has host bits set: a /${prefix} range starts at ${network}. Did you mean ${network}/${prefix}?`);
  }
  return { start, end: start + size - 1 };
}

/** Parses a CIDR, a "START-END" range or a single address; throws BotError("usage") with the fix. */
export function parseAddressRange(text: string): AddressRange {
  const trimmed = text.trim();
  if (trimmed.length === 0) throw usage("The address range is empty.");
  if (trimmed.includes("/")) return parseCidr(trimmed);
  const dash = trimmed.indexOf("-");
  if (dash < 0) {
    const address = parseIpv4(trimmed);
    return { start: address, end: address };
  }
  const start = parseIpv4(trimmed.slice(0, dash));
  const end = parseIpv4(trimmed.slice(dash + 1));
  if (start > end) {
    throw usage(`"${escapeMrkdwn(trimmed)}" ends before it starts: ${formatIpv4(end)} is lower than ${formatIpv4(start)}. Swap them.`);
  }
  return { start, end };
}

/** The range a plan route covers (startAddress may be CIDR, then endAddress is absent). */
export function rangeOfRoute(route: Pick<PlanRoute, "startAddress" | "endAddress">): AddressRange {
  if (route.endAddress === undefined || route.endAddress === "") return parseAddressRange(route.startAddress);
  return parseAddressRange(`${route.startAddress}-${route.endAddress}`);
}

/** The range of a stored route; undefined when Azure holds something that cannot be read as one. */
export function readRoute(route: Pick<PlanRoute, "startAddress" | "endAddress">): AddressRange | undefined {
  try {
    return rangeOfRoute(route);
  } catch {
    return undefined;
  }
}

/** A route as users read it: its range and type, e.g. "10.0.0.0/16, STATIC". */
export function describeRoute(route: PlanRoute): string {
  const range = readRoute(route);
  return `${range ? formatRange(range) : route.startAddress}, ${route.routeType}`;
}

/** True when every address of inner lies in outer. */
export function rangeContains(outer: AddressRange, inner: AddressRange): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

/** True when the ranges share at least one address. */
export function rangesOverlap(a: AddressRange, b: AddressRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** True when the range lies inside 10/8, 172.16/12 or 192.168/16. */
export function isPrivateRange(range: AddressRange): boolean {
  return RFC1918_RANGES.some((block) => rangeContains(block, range));
}

/** Whether an IPv4 address is in RFC 1918; undefined for anything that is not an IPv4 address (a host name). */
export function isPrivateAddress(text: string): boolean | undefined {
  const address = tryParseRange(text);
  return address && address.start === address.end ? isPrivateRange(address) : undefined;
}

/** The range a prefix, range or address stands for, or undefined when it is none (a service tag, "*"). */
export function tryParseRange(text: string): AddressRange | undefined {
  try {
    return parseAddressRange(text);
  } catch {
    return undefined;
  }
}

/** True when the prefix (CIDR, range or address) holds the address; false for anything unparsable. */
export function prefixHolds(prefix: string, ip: string): boolean {
  const [range, address] = [tryParseRange(prefix), tryParseRange(ip)];
  return range !== undefined && address !== undefined && address.start === address.end && rangeContains(range, address);
}

/** The prefix length when the range is exactly one CIDR block, else undefined. */
export function cidrPrefixOf(range: AddressRange): number | undefined {
  const size = range.end - range.start + 1;
  const bits = Math.log2(size);
  if (!Number.isInteger(bits) || range.start % size !== 0) return undefined;
  return 32 - bits;
}

/** Formats as CIDR when the range is one block, else as "START-END". */
export function formatRange(range: AddressRange): string {
  const prefix = cidrPrefixOf(range);
  if (prefix !== undefined) return `${formatIpv4(range.start)}/${prefix}`;
  return `${formatIpv4(range.start)}-${formatIpv4(range.end)}`;
}

/** The addresses ARM stores for a route: CIDR in startAddress alone, or a start and an end address. */
export function routeAddresses(range: AddressRange): { startAddress: string; endAddress: string | undefined } {
  if (cidrPrefixOf(range) !== undefined) return { startAddress: formatRange(range), endAddress: undefined };
  return { startAddress: formatIpv4(range.start), endAddress: formatIpv4(range.end) };
}

/** A route name derived from the range: ARM names allow letters, digits and hyphens, not dots or slashes. */
export function routeNameFor(range: AddressRange): string {
  const prefix = cidrPrefixOf(range);
  const dashed = (value: number) => formatIpv4(value).replaceAll(".", "-");
  if (prefix !== undefined) return `route-${dashed(range.start)}-${prefix}`;
  return `route-${dashed(range.start)}-to-${dashed(range.end)}`;
}

/** True when the text is a range inside RFC 1918; false for a public or unreadable one (a P2S pool check). */
export function isPrivatePrefix(prefix: string): boolean {
  try {
    return isPrivateRange(parseAddressRange(prefix));
  } catch {
    return false;
  }
}
