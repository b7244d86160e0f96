/**
 * The live half of the checklist: tcpping, nameresolver and WEBSITE_PRIVATE_IP on the app's worker through Kudu, each
 * under the deadline gateway-required integration itself uses (21 s for TCP, 3 s per DNS server).
 */
import { isBotError } from "../../errors.ts";
import { prefixHolds } from "../address-range.ts";
import type { AppInfo } from "../model.ts";
import type { KuduCommandResult, KuduRunner } from "../ports.ts";
import { check, type DiagnosisCheck } from "./diagnosis.ts";
import { parseNameresolver, parsePrivateIp, parseTcpping } from "./kudu-output.ts";

/** The doc's TCP timeout over gateway-required integration. */
export const TCP_TIMEOUT_MS = 21_000;
/** The doc's DNS timeout, per DNS server. */
export const DNS_TIMEOUT_PER_SERVER_MS = 3_000;

/** Deadlines of the live tests (injectable so that tests need not wait 21 s). */
export interface LiveOptions {
  tcpTimeoutMs?: number;
  dnsTimeoutPerServerMs?: number;
  /** The command's own deadline: aborting it stops the live tests. */
  signal?: AbortSignal;
  /** Where the app's traffic comes from, as the fixes name it: "the P2S pool" (gateway-required, the default) or a subnet. */
  source?: string;
}

/** What the worker said, or that it said nothing before the deadline. */
export type LiveRun = { kind: "done"; result: KuduCommandResult } | { kind: "deadline" } | { kind: "unavailable"; message: string; hint: string | undefined };

// Only validated names and addresses reach a command line (Kudu runs it through cmd).
const SAFE_ARGUMENT = /^[A-Za-z0-9_.-]+$/;

