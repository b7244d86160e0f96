/**
 * The steps of a migration, in the order of Microsoft's guide (azure-docs
 * articles/app-service/migrate-gateway-based-vnet-integration.md): prepare the subnet, record what is left, then app
 * by app disconnect gateway-required (an app holds one integration at a time), add regional, route-all where needed,
 * verify; last, the plan's certificate leaves the gateway if nothing uses it. Each step reads Azure first, so running
 * the change again after a failure skips what is done and finishes the rest.
 */
import { BotError, isBotError } from "../../errors.ts";
import { isPrivateAddress, prefixHolds } from "../address-range.ts";
import { certificateOf } from "../changes/kinds/disconnect.ts";
import { removeRootIfUnusedStep } from "../changes/root-certificates.ts";
import type { ExecutableStep } from "../changes/runner.ts";
import type { ChangeDeps } from "../changes/types.ts";
import { findAppConnection } from "../connections.ts";
import { parsePrivateIp } from "../diagnose/kudu-output.ts";
import { runOnWorker, testTcp, TCP_TIMEOUT_MS } from "../diagnose/live-tests.ts";
import type { AppInfo, SubnetInfo, WriteReceipt } from "../model.ts";
import { nameOf, sameId } from "../resource-id.ts";
import type { MigrationFacts, MovingApp } from "./migrate-facts.ts";
import { isCurrentMove, type MigrationRecord } from "./migration-records.ts";
import { APP_SERVICE_DELEGATION, APP_SERVICE_LINK_TYPE, checkScaleUnit, otherPlansOn, subnetLabel } from "./regional-rules.ts";

/** What the steps need besides the facts. */
export interface MigrateOptions {
  newPrefix: string | undefined;
  routeAll: boolean;
  /** Live tests' deadline (tests pass a short one). */
  tcpTimeoutMs?: number;
}

/** Every step of the migration. */
export function migrationSteps(deps: ChangeDeps, facts: MigrationFacts, options: MigrateOptions): ExecutableStep[] {
  // Resumed after the connections went, the record still has the certificate.
  const blob = facts.apps.find((a) => a.connection?.certBlob)?.connection?.certBlob ?? facts.apps.find((a) => a.record?.certBlob)?.record?.certBlob;
  const leaving = certificateOf(blob ? { certBlob: blob, certThumbprint: undefined } : undefined);
  return [
    prepareSubnetStep(deps, facts, options.newPrefix),
    recordStep(deps, facts),
    ...facts.apps.flatMap((moving) => [
      disconnectStep(deps, facts, moving),
      regionalStep(deps, facts, moving),
      ...(options.routeAll ? [routeAllStep(deps, moving)] : []),
      verifyStep(deps, facts, moving, options),
    ]),
    ...(facts.gateway && leaving ? [removeRootIfUnusedStep(deps, facts.gateway, facts.vnetId, () => leaving, `plan ${facts.plan.name}'s`)] : []),
  ];
}

function isDelegated(subnet: Pick<SubnetInfo, "delegations">): boolean {
  return subnet.delegations.some((d) => d.toLowerCase() === APP_SERVICE_DELEGATION.toLowerCase());
}

function prepareSubnetStep(deps: ChangeDeps, facts: MigrationFacts, newPrefix: string | undefined): ExecutableStep {
  const name = subnetLabel(facts.subnetId);
  const creating = !facts.subnet;
  return {
    id: "prepare-subnet",
    description: creating ? `Create subnet ${name} (${newPrefix}) delegated to ${APP_SERVICE_DELEGATION}` : `Delegate subnet ${name} to ${APP_SERVICE_DELEGATION}, keeping its NSG, route table and service endpoints`,
    run: async () => {
      const before = await readSubnet(deps, facts.subnetId);
      if (before && isDelegated(before)) return { status: "skipped", detail: "the subnet is already delegated" };
      const receipt = await deps.writer.delegateSubnet(facts.subnetId, before ? undefined : newPrefix);
      const after = await deps.reader.getSubnet(facts.subnetId);
      if (!isDelegated(after)) throw new BotError("unavailable", `Subnet ${name} was updated but is not delegated to ${APP_SERVICE_DELEGATION} yet.`, { hint: "Run the same change again in a minute." });
      const lost = before ? lostSettings(before, after) : [];
      if (lost.length > 0) {
        throw new BotError("unavailable", `Subnet ${name} lost ${lost.join(", ")} in the update.`, { hint: `Put them back on the subnet in the portal before running the change again; nothing else was changed.` });
      }
      return { status: "done", detail: creating ? `created ${after.addressPrefixes.join(", ")}` : keptLine(after), requestIds: receipt.requestIds };
    },
  };
}

