/**
 * Reads the output of tcpping.exe, nameresolver.exe and `echo %WEBSITE_PRIVATE_IP%` from Kudu's command API. Their
 * formats are not documented (learn.microsoft.com "Troubleshoot virtual network integration with Azure App Service" names the tools, not their output), so each parser looks for several phrasings and says "unclear"
 * rather than guess.
 */
import type { KuduCommandResult } from "../ports.ts";

/** How a TCP test from the worker ended. */
export type TcpOutcome = "connected" | "refused" | "timed-out" | "unknown-host" | "unclear";

/** A parsed tcpping run. */
export interface TcppingResult {
  outcome: TcpOutcome;
  /** "3/4" style counts when tcpping printed its summary. */
  successes: number | undefined;
  attempts: number | undefined;
}

/** How a DNS lookup from the worker ended. */
export type DnsOutcome = "resolved" | "nxdomain" | "timed-out" | "unclear";

/** A parsed nameresolver run. */
export interface NameresolverResult {
  outcome: DnsOutcome;
  addresses: string[];
  /** The DNS server that answered (or was tried last), when printed. */
  server: string | undefined;
}

const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;

/** Parses tcpping output: the summary line when present, else the wording of the attempts. */
export function parseTcpping(result: KuduCommandResult): TcppingResult {
  const text = `${result.output}\n${result.error}`;
  const summary = /complete:\s*(\d+)\s*\/\s*(\d+)/i.exec(text);
  const successes = summary ? Number(summary[1]) : undefined;
  const attempts = summary ? Number(summary[2]) : undefined;
  const counts = { successes, attempts };
  if ((successes ?? 0) > 0 || /connected to\b/i.test(text)) return { outcome: "connected", ...counts };
  if (/no such host|host (is )?not found|could not resolve|unknown host/i.test(text)) return { outcome: "unknown-host", ...counts };
  if (/refused/i.test(text)) return { outcome: "refused", ...counts };
  if (/timed out|timeout/i.test(text)) return { outcome: "timed-out", ...counts };
  return { outcome: "unclear", ...counts };
}

/** Parses nameresolver output (nslookup-like): the answering server, then the name's addresses. */
export function parseNameresolver(result: KuduCommandResult): NameresolverResult {
  const text = `${result.output}\n${result.error}`;
  const server = /server:\s*(\S+)/i.exec(text)?.[1];
  if (/timed out|timeout/i.test(text)) return { outcome: "timed-out", addresses: [], server };
  if (/non-existent domain|can't find|cannot find|nxdomain|not found/i.test(text)) return { outcome: "nxdomain", addresses: [], server };
  // The answer follows "Name:"; the server's own address comes before it and must not count.
  const nameAt = text.search(/^\s*name:/im);
  const answer = nameAt >= 0 ? text.slice(nameAt) : text.replace(/^\s*server:[^\n]*\n(\s*address(es)?:[^\n]*\n)?/im, "");
  const addresses = [...new Set(answer.match(IPV4) ?? [])].filter((ip) => ip !== server);
  if (addresses.length > 0) return { outcome: "resolved", addresses, server };
  return { outcome: "unclear", addresses: [], server };
}

/** The worker's WEBSITE_PRIVATE_IP, or undefined when the variable is not set (cmd echoes it back literally). */
export function parsePrivateIp(result: KuduCommandResult): string | undefined {
  if (/%WEBSITE_PRIVATE_IP%/i.test(result.output)) return undefined;
  return result.output.match(IPV4)?.[0];
}
