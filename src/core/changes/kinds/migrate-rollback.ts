/**
 * Put a migrated app back on gateway-required integration, from vnetbot's record of what it left: remove the regional
 * integration, restore route-all as it was, reconnect through the VNet's gateway as /vnet connect does, and put back
 * plan routes that went with the plan's connection. Only while gateway-required integration exists (until 31 March
 * 2027), and its SSTP tunnels with it (azure-docs articles/vpn-gateway/ikev2-openvpn-from-sstp.md).
 */
import { daysUntilRetirement, isRetired } from "../../format.ts";
import { OUTAGE_PER_APP } from "../../migration/migrate-preview.ts";
import { BotError, isBotError } from "../../../errors.ts";
import { readRoute } from "../../address-range.ts";
import { escapeMrkdwn } from "../../reply.ts";
import { findPlanConnection, gatewayConnectionOf } from "../../connections.ts";
import { assertEligible, checkNotRetired, checkPlan, checkRootCertificateRoom, checkVnetGateways, findVpnGateway } from "../../eligibility.ts";
import { isCertOnGateway } from "../../inventory.ts";
import { isCurrentMove, type MigrationRecord } from "../../migration/migration-records.ts";
import { subnetLabel } from "../../migration/regional-rules.ts";
import type { AppInfo, PlanRoute } from "../../model.ts";
import { requireResourceManagerVnet } from "../../classic-vnet.ts";
import { nameOf, sameId, siteNameOf } from "../../resource-id.ts";
import { resolveApp, resolvePlan } from "../../resolve.ts";
import { defineChangeKind, type ParseDeps } from "../change-kind.ts";
import { readGateways } from "../common.ts";
import { targetKeyOf, type ExecutableStep, type PreparedChange } from "../runner.ts";
import type { ChangeDeps } from "../types.ts";
import type { AzureReader } from "../../ports.ts";
import { connectSteps } from "./connect.ts";

/** A rollback as the approval store keeps it. */
export interface MigrateRollbackRequest {
  kind: "migrate-rollback";
  /** The app, or the first of the plan's apps (requests stored before the plan form have only this). */
  appId: string;
  /** `/vnet migrate rollback PLAN VNET`: every app and slot vnetbot moved off the VNet, in order, and the names. */
  appIds?: string[];
  plan?: { name: string; vnetName: string };
}

async function requireRecord(deps: Pick<ChangeDeps, "migrations">, app: Pick<AppInfo, "id" | "name" | "regionalSubnetId">): Promise<MigrationRecord> {
  const appName = app.name;
  const record = await deps.migrations.get(app.id);
  if (!record && !app.regionalSubnetId) {
    throw new BotError("not-found", `${appName} does not use regional integration, and vnetbot never migrated it: there is nothing to roll back.`, { hint: `/vnet show ${appName} shows what it uses.` });
  }
  if (!record) {
    throw new BotError("not-found", `vnetbot has no record of migrating ${appName}, so it cannot tell which gateway-required integration to put back.`, {
      hint: `Put it back by hand: remove its regional integration in the portal, then /vnet connect ${appName} VNET.`,
    });
  }
  if (record.status === "rolled-back") {
    throw new BotError("ineligible", `${appName} was already rolled back to ${record.vnetName}.`, { hint: `/vnet show ${appName} shows what it uses.` });
  }
  if (record.status === "app-deleted") {
    // The record is of an app of the same name deleted before its migration ended: not of the one there now.
    throw new BotError("ineligible", `vnetbot's record of migrating ${appName} is of an earlier app of that name, deleted before its migration ended: there is nothing of this one to roll back.`, {
      hint: `/vnet show ${appName} shows what it uses; /vnet connect ${appName} VNET puts it on a gateway.`,
    });
  }
  return record;
}

/**
 * Reads and checks the rollback; writes nothing. A plan's rollback is each app's, one after the other, in one
 * approval: each app's steps carry its id, and the plan's routes come back once, after the last app is reconnected.
 */