/** Runs one command on the worker, giving up after deadlineMs even when the runner ignores the signal. */
export async function runOnWorker(kudu: KuduRunner, app: AppInfo, command: string, deadlineMs: number, outer?: AbortSignal): Promise<LiveRun> {
  const deadline = AbortSignal.timeout(deadlineMs);
  const signal = outer ? AbortSignal.any([outer, deadline]) : deadline;
  let onAbort = () => {};
  const aborted = new Promise<"aborted">((resolve) => {
    onAbort = () => resolve("aborted");
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    const result = await Promise.race([kudu.runCommand(app, command, { signal }), aborted]);
    if (result !== "aborted") return { kind: "done", result };
  } catch (error) {
    if (!signal.aborted) {
      if (isBotError(error)) return { kind: "unavailable", message: error.message, hint: error.hint };
      throw error;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  if (outer?.aborted) throw outer.reason;
  return { kind: "deadline" };
}

function assertSafe(argument: string): void {
  if (!SAFE_ARGUMENT.test(argument)) throw new Error(`unsafe Kudu command argument: ${JSON.stringify(argument)}`);
}

/** How to tell a stalled worker (Kudu) from a network that drops the traffic, both of which time out. */
const STALLED_WORKER = (command: string) => `If \`${command}\` also times out for a host and port known to answer, the app's worker (Kudu) is what does not answer.`;

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

function unavailable(id: DiagnosisCheck["id"], title: string, run: { message: string; hint: string | undefined }): DiagnosisCheck {
  return check(id, "warn", title, `Could not run the test on the app's worker: ${run.message}`, { fix: run.hint });
}

/** tcpping HOST PORT from the worker. */
export async function testTcp(kudu: KuduRunner, app: AppInfo, host: string, port: number, options: LiveOptions = {}): Promise<DiagnosisCheck> {
  assertSafe(host);
  const title = `The app's worker connects to ${host}:${port}`;
  const timeout = options.tcpTimeoutMs ?? TCP_TIMEOUT_MS;
  const run = await runOnWorker(kudu, app, `tcpping.exe ${host} ${port}`, timeout, options.signal);
  const source = options.source ?? "the P2S pool";
  const blockedFix = `Something between ${source} and ${host}:${port} drops the traffic: see the route and NSG checks, and the host's own firewall.`;
  if (run.kind === "unavailable") return unavailable("tcp-connect", title, run);
  // No answer in time reads as dropped traffic (a black-holed SYN takes this long), but a worker whose Kudu stalls
  // looks the same from here: the fix says how to tell them apart.
  if (run.kind === "deadline") {
    return check("tcp-connect", "fail", title, `tcpping got no answer within ${seconds(timeout)} (timed out).`, { fix: `${blockedFix} ${STALLED_WORKER(`/vnet tcpping ${app.name} HOST:PORT`)}` });
  }
  const parsed = parseTcpping(run.result);
  const counts = parsed.attempts === undefined ? "" : ` (${parsed.successes}/${parsed.attempts} attempts)`;
  switch (parsed.outcome) {
    case "connected":
      return check("tcp-connect", "pass", title, `tcpping connected${counts}.`);
    case "refused":
      return check("tcp-connect", "fail", title, `${host} answered but refused port ${port}${counts}.`, { fix: `Check that the service listens on port ${port} and that ${host}'s firewall allows ${source}.` });
    case "timed-out":
      return check("tcp-connect", "fail", title, `tcpping timed out${counts}.`, { fix: blockedFix });
    case "unknown-host":
      return check("tcp-connect", "fail", title, `The worker could not resolve ${host}.`, { fix: "See the DNS check; check the spelling of the name." });
    case "unclear":
      return check("tcp-connect", "warn", title, `tcpping's output was not understood (exit code ${run.result.exitCode}).`, { fix: `Run tcpping.exe ${host} ${port} in the app's Kudu console to see it.` });
  }
}

/** The outcome of the DNS test, with the addresses it found. */
export interface DnsTest {
  check: DiagnosisCheck;
  addresses: string[];
}

/** What a lookup says the name resolves to now: its addresses, none (it failed), or undefined (it could not tell). */
export function resolvedBy(dns: DnsTest): string[] | undefined {
  if (dns.check.status === "pass") return dns.addresses;
  return dns.check.status === "fail" ? [] : undefined;
}

/** nameresolver HOST from the worker: it asks the DNS servers pushed with the integration. */
export async function testDns(kudu: KuduRunner, app: AppInfo, host: string, dnsServers: readonly string[], options: LiveOptions = {}): Promise<DnsTest> {
  assertSafe(host);
  const title = `The app's worker resolves ${host}`;
  const servers = dnsServers.length > 0 ? dnsServers.join(", ") : "Azure-provided DNS";
  const timeout = (options.dnsTimeoutPerServerMs ?? DNS_TIMEOUT_PER_SERVER_MS) * Math.max(1, dnsServers.length);
  const run = await runOnWorker(kudu, app, `nameresolver.exe ${host}`, timeout, options.signal);
  const unreachableFix = `Make the DNS servers (${servers}) reachable from the P2S pool: a route for them, and NSGs that allow UDP and TCP 53 from the pool.`;
  if (run.kind === "unavailable") return { check: unavailable("dns-lookup", title, run), addresses: [] };
  if (run.kind === "deadline") {
    return { check: check("dns-lookup", "fail", title, `No DNS server (${servers}) answered within ${seconds(timeout)} (timed out).`, { fix: `${unreachableFix} ${STALLED_WORKER(`/vnet resolve ${app.name} NAME`)}` }), addresses: [] };
  }
  const parsed = parseNameresolver(run.result);
  const via = parsed.server ? ` (server ${parsed.server})` : "";
  switch (parsed.outcome) {
    case "resolved":
      return { check: check("dns-lookup", "pass", title, `${host} is ${parsed.addresses.join(", ")}${via}.`), addresses: parsed.addresses };
    case "nxdomain":
      return { check: check("dns-lookup", "fail", title, `The DNS server${via} does not know ${host}.`, { fix: `Check the name, or add a record for it to the DNS the VNet uses (${servers}).` }), addresses: [] };
    case "timed-out":
      return { check: check("dns-lookup", "fail", title, `The DNS request timed out${via}; servers tried: ${servers}.`, { fix: unreachableFix }), addresses: [] };
    case "unclear":
      return { check: check("dns-lookup", "warn", title, `nameresolver's output was not understood (exit code ${run.result.exitCode}).`, { fix: `Run nameresolver.exe ${host} in the app's Kudu console to see it.` }), addresses: [] };
  }
}

/** Reads WEBSITE_PRIVATE_IP on the worker and checks it lies in the gateway's P2S pool. */
export async function testPrivateIp(kudu: KuduRunner, app: AppInfo, pool: readonly string[], options: LiveOptions & { subnet?: string } = {}): Promise<DiagnosisCheck> {
  if (options.subnet) return testSubnetIp(kudu, app, options.subnet, pool, options);
  const title = "The app's worker has an address from the P2S pool";
  const run = await runOnWorker(kudu, app, "cmd /c echo %WEBSITE_PRIVATE_IP%", options.tcpTimeoutMs ?? TCP_TIMEOUT_MS, options.signal);
  if (run.kind === "unavailable") return unavailable("private-ip", title, run);
  if (run.kind === "deadline") return check("private-ip", "warn", title, "Kudu did not answer in time.", { fix: "Try again; if it persists, check that the app is running." });
  const ip = parsePrivateIp(run.result);
  if (ip === undefined) {
    return check("private-ip", "fail", title, "WEBSITE_PRIVATE_IP is not set on the worker: its point-to-site tunnel is not up.", { fix: "Fix the gateway and certificate checks above; if they pass, sync network." });
  }
  const inPool = pool.some((prefix) => prefixHolds(prefix, ip));
  if (inPool) return check("private-ip", "pass", title, `WEBSITE_PRIVATE_IP is ${ip}, inside ${pool.join(", ")}. It can change: firewalls must allow the whole pool.`);
  return check("private-ip", "warn", title, `WEBSITE_PRIVATE_IP is ${ip}, outside the gateway's pool ${pool.join(", ") || "(none)"}.`, { fix: "The pool changed since the last sync: sync network." });
}

/** Regional integration: WEBSITE_PRIVATE_IP is the worker's address in the integration subnet. */
async function testSubnetIp(kudu: KuduRunner, app: AppInfo, subnet: string, prefixes: readonly string[], options: LiveOptions): Promise<DiagnosisCheck> {
  const title = `The app's worker has an address in subnet ${subnet}`;
  const run = await runOnWorker(kudu, app, "cmd /c echo %WEBSITE_PRIVATE_IP%", options.tcpTimeoutMs ?? TCP_TIMEOUT_MS, options.signal);
  if (run.kind === "unavailable") return unavailable("private-ip", title, run);
  if (run.kind === "deadline") return check("private-ip", "warn", title, "Kudu did not answer in time.", { fix: "Try again; if it persists, check that the app is running." });
  const ip = parsePrivateIp(run.result);
  if (ip === undefined) return check("private-ip", "fail", title, "WEBSITE_PRIVATE_IP is not set on the worker: it has no address in the subnet.", { fix: "Restart the app; if it persists, remove and add its VNet integration in the portal." });
  if (prefixes.some((prefix) => prefixHolds(prefix, ip))) return check("private-ip", "pass", title, `WEBSITE_PRIVATE_IP is ${ip}, inside ${prefixes.join(", ")}.`);
  return check("private-ip", "warn", title, `WEBSITE_PRIVATE_IP is ${ip}, outside ${prefixes.join(", ") || "the subnet"}.`, { fix: "Restart the app so that its worker takes an address of the subnet." });
}

