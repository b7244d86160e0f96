/** /vnet diagnose, tcpping and resolve: the checklist over Azure's data, then live tests on the app's worker. */
import { BotError } from "../../errors.ts";
import { isPrivateAddress } from "../address-range.ts";
import { gatewayConnectionOf } from "../connections.ts";
import { strandedHint, strandedText, type MigrationRecords } from "../migration/migration-records.ts";
import type { AppInfo } from "../model.ts";
import type { AzureReader, Clock, KuduRunner } from "../ports.ts";
import { escapeMrkdwn } from "../reply.ts";
import { resolveApp, type ResourceRef } from "../resolve.ts";
import { subnetLabel } from "../resource-id.ts";
import type { Diagnosis, DiagnosisCheck } from "./diagnosis.ts";
import { checkIntegration } from "./integration-checks.ts";
import { readIntegration } from "./integration-facts.ts";
import { resolvedBy, testDns, testPrivateIp, testTcp, type LiveOptions } from "./live-tests.ts";
import { parseTarget } from "./parse-target.ts";
import { checkPath } from "./path-checks.ts";
import { readTarget } from "./target-facts.ts";
import { diagnoseRegional } from "./regional-diagnosis.ts";

/** What diagnosing needs from the outside world. */
export interface DiagnoseDeps {
  reader: AzureReader;
  kudu: KuduRunner;
  clock: Clock;
  /** The subscriptions vnetbot manages, for finding the app by name. */
  subscriptions: readonly string[];
  /** What vnetbot's migrations left, to tell an app a stopped migration left without a VNet. */
  migrations?: Pick<MigrationRecords, "get">;
}