export async function prepareMigrateRollback(deps: ChangeDeps, request: MigrateRollbackRequest): Promise<PreparedChange> {
  const appIds = request.appIds ?? [request.appId];
  if (appIds.length === 1) return prepareOne(deps, appIds[0]!);
  // The apps share their plan, VNet and gateway: each is read once for all of them.
  const shared = readingOnce(deps.reader, ["getPlan", "getVnet", "getGateway", "listPlanVnetConnections"]);
  const each: PreparedChange[] = [];
  for (const appId of appIds) each.push(await prepareOne(deps, appId, shared));
  const names = each.flatMap((p) => p.affectedApps);
  const vnetName = request.plan?.vnetName ?? "its VNet";
  const routes = each[0]!.steps.find((step) => step.id === "plan-routes");
  return {
    title: `Roll ${names.join(", ")} back to gateway-required integration with ${vnetName}`,
    targetKey: each[0]!.targetKey,
    affectedApps: names,
    restartingApps: names,
    outage: `${names.join(", ")} restart one after the other, twice each (regional integration removed, gateway connection added), each without the VNet for ${OUTAGE_PER_APP}.`,
    warnings: [...new Set(each.flatMap((p) => p.warnings))],
    state: each.map((p) => p.state),
    steps: [
      ...each.flatMap((p, i) => p.steps.filter((step) => step.id !== "plan-routes").map((step) => ({ ...step, id: `${step.id}:${appIds[i]!.toLowerCase()}` }))),
      ...(routes ? [routes] : []),
    ],
    touches: each.flatMap((p) => p.touches),
  };
}

/**
 * The reader, with the named reads made once per argument while it is in use: for a preparation's reads only, never
 * for the steps, which must see what their writes changed.
 */
function readingOnce(reader: AzureReader, names: ReadonlyArray<keyof AzureReader>): AzureReader {
  const cache = new Map<string, Promise<unknown>>();
  const wrapped: Record<string, unknown> = { ...reader };
  for (const name of names) {
    const read = reader[name] as (id: string) => Promise<unknown>;
    wrapped[name] = (id: string) => {
      const key = `${name}|${id.toLowerCase()}`;
      if (!cache.has(key)) cache.set(key, read.call(reader, id));
      return cache.get(key)!;
    };
  }
  return wrapped as unknown as AzureReader;
}

/** One app's rollback; `reader` serves the preparation's reads (the steps read through deps). */
async function prepareOne(deps: ChangeDeps, appId: string, reader: AzureReader = deps.reader): Promise<PreparedChange> {
  const app = await reader.getApp(appId);
  const record = await requireRecord(deps, app);
  requireResourceManagerVnet(record.vnetId);
  const [plan, vnet, regional, routeAll, current] = await Promise.all([
    reader.getPlan(app.planId),
    reader.getVnet(record.vnetId),
    reader.getRegionalIntegration(app.id),
    reader.getRouteAll(app.id),
    gatewayConnectionOf(reader, app.id),
  ]);
  const gateways = await readGateways(reader, vnet);
  const gateway = findVpnGateway(gateways);
  const planConnection = await findPlanConnection(reader, plan.id, vnet.name);
  // The certificate goes back on the gateway unless another app of the plan kept it there.
  const bringsNewCertificate = !(planConnection?.certBlob && gateway && isCertOnGateway(planConnection.certBlob, gateway));
  assertEligible(
    [...checkNotRetired(deps.clock.now()), ...checkPlan(plan), ...checkVnetGateways(vnet.name, gateways), ...(gateway ? checkRootCertificateRoom(gateway, bringsNewCertificate) : [])],
    `roll ${app.name} back to gateway-required integration with ${vnet.name}`,
  );
  const regionalSubnet = regional.subnetId;
  return {
    title: `Roll ${app.name} back to gateway-required integration with ${vnet.name}`,
    targetKey: targetKeyOf(plan.id, vnet.name),
    affectedApps: [app.name],
    restartingApps: [app.name],
    outage: `${app.name} restarts twice (regional integration removed, gateway connection added), without the VNet for ${OUTAGE_PER_APP}.`,
    warnings: [
      `Traffic leaves from gateway ${gateway!.name}'s point-to-site pool ${gateway!.addressPool.join(", ")} again: rules that allow only ${regionalSubnet ? subnetLabel(regionalSubnet) : "the subnet"} will no longer match.`,
      ...(regionalSubnet ? [`Subnet ${subnetLabel(regionalSubnet)} stays delegated to Microsoft.Web/serverFarms for the next attempt.`] : []),
      isRetired(deps.clock.now()) || daysUntilRetirement(deps.clock.now()) > 0
        ? "Gateway-required integration is retired on 31 March 2027: this is a way back for now, not a place to stay."
        : "Gateway-required integration is retired today, 31 March 2027, at an hour Microsoft has not said: the rollback may be refused, or stop working soon after.",
    ],
    state: { app: app.id.toLowerCase(), regional: regionalSubnet?.toLowerCase() ?? null, routeAll, connection: current?.name.toLowerCase() ?? null, record: record.updatedAt.toISOString() },
    steps: [
      removeRegionalStep(deps, app.id, app.name),
      ...(routeAll !== record.routeAllBefore ? [restoreRouteAllStep(deps, app.id, app.name, record.routeAllBefore)] : []),
      ...connectSteps(deps, app, vnet, gateway!),
      restoreRoutesStep(deps, plan.id, vnet.name, record.routes),
      {
        id: "record",
        description: `Record that ${app.name} is back on ${vnet.name}`,
        run: async () => {
          await deps.migrations.put({ ...record, status: "rolled-back", updatedAt: deps.clock.now() });
          return { status: "done" };
        },
      },
    ],
    // The regional integration goes, the gateway connection and the plan's routes come back.
    touches: [
      ...(regionalSubnet ? [{ id: app.id, operation: "delete" as const, what: `app ${app.name}` }] : []),
      { id: app.id, operation: "write", what: `app ${app.name}` },
      { id: gateway!.id, operation: "write", what: `gateway ${gateway!.name}` },
      ...(record.routes.length > 0 ? [{ id: plan.id, operation: "write" as const, what: `plan ${plan.name}`, maybe: true }] : []),
    ],
  };
}