async function readSubnet(deps: ChangeDeps, subnetId: string): Promise<SubnetInfo | undefined> {
  try {
    return await deps.reader.getSubnet(subnetId);
  } catch (error) {
    if (isBotError(error) && error.kind === "not-found") return undefined;
    throw error;
  }
}

// A subnet PUT replaces its NSG, route table and service endpoints with what it carries (azure-powershell#1551).
function lostSettings(before: SubnetInfo, after: SubnetInfo): string[] {
  const lost: string[] = [];
  if (before.nsgId && !sameId(before.nsgId, after.nsgId)) lost.push(`its NSG ${nameOf(before.nsgId)}`);
  if (before.routeTableId && !sameId(before.routeTableId, after.routeTableId)) lost.push(`its route table ${nameOf(before.routeTableId)}`);
  const endpoints = before.serviceEndpoints.filter((e) => !after.serviceEndpoints.some((a) => a.toLowerCase() === e.toLowerCase()));
  if (endpoints.length > 0) lost.push(`service endpoints ${endpoints.join(", ")}`);
  return lost;
}

function keptLine(subnet: SubnetInfo): string | undefined {
  const kept = [subnet.nsgId && `NSG ${nameOf(subnet.nsgId)}`, subnet.routeTableId && `route table ${nameOf(subnet.routeTableId)}`, subnet.serviceEndpoints.length > 0 && subnet.serviceEndpoints.join(", ")].filter(Boolean);
  return kept.length > 0 ? `kept ${kept.join(", ")}` : undefined;
}

function recordStep(deps: ChangeDeps, facts: MigrationFacts): ExecutableStep {
  return {
    id: "record",
    description: `Record each app's gateway-required integration with ${facts.vnetName} (routes, DNS, certificate) for the audit and a rollback`,
    run: async () => {
      let written = 0;
      for (const moving of facts.apps) {
        const current = await deps.migrations.get(moving.app.id);
        // A record of an earlier attempt holds the integration as it was before the first one: only the subnet moves on.
        if (current && isCurrentMove(current)) {
          if (sameId(current.subnetId, facts.subnetId)) continue;
          await deps.migrations.put({ ...current, subnetId: facts.subnetId, status: "moving", updatedAt: deps.clock.now() });
        } else {
          await deps.migrations.put(recordOf(deps, facts, moving));
        }
        written += 1;
      }
      return written === 0 ? { status: "skipped", detail: "already recorded" } : { status: "done", detail: `${written} recorded` };
    },
  };
}

function recordOf(deps: ChangeDeps, facts: MigrationFacts, moving: MovingApp): MigrationRecord {
  const connection = facts.planConnection ?? moving.connection;
  return {
    appId: moving.app.id,
    appName: moving.app.name,
    planId: facts.plan.id,
    vnetId: facts.vnetId,
    vnetName: facts.vnetName,
    routes: connection?.routes ?? [],
    dnsServers: connection?.dnsServers ?? [],
    pool: facts.gateway?.addressPool ?? [],
    certThumbprint: moving.connection?.certThumbprint,
    certBlob: moving.connection?.certBlob,
    subnetId: facts.subnetId,
    routeAllBefore: moving.routeAll,
    status: "moving",
    requestId: undefined,
    updatedAt: deps.clock.now(),
  };
}

function disconnectStep(deps: ChangeDeps, facts: MigrationFacts, moving: MovingApp): ExecutableStep {
  const { app } = moving;
  return {
    id: `disconnect:${app.id.toLowerCase()}`,
    description: `Disconnect ${app.name} from ${facts.vnetName}'s gateway (it restarts)`,
    run: async () => {
      const connection = await findAppConnection(deps.reader, app.id, facts.vnetName);
      if (!connection) return { status: "skipped", detail: "no gateway-required connection left" };
      const receipt = await deps.writer.deleteAppVnetConnection(app.id, connection.name);
      return { status: "done", requestIds: receipt.requestIds };
    },
  };
}

function heldByAppService(subnet: SubnetInfo): boolean {
  return subnet.serviceAssociationLinks.some((link) => link.linkedResourceType.toLowerCase() === APP_SERVICE_LINK_TYPE.toLowerCase());
}

