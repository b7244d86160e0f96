/** IPv4 addresses and CIDR prefixes, as the simulator's Network and App Service checks compare them. */

/** The address as a number, or undefined when it is not dotted-quad IPv4. */
export function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + p, 0);
}

export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** A prefix's first address and size; undefined for anything but an IPv4 CIDR whose base is its first address. */
export function parseCidr(prefix: string): { first: number; size: number; bits: number } | undefined {
  const match = /^([\d.]+)\/(\d{1,2})$/.exec(prefix.trim());
  const first = match ? ipv4ToInt(match[1]!) : undefined;
  const bits = Number(match?.[2]);
  if (first === undefined || !(bits >= 0 && bits <= 32)) return undefined;
  const size = 2 ** (32 - bits);
  return first % size === 0 ? { first, size, bits } : undefined;
}

/** True when an IPv4 address lies inside a CIDR prefix (the prefix's base need not be aligned). */
export function inPrefix(ip: string, prefix: string): boolean {
  const [base, bits] = prefix.split("/");
  const a = ipv4ToInt(ip);
  const b = ipv4ToInt(base ?? "");
  const size = 2 ** (32 - Number(bits ?? 32));
  return a !== undefined && b !== undefined && Math.floor(a / size) === Math.floor(b / size);
}

/** True when two valid prefixes share an address. */
export function overlaps(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  return x !== undefined && y !== undefined && x.first < y.first + y.size && y.first < x.first + x.size;
}

/** True when the inner prefix lies wholly inside the outer one. */
export function contains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  return o !== undefined && i !== undefined && i.first >= o.first && i.first + i.size <= o.first + o.size;
}

/** RFC 1918 ranges: what regional VNet integration sends into the VNet without route-all. */
export const RFC1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];