function removeRegionalStep(deps: ChangeDeps, appId: string, appName: string): ExecutableStep {
  return {
    id: "remove-regional",
    description: `Remove ${appName}'s regional integration (${appName} restarts)`,
    run: async () => {
      const current = await deps.reader.getRegionalIntegration(appId);
      if (!current.subnetId) return { status: "skipped", detail: "it has no regional integration" };
      try {
        const receipt = await deps.writer.deleteRegionalIntegration(appId);
        return { status: "done", detail: `left ${subnetLabel(current.subnetId)}`, requestIds: receipt.requestIds };
      } catch (error) {
        // The spec declares 404 for an app without one (the SDK accepts only 200): gone already is done.
        if (isBotError(error) && error.kind === "not-found") return { status: "skipped", detail: "it has no regional integration" };
        throw error;
      }
    },
  };
}

function restoreRouteAllStep(deps: ChangeDeps, appId: string, appName: string, enabled: boolean): ExecutableStep {
  return {
    id: "route-all",
    description: `${enabled ? "Turn route-all back on" : "Turn route-all off again"} for ${appName}, as it was before the migration`,
    run: async () => {
      if ((await deps.reader.getRouteAll(appId)) === enabled) return { status: "skipped", detail: "already as it was" };
      const receipt = await deps.writer.setRouteAll(appId, enabled);
      return { status: "done", requestIds: receipt.requestIds };
    },
  };
}

/** Plan routes live on the plan's connection, which may have gone with the plan's last app on the VNet. */
function restoreRoutesStep(deps: ChangeDeps, planId: string, vnetName: string, routes: readonly PlanRoute[]): ExecutableStep {
  return {
    id: "plan-routes",
    description: routes.length > 0 ? `Put back the plan's ${routes.length === 1 ? "route" : `${routes.length} routes`} into ${vnetName} that the migration recorded` : `Check the plan's routes into ${vnetName} (none were recorded)`,
    run: async () => {
      if (routes.length === 0) return { status: "skipped", detail: "no routes were recorded" };
      const present = (await findPlanConnection(deps.reader, planId, vnetName))?.routes ?? [];
      const missing = routes.filter((route) => !present.some((p) => p.name.toLowerCase() === route.name.toLowerCase() || sameRange(p, route)));
      if (missing.length === 0) return { status: "skipped", detail: "every recorded route is there" };
      const requestIds: string[] = [];
      for (const route of missing) requestIds.push(...(await deps.writer.putPlanRoute(planId, vnetName, route)).requestIds);
      return { status: "done", detail: `put back ${missing.map((r) => r.name).join(", ")}`, requestIds };
    },
  };
}

function sameRange(a: PlanRoute, b: PlanRoute): boolean {
  const [ra, rb] = [readRoute(a), readRoute(b)];
  return ra !== undefined && rb !== undefined && ra.start === rb.start && ra.end === rb.end;
}