/**
 * After the networkConfig PUT refused the subnet: when App Service holds it, the refusal may be the one of a subnet
 * other plans use, so the app joins through the site. Neither refusal is hidden: when the join is refused too, both
 * reasons are said. Any other failure, or a subnet that cannot be read again, is the PUT's own.
 */
async function joinAfterRefusal(deps: ChangeDeps, app: AppInfo, subnetId: string, refusal: unknown): Promise<WriteReceipt> {
  if (!isBotError(refusal) || refusal.kind !== "ineligible") throw refusal;
  const subnet = await deps.reader.getSubnet(subnetId).catch(() => undefined);
  if (!subnet || !heldByAppService(subnet)) throw refusal;
  try {
    return await deps.writer.joinSharedSubnet(app.id, subnetId);
  } catch (joinError) {
    if (!isBotError(joinError)) throw joinError;
    throw new BotError(refusal.kind, `${refusal.message} Joining it through the site, as plans sharing a subnet do, was refused too: ${joinError.message}`, refusal.hint ? { hint: refusal.hint } : {});
  }
}

function regionalStep(deps: ChangeDeps, facts: MigrationFacts, moving: MovingApp): ExecutableStep {
  const { app } = moving;
  // A subnet other plans use is joined through the site (a site update of virtualNetworkSubnetId, as the multi-plan
  // announcement does): the networkConfig PUT is documented to refuse a subnet "in use by another App Service Plan".
  // Whether the subnet's links name every plan on it, and how the refusal is worded, are not known: a PUT refused
  // while App Service holds the subnet is tried again as a join, whose own refusal is then the one shown.
  const shared = facts.subnet !== undefined && otherPlansOn(facts.subnet, facts.plan).length > 0;
  return {
    id: `regional:${app.id.toLowerCase()}`,
    description: `Add ${app.name}'s regional integration with ${subnetLabel(facts.subnetId)}${shared ? ", joining the plans that use it" : ""} (it restarts)`,
    // The step before took the app off the gateway: stopped here, it has no VNet at all until one of these runs.
    resumeHint: `${app.name} is without any VNet integration now: it left ${facts.vnetName}'s gateway and has not joined ${subnetLabel(facts.subnetId)}. To put it back on the gateway now: \`/vnet migrate rollback ${app.name}\`.`,
    run: async () => {
      const current = await deps.reader.getRegionalIntegration(app.id);
      if (sameId(current.subnetId, facts.subnetId)) return { status: "skipped", detail: "already integrated with the subnet" };
      const receipt = await (shared
        ? deps.writer.joinSharedSubnet(app.id, facts.subnetId)
        : deps.writer.putRegionalIntegration(app.id, facts.subnetId).catch((error: unknown) => joinAfterRefusal(deps, app, facts.subnetId, error))
      ).catch((error: unknown) => {
        // The scale unit's refusal is one the readiness check should have seen (swiftSupported), but Azure has the
        // last word: its way out is the plan's, not "fix that and try again".
        if (isBotError(error) && /scale unit/i.test(error.message)) {
          const [problem] = checkScaleUnit(app.name, false, facts.plan);
          throw new BotError(error.kind, error.message, { hint: problem!.fix, ...(error.azureRequestId ? { azureRequestId: error.azureRequestId } : {}) });
        }
        throw error;
      });
      return { status: "done", requestIds: receipt.requestIds };
    },
  };
}

function routeAllStep(deps: ChangeDeps, moving: MovingApp): ExecutableStep {
  const { app } = moving;
  return {
    id: `route-all:${app.id.toLowerCase()}`,
    description: `Turn on route-all for ${app.name}`,
    run: async () => {
      if (await deps.reader.getRouteAll(app.id)) return { status: "skipped", detail: "route-all is already on" };
      const receipt = await deps.writer.setRouteAll(app.id, true);
      return { status: "done", requestIds: receipt.requestIds };
    },
  };
}