/** Runs the whole checklist for APP and, when given, HOST[:PORT]. */
export async function diagnoseApp(deps: DiagnoseDeps, appRef: ResourceRef | string, targetText?: string, options: LiveOptions = {}): Promise<Diagnosis> {
  const target = targetText === undefined || targetText.trim() === "" ? undefined : parseTarget(targetText);
  const app = await resolveApp(deps, appRef);
  // An app on regional integration (one migrated, say) is diagnosed through its subnet.
  if (app.regionalSubnetId && !(await gatewayConnectionOf(deps.reader, app.id))) return diagnoseRegional(deps, app, app.regionalSubnetId, target, options);
  const facts = await readIntegration(deps.reader, app, deps.migrations);
  const notes: string[] = [];
  const checks = checkIntegration(facts, deps.clock.now());
  // Each Kudu call takes seconds on a real worker: the private IP is read while the target is tested.
  const privateIp = testPrivateIp(deps.kudu, app, facts.gateway?.addressPool ?? [], options);
  privateIp.catch(() => undefined); // if the target's reads fail first, that error is the one reported
  const targetChecks: DiagnosisCheck[] = [];
  let resolved: string[] | undefined;
  if (target) {
    let ip = target.ip;
    if (!ip) {
      const dns = await testDns(deps.kudu, app, target.host, facts.connection.dnsServers, options);
      resolved = resolvedBy(dns);
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
  return { appId: app.id, appName: app.name, vnetName: facts.vnet.name, target, resolved, checks, notes };
}

/** The result of one live test run on its own. */
export interface LiveTestReport {
  appId: string;
  appName: string;
  /** Where its traffic goes: the gateway-required VNet, the regional subnet, or no VNet. */
  integration: string;
  /** Whether that is gateway-required integration, which /vnet diagnose checks. */
  gatewayRequired: boolean;
  check: DiagnosisCheck;
  /** What the reader must know beside the test, e.g. that a stopped migration left the app without a VNet. */
  note: string | undefined;
}

/** /vnet tcpping APP HOST:PORT: one TCP test from the app's worker. */
export async function tcppingFromApp(deps: DiagnoseDeps, appRef: ResourceRef | string, targetText: string, options: LiveOptions = {}): Promise<LiveTestReport> {
  const target = parseTarget(targetText, { requirePort: true });
  const { app, integration } = await subjectOf(deps, appRef);
  const source = integration.gatewayRequired ? undefined : await regionalSource(deps.reader, app, target.host);
  const tested = await testTcp(deps.kudu, app, target.host, target.port!, { ...options, ...(source ? { source } : {}) });
  // With no VNet at all there is no route or NSG to look at: the fix is an integration, regional since gateway-required
  // integration retires; an app a stopped migration left without one is told how to finish it by its note instead.
  const unintegrated = !integration.gatewayRequired && !app.regionalSubnetId;
  const privateHost = isPrivateAddress(target.host);
  const reach = privateHost === true ? `it cannot reach ${target.host}: a private address is reached only through a VNet` : privateHost === false ? `it reaches ${target.host} over the internet` : `it reaches ${target.host} only over the internet, if the name resolves to a public address`;
  const integrate = integration.note ? "" : ` If ${target.host} lives in a VNet, give ${app.name} regional VNet integration with a subnet there (\`/vnet migrate\` is for apps on gateway-required integration, which retires on 31 March 2027).`;
  const check = unintegrated && tested.status === "fail" ? { ...tested, fix: `${app.name} has no VNet integration, so ${reach}.${integrate}` } : tested;
  return { appId: app.id, appName: app.name, integration: integration.label, gatewayRequired: integration.gatewayRequired, note: integration.note, check: integration.gatewayRequired ? withDiagnoseHint(check, `/vnet diagnose ${app.name} ${target.host}:${target.port}`) : check };
}

/**
 * Where an app off gateway-required integration sends traffic to the host from: its subnet when the traffic enters
 * the VNet (an RFC 1918 address, or route-all on), else its outbound addresses, over the internet (azure-docs
 * articles/app-service/overview-vnet-integration.md, "Routes").
 */
async function regionalSource(reader: AzureReader, app: AppInfo, host: string): Promise<string> {
  const outbound = "the app's outbound addresses";
  if (!app.regionalSubnetId) return outbound;
  const subnet = `subnet ${subnetLabel(app.regionalSubnetId)}`;
  if (app.outboundRouteAll || (await reader.getRouteAll(app.id))) return subnet;
  const privateAddress = isPrivateAddress(host);
  if (privateAddress === undefined) return `${subnet} (or ${outbound}, over the internet, if ${host} resolves outside RFC 1918: route-all is off)`;
  return privateAddress ? subnet : `${outbound}, over the internet (${host} is outside RFC 1918 and route-all is off, so it does not go through ${subnet})`;
}

/** /vnet resolve APP HOST: one DNS lookup from the app's worker, through the DNS servers pushed with the integration. */
export async function resolveFromApp(deps: DiagnoseDeps, appRef: ResourceRef | string, hostText: string, options: LiveOptions = {}): Promise<LiveTestReport> {
  const target = parseTarget(hostText);
  if (target.port !== undefined) throw new BotError("usage", `"${escapeMrkdwn(hostText.trim())}" has a port; resolve takes a host name only.`, { hint: `Try /vnet resolve ${escapeMrkdwn(typeof appRef === "string" ? appRef.trim() : appRef.text)} ${target.host}` });
  const { app, integration } = await subjectOf(deps, appRef);
  const dns = await testDns(deps.kudu, app, target.host, integration.dnsServers, options);
  return { appId: app.id, appName: app.name, integration: integration.label, gatewayRequired: integration.gatewayRequired, note: integration.note, check: integration.gatewayRequired ? withDiagnoseHint(dns.check, `/vnet diagnose ${app.name} ${target.host}`) : dns.check };
}

/**
 * A live test run on its own failed: its fix speaks of the checks a diagnosis runs beside it (the gateway, the DNS
 * servers, routes, NSGs), which the command did not run; it names the command that does.
 */
function withDiagnoseHint(check: DiagnosisCheck, diagnose: string): DiagnosisCheck {
  if (check.status !== "fail") return check;
  return { ...check, fix: `${check.fix ? `${check.fix} ` : ""}\`${diagnose}\` runs those checks too, the gateway's state first.` };
}

/**
 * The app a live test runs on, and where its traffic goes. A test from the worker is Kudu's, whatever the app's
 * integration: an app on regional integration (one just migrated, say) or on none is tested too, and said to be.
 */
async function subjectOf(deps: DiagnoseDeps, appRef: ResourceRef | string): Promise<{ app: AppInfo; integration: { label: string; dnsServers: readonly string[]; gatewayRequired: boolean; note?: string } }> {
  const app = await resolveApp(deps, appRef);
  const connection = await gatewayConnectionOf(deps.reader, app.id);
  if (connection) return { app, integration: { label: connection.name, dnsServers: connection.dnsServers, gatewayRequired: true } };
  // Regional integration uses the VNet's own DNS settings on the worker: nameresolver asks them without being told.
  if (app.regionalSubnetId) return { app, integration: { label: `regional integration, ${subnetLabel(app.regionalSubnetId)}`, dnsServers: [], gatewayRequired: false } };
  const record = await deps.migrations?.get(app.id);
  const note = record?.status === "moving" ? `${strandedText(app.name, record)} ${strandedHint(app.name)}` : undefined;
  return { app, integration: { label: "no VNet integration", dnsServers: [], gatewayRequired: false, ...(note ? { note } : {}) } };
}