/** The records of the plan's apps vnetbot moved off the VNet (or was moving), production apps first: they matter most. */
async function movedOff(deps: ParseDeps, planId: string, vnetName?: string): Promise<MigrationRecord[]> {
  const records = (await deps.migrations.list()).filter((r) => isCurrentMove(r) && sameId(r.planId, planId) && (vnetName === undefined || r.vnetName.toLowerCase() === vnetName.toLowerCase()));
  return records.sort((a, b) => Number(a.appName.includes("/")) - Number(b.appName.includes("/")) || a.appName.localeCompare(b.appName));
}

/** `/vnet migrate rollback PLAN VNET`: every app vnetbot moved off the VNet, in one request. */
async function parsePlanRollback(deps: ParseDeps, planText: string, vnetText: string): Promise<MigrateRollbackRequest> {
  const plan = await resolvePlan(deps, planText);
  const records = await movedOff(deps, plan.id, nameOf(vnetText));
  if (records.length === 0) {
    const elsewhere = [...new Set((await movedOff(deps, plan.id)).map((r) => r.vnetName))];
    throw new BotError("not-found", `vnetbot has moved none of the apps of plan ${plan.name} off ${escapeMrkdwn(nameOf(vnetText))}: there is nothing to roll back there.`, {
      hint: elsewhere.length > 0 ? `It moved apps off ${elsewhere.join(", ")}: \`/vnet migrate rollback ${plan.name} VNET\`.` : `/vnet plan ${plan.name} shows its integrations.`,
    });
  }
  return { kind: "migrate-rollback", appId: records[0]!.appId, appIds: records.map((r) => r.appId), plan: { name: plan.name, vnetName: records[0]!.vnetName } };
}

/** Why a plan's name alone cannot be rolled back, with the commands that can; undefined when it names no plan. */
async function planNotApp(deps: ParseDeps, text: string): Promise<BotError | undefined> {
  const plan = await resolvePlan(deps, text).catch(() => undefined);
  if (!plan) return undefined;
  const moved = await movedOff(deps, plan.id);
  const vnets = [...new Set(moved.map((r) => r.vnetName))];
  return new BotError("usage", `${plan.name} is a plan: name the VNet its apps are to go back to, or one app.`, {
    hint:
      moved.length > 0
        ? `${vnets.map((vnet) => `\`/vnet migrate rollback ${plan.name} ${vnet}\``).join(", ")} puts back every app vnetbot moved off ${vnets.length === 1 ? "it" : "each"} in one approval; one app alone: ${moved.map((r) => `\`/vnet migrate rollback ${r.appName}\``).join(", ")}.`
        : `vnetbot has moved none of its apps: there is nothing to roll back.`,
  });
}

/** Put a migrated app back on gateway-required integration. */
export const migrateRollback = defineChangeKind<MigrateRollbackRequest>({
  kind: "migrate-rollback",
  command: {
    name: "migrate rollback",
    summary: "Put a migrated app back on gateway-required integration from the migration's record, or with PLAN VNET every app vnetbot moved off that VNet (approval; until 31 March 2027)",
    params: [{ name: "APP", kind: "text" }, { name: "VNET", kind: "text", optional: true }],
    valueNames: { APP: "APP|PLAN" },
  },
  async parse(deps, args) {
    const vnet = args.optional("VNET");
    if (vnet !== undefined) return parsePlanRollback(deps, args.text("APP"), vnet);
    let app: AppInfo;
    try {
      app = await resolveApp(deps, args.text("APP"));
    } catch (error) {
      // A plan's name: a rollback is an app's, one at a time; name the apps vnetbot moved off the plan's VNets.
      if (isBotError(error) && error.kind === "not-found") throw (await planNotApp(deps, args.text("APP"))) ?? error;
      throw error;
    }
    await requireRecord(deps, app);
    return { kind: "migrate-rollback", appId: app.id };
  },
  prepare: prepareMigrateRollback,
  commandText: (request) => (request.plan ? `migrate rollback ${request.plan.name} ${request.plan.vnetName}` : `migrate rollback ${siteNameOf(request.appId)}`),
  operations: [
    "listApps", "listSlots", "getApp", "getPlan", "getVnet", "getGateway", "getRegionalIntegration", "getRouteAll", "listAppVnetConnections", "listPlanVnetConnections",
    "deleteRegionalIntegration", "setRouteAll", "putAppVnetConnection", "addGatewayRootCertificate", "generateVpnPackage", "putAppVnetGateway", "putPlanRoute",
  ],
});
