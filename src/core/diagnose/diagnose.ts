/** /vnet diagnose, tcpping and resolve: the checklist over Azure's data, then live tests on the app's worker. */
import { BotError } from "../../errors.ts";
import type { AppInfo, VnetConnectionInfo } from "../model.ts";
import type { AzureReader, Clock, KuduRunner } from "../ports.ts";
import { escapeMrkdwn } from "../reply.ts";
import { resolveApp, type ResourceRef } from "../resolve.ts";
import type { Diagnosis, DiagnosisCheck } from "./diagnosis.ts";
import { checkIntegration } from "./integration-checks.ts";
import { readAppConnection, readIntegration } from "./integration-facts.ts";
import { testDns, testPrivateIp, testTcp, type LiveOptions } from "./live-tests.ts";
import { parseTarget } from "./parse-target.ts";
import { checkPath } from "./path-checks.ts";
import { readTarget } from "./target-facts.ts";

/** What diagnosing needs from the outside world. */
export interface DiagnoseDeps {
  reader: AzureReader;
  kudu: KuduRunner;
  clock: Clock;
  /** The subscriptions vnetbot manages, for finding the app by name. */
  subscriptions: readonly string[];
}

/** Runs the whole checklist for APP and, when given, HOST[:PORT]. */
export async function diagnoseApp(deps: DiagnoseDeps, appRef: ResourceRef | string, targetText?: string, options: LiveOptions = {}): Promise<Diagnosis> {
  const target = targetText === undefined || targetText.trim() === "" ? undefined : parseTarget(targetText);
  const app = await resolveApp(deps, appRef);
  const facts = await readIntegration(deps.reader, app);
  const notes: string[] = [];
  const checks = checkIntegration(facts, deps.clock.now());
  // Each Kudu call takes seconds on a real worker: the private IP is read while the target is tested.
  const privateIp = testPrivateIp(deps.kudu, app, facts.gateway?.addressPool ?? [], options);
  privateIp.catch(() => undefined); // if the target's reads fail first, that error is the one reported
  const targetChecks: DiagnosisCheck[] = [];
  if (target) {
    let ip = target.ip;
    if (!ip) {
      const dns = await testDns(deps.kudu, app, target.host, facts.connection.dnsServers, options);
      const drift = checks.find((c) => c.id === "dns-servers" && c.status === "fail");
      // A lookup that fails because the app still asks its old DNS servers is fixed by the sync, not by routing.
      if (drift && dns.check.status === "fail") Object.assign(dns.check, { fix: `The app still asks its old DNS servers: ${drift.fix ?? "sync network"}`, change: drift.change });
      targetChecks.push(dns.check);
      ip = dns.addresses[0];
      // A lookup that could not run (Kudu unreachable) says nothing about the name: the note must not say it failed.
      if (!ip) notes.push(dns.check.status === "fail" ? `${target.host} did not resolve, so the route and NSG checks were skipped.` : `${target.host} could not be looked up from the app's worker, so the route and NSG checks were skipped.`);
    }
    if (ip) targetChecks.push(...checkPath(facts, await readTarget(deps.reader, facts, ip), target.port));
    if (target.port === undefined) notes.push(`Give ${target.host}:PORT to check NSG rules for the port and to test it with tcpping.`);
    else targetChecks.push(await testTcp(deps.kudu, app, target.host, target.port, options));
  } else {
    notes.push("Give a HOST[:PORT] to also check the route, the NSG rules and the connection to it.");
  }
  checks.push(await privateIp, ...targetChecks);
  return { appId: app.id, appName: app.name, vnetName: facts.vnet.name, target, checks, notes };
}

/** The result of one live test run on its own. */
export interface LiveTestReport {
  appId: string;
  appName: string;
  vnetName: string;
  check: DiagnosisCheck;
}

/** /vnet tcpping APP HOST:PORT: one TCP test from the app's worker. */
export async function tcppingFromApp(deps: DiagnoseDeps, appRef: ResourceRef | string, targetText: string, options: LiveOptions = {}): Promise<LiveTestReport> {
  const target = parseTarget(targetText, { requirePort: true });
  const { app, connection } = await connectionOf(deps, appRef);
  const check = await testTcp(deps.kudu, app, target.host, target.port!, options);
  return { appId: app.id, appName: app.name, vnetName: connection.name, check: withDiagnoseHint(check, `/vnet diagnose ${app.name} ${target.host}:${target.port}`) };
}

/** /vnet resolve APP HOST: one DNS lookup from the app's worker, through the DNS servers pushed with the integration. */
export async function resolveFromApp(deps: DiagnoseDeps, appRef: ResourceRef | string, hostText: string, options: LiveOptions = {}): Promise<LiveTestReport> {
  const target = parseTarget(hostText);
  if (target.port !== undefined) throw new BotError("usage", `"${escapeMrkdwn(hostText.trim())}" has a port; resolve takes a host name only.`, { hint: `Try /vnet resolve ${escapeMrkdwn(typeof appRef === "string" ? appRef.trim() : appRef.text)} ${target.host}` });
  const { app, connection } = await connectionOf(deps, appRef);
  const dns = await testDns(deps.kudu, app, target.host, connection.dnsServers, options);
  return { appId: app.id, appName: app.name, vnetName: connection.name, check: withDiagnoseHint(dns.check, `/vnet diagnose ${app.name} ${target.host}`) };
}

/**
 * A live test run on its own failed: its fix speaks of the checks a diagnosis runs beside it (the gateway, the DNS
 * servers, routes, NSGs), which the command did not run; it names the command that does.
 */
function withDiagnoseHint(check: DiagnosisCheck, diagnose: string): DiagnosisCheck {
  if (check.status !== "fail") return check;
  return { ...check, fix: `${check.fix ? `${check.fix} ` : ""}\`${diagnose}\` runs those checks too, the gateway's state first.` };
}

async function connectionOf(deps: DiagnoseDeps, appRef: ResourceRef | string): Promise<{ app: AppInfo; connection: VnetConnectionInfo }> {
  const app = await resolveApp(deps, appRef);
  return { app, connection: await readAppConnection(deps.reader, app) };
}
