/** Parses the HOST[:PORT] a user gives /vnet diagnose, tcpping and resolve. */
import { BotError } from "../../errors.ts";
import { formatIpv4, parseIpv4 } from "../address-range.ts";
import { escapeMrkdwn } from "../reply.ts";
import type { DiagnoseTarget } from "./diagnosis.ts";

const HINT = "Write the host as a DNS name or an IPv4 address, optionally with a port: sql.contoso.internal:1433 or 10.0.1.4:443.";
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;

function usage(message: string): BotError {
  return new BotError("usage", message, { hint: HINT });
}

/** Parses "host", "host:port" or "ip:port"; throws BotError("usage") saying what is wrong. */
export function parseTarget(text: string, options: { requirePort?: boolean } = {}): DiagnoseTarget {
  const trimmed = text.trim();
  if (trimmed.length === 0) throw usage("Name the host to test.");
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw usage(`"${escapeMrkdwn(trimmed)}" is a URL; give only the host and port (tcpping and DNS work below HTTP).`);
  }
  if (trimmed.startsWith("[") || (trimmed.match(/:/g) ?? []).length > 1) {
    // A name or IPv4 address with two colons is a typo of HOST:PORT, not an IPv6 address.
    if (!trimmed.startsWith("[") && /^[^:]*\./.test(trimmed)) throw usage(`"${escapeMrkdwn(trimmed)}" has more than one colon; give HOST or HOST:PORT.`);
    throw usage(`"${escapeMrkdwn(trimmed)}" looks like an IPv6 address; gateway-required integration carries IPv4 only.`);
  }
  const colon = trimmed.lastIndexOf(":");
  const hostText = colon < 0 ? trimmed : trimmed.slice(0, colon);
  const port = colon < 0 ? undefined : parsePort(trimmed.slice(colon + 1), trimmed);
  if (options.requirePort && port === undefined) throw usage(`"${escapeMrkdwn(trimmed)}" has no port; tcpping needs HOST:PORT.`);
  if (/^[\d.]+$/.test(hostText)) {
    const ip = formatIpv4(parseIpv4(hostText));
    return { host: ip, port, ip };
  }
  assertHostName(hostText);
  return { host: hostText.toLowerCase().replace(/\.$/, ""), port, ip: undefined };
}

function parsePort(text: string, whole: string): number {
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port < 1 || port > 65535) throw usage(`"${escapeMrkdwn(whole)}": the port must be a number from 1 to 65535.`);
  return port;
}

function assertHostName(host: string): void {
  const labels = host.replace(/\.$/, "").split(".");
  if (host.length > 253 || labels.some((label) => !LABEL.test(label))) {
    throw usage(`"${escapeMrkdwn(host)}" is not a valid host name: use letters, digits and hyphens between dots.`);
  }
}