function verifyStep(deps: ChangeDeps, facts: MigrationFacts, moving: MovingApp, options: MigrateOptions): ExecutableStep {
  const { app } = moving;
  const label = subnetLabel(facts.subnetId);
  return {
    id: `verify:${app.id.toLowerCase()}`,
    description: `Verify ${app.name} on ${label}: regional integration, no gateway connection, worker address, known targets`,
    run: async () => {
      const notYet = (what: string, hint = "Run the same change again in a few minutes: it checks again.") => new BotError("unavailable", `${app.name} is not verified on ${label} yet: ${what}.`, { hint });
      const [regional, connections, subnet] = await Promise.all([deps.reader.getRegionalIntegration(app.id), deps.reader.listAppVnetConnections(app.id), deps.reader.getSubnet(facts.subnetId)]);
      if (!sameId(regional.subnetId, facts.subnetId)) throw notYet(regional.subnetId ? `its regional integration names ${subnetLabel(regional.subnetId)}` : "it has no regional integration");
      const left = connections.find((c) => !c.isRegional);
      if (left) throw notYet(`its gateway-required connection to ${left.name} is still there`);
      const details: string[] = [];
      const linked = subnet.serviceAssociationLinks.some((link) => link.linkedResourceType.toLowerCase() === APP_SERVICE_LINK_TYPE.toLowerCase() && sameId(link.link, facts.plan.id));
      // The link is how Network knows App Service holds the subnet; whether it appears at once is not documented.
      // A subnet several plans share may link only one of them: which, Azure does not document.
      const others = otherPlansOn(subnet, facts.plan);
      details.push(linked ? `the subnet links plan ${facts.plan.name}` : others.length > 0 ? `the subnet links plan ${others.map(nameOf).join(", plan ")}, which it shares` : "the subnet shows no App Service link to the plan yet");
      details.push(...(await checkOnWorker(deps, moving, subnet, options, notYet)));
      const record = await deps.migrations.get(app.id);
      if (record && record.status === "moving") await deps.migrations.put({ ...record, status: "migrated", updatedAt: deps.clock.now() });
      return { status: "done", detail: details.join("; ") };
    },
  };
}

/** WEBSITE_PRIVATE_IP and the known targets, from the worker through Kudu; said plainly when Kudu is not set up. */
async function checkOnWorker(deps: ChangeDeps, moving: MovingApp, subnet: SubnetInfo, options: MigrateOptions, notYet: (what: string, hint?: string) => BotError): Promise<string[]> {
  const { kudu } = deps;
  if (!kudu) return ["the worker was not checked: Kudu is not set up for vnetbot"];
  const timeout = options.tcpTimeoutMs ?? TCP_TIMEOUT_MS;
  const details: string[] = [];
  const run = await runOnWorker(kudu, moving.app, "cmd /c echo %WEBSITE_PRIVATE_IP%", timeout);
  if (run.kind !== "done") {
    // Azure's side is verified above; what the worker sees is not, and the step says so rather than pass quietly.
    const why = run.kind === "deadline" ? "Kudu did not answer" : run.message.replace(/\.$/, "");
    details.push(`:warning: NOT verified from the worker (${why}): \`/vnet tcpping ${moving.app.name} HOST:PORT\` tests it once Kudu answers`);
  } else {
    const ip = parsePrivateIp(run.result);
    if (!ip) throw notYet("WEBSITE_PRIVATE_IP is not set on its worker");
    if (!subnet.addressPrefixes.some((prefix) => prefixHolds(prefix, ip))) throw notYet(`its worker's WEBSITE_PRIVATE_IP is ${ip}, outside ${subnet.addressPrefixes.join(", ")}`);
    details.push(`worker address ${ip}`);
  }
  const failed: string[] = [];
  const failedHosts: string[] = [];
  for (const target of moving.targets) {
    const check = await testTcp(kudu, moving.app, target.host, target.port, { tcpTimeoutMs: timeout, source: `subnet ${subnetLabel(subnet.id)}` });
    if (check.status === "fail") {
      failed.push(`${target.host}:${target.port} (${check.evidence})`);
      failedHosts.push(target.host);
    }
    else details.push(`${target.host}:${target.port} ${check.status === "pass" ? "answers" : "not tested"}`);
  }
  if (failed.length > 0) {
    // An address outside RFC 1918 enters the VNet only with route-all: no firewall rule brings it back.
    const publicHosts = options.routeAll || moving.routeAll || moving.app.outboundRouteAll ? [] : failedHosts.filter((host) => isPrivateAddress(host) === false);
    const routeAll = publicHosts.length > 0 ? `${publicHosts.join(", ")} ${publicHosts.length === 1 ? "is" : "are"} outside RFC 1918, which regional integration sends into the VNet only with route-all: run the change again with --route-all. Otherwise, a` : "A";
    throw notYet(
      `it does not reach ${failed.join(", ")}`,
      `${routeAll}llow ${subnet.addressPrefixes.join(", ")} where the pool was allowed (NSGs, firewalls, on-premises) and check the subnet's route table, then run the change again; or roll back with /vnet migrate rollback ${moving.app.name}.`,
    );
  }
  return details;
}
