/**
 * Evaluates an NSG's inbound rules for traffic from the whole P2S pool to one address and TCP port, the way Azure
 * does: by priority, first match wins. Workers take any address of the pool, so a rule that denies part of it
 * breaks some workers: that counts as blocked.
 */
import { formatRange, parseAddressRange, type AddressRange } from "../address-range.ts";
import type { NsgInfo, NsgRule } from "../model.ts";

/** The flow to evaluate. */
export interface InboundFlow {
  /** The P2S pool prefixes. */
  sourcePool: readonly string[];
  destinationIp: string;
  port: number;
}

/** What the NSG does with the flow. */
export interface NsgVerdict {
  allowed: boolean;
  /** The rule that denies (part of) the pool; undefined when allowed or no rule matched at all. */
  blockingRule: NsgRule | undefined;
  /** The part of the pool that is denied, e.g. "172.16.201.0/24". */
  blockedPart: string | undefined;
  /** The rules that allow the pool, in the order they matched. */
  allowingRules: NsgRule[];
}

const ANY = new Set(["*", "any", "0.0.0.0/0"]);
const ALL: AddressRange = { start: 0, end: 0xffffffff };

/** Azure's default inbound rules, for readers that return custom rules only. */
export const DEFAULT_INBOUND_RULES: readonly NsgRule[] = [
  defaultRule("AllowVnetInBound", 65000, "Allow", ["VirtualNetwork"], ["VirtualNetwork"]),
  defaultRule("AllowAzureLoadBalancerInBound", 65001, "Allow", ["AzureLoadBalancer"], ["*"]),
  defaultRule("DenyAllInBound", 65500, "Deny", ["*"], ["*"]),
];

/** Evaluates the NSG's inbound rules for TCP from the whole pool to destinationIp:port. */
export function evaluateInbound(nsg: NsgInfo, flow: InboundFlow): NsgVerdict {
  const rules = nsg.rules.some((rule) => rule.isDefault) ? nsg.rules : [...nsg.rules, ...DEFAULT_INBOUND_RULES];
  const inbound = rules.filter((rule) => rule.direction === "Inbound").sort((a, b) => a.priority - b.priority);
  const destination = parseAddressRange(flow.destinationIp);
  let undecided = flow.sourcePool.map((prefix) => parseAddressRange(prefix));
  const allowingRules: NsgRule[] = [];
  for (const rule of inbound) {
    if (!matchesProtocol(rule.protocol) || !matchesPort(rule.destinationPorts, flow.port)) continue;
    if (!rule.destinationPrefixes.some((prefix) => covers(prefix, destination))) continue;
    const sources = rule.sourcePrefixes.flatMap((prefix) => sourceRanges(prefix, undecided));
    const matched = undecided.flatMap((part) => sources.flatMap((source) => intersect(part, source)));
    if (matched.length === 0) continue;
    if (rule.access === "Deny") {
      return { allowed: false, blockingRule: rule, blockedPart: matched.map(formatRange).join(", "), allowingRules };
    }
    allowingRules.push(rule);
    undecided = matched.reduce((rest, taken) => rest.flatMap((part) => subtract(part, taken)), undecided);
    if (undecided.length === 0) return { allowed: true, blockingRule: undefined, blockedPart: undefined, allowingRules };
  }
  return { allowed: false, blockingRule: undefined, blockedPart: undecided.map(formatRange).join(", "), allowingRules };
}

function matchesProtocol(protocol: string): boolean {
  const lower = protocol.toLowerCase();
  return lower === "tcp" || lower === "*" || lower === "any";
}

/** True when one of the rule's port ranges ("*", "443", "1000-2000") includes the port. */
export function matchesPort(ranges: readonly string[], port: number): boolean {
  return ranges.some((text) => {
    const range = text.trim();
    if (range === "*" || range.toLowerCase() === "any") return true;
    const [low = "", high = low] = range.split("-");
    return Number(low) <= port && port <= Number(high);
  });
}

// VirtualNetwork includes the VNet, its peers and the ranges connected through its gateway: the P2S pool too.
function sourceRanges(prefix: string, pool: AddressRange[]): AddressRange[] {
  const lower = prefix.trim().toLowerCase();
  if (ANY.has(lower)) return [ALL];
  if (lower === "virtualnetwork") return pool;
  const range = tryRange(prefix);
  return range ? [range] : [];
}

// The destination is always in the NSG's own VNet, so VirtualNetwork covers it.
function covers(prefix: string, destination: AddressRange): boolean {
  const lower = prefix.trim().toLowerCase();
  if (ANY.has(lower) || lower === "virtualnetwork") return true;
  const range = tryRange(prefix);
  return range !== undefined && range.start <= destination.start && destination.end <= range.end;
}

function tryRange(text: string): AddressRange | undefined {
  try {
    return parseAddressRange(text);
  } catch {
    // Service tags other than VirtualNetwork (AzureLoadBalancer, Sql, ...) never hold the P2S pool.
    return undefined;
  }
}

function intersect(a: AddressRange, b: AddressRange): AddressRange[] {
  const start = Math.max(a.start, b.start);
  const end = Math.min(a.end, b.end);
  return start <= end ? [{ start, end }] : [];
}

function subtract(from: AddressRange, taken: AddressRange): AddressRange[] {
  const rest: AddressRange[] = [];
  if (taken.end < from.start || taken.start > from.end) return [from];
  if (from.start < taken.start) rest.push({ start: from.start, end: taken.start - 1 });
  if (taken.end < from.end) rest.push({ start: taken.end + 1, end: from.end });
  return rest;
}

function defaultRule(name: string, priority: number, access: "Allow" | "Deny", sources: string[], destinations: string[]): NsgRule {
  return { name, priority, direction: "Inbound", access, protocol: "*", sourcePrefixes: sources, destinationPrefixes: destinations, destinationPorts: ["*"], isDefault: true };
}
