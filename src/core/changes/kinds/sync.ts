/**
 * Sync network for a plan and VNet: the certificate, DNS and routes pushed to the plan's apps again through a fresh
 * VPN package (the "Sync network" of azure-docs configure-gateway-required-vnet-integration.md). Which ARM call
 * the portal makes for it is not documented: the plan-level gateways/primary PUT goes first, and every app Azure
 * still flags for a resync afterwards gets the per-app one; what is still flagged after both is said plainly.
 */
import { BotError } from "../../../errors.ts";
import { readPlanApps, requirePlanConnection, resolvePlanVnet, planVnetText, sameName, type AppConnection, type PlanVnet } from "../../connections.ts";
import { assertEligible, checkNotRetired, checkSameSubscription, checkVnetGateways, findVpnGateway } from "../../eligibility.ts";
import { retirementWarning } from "../../format.ts";
import { isCertOnGateway } from "../../inventory.ts";
import { parseResourceId } from "../../resource-id.ts";
import { defineChangeKind } from "../change-kind.ts";
import { gatewayState, generatePackageStep, readGateways, requirePackage, type StepContext } from "../common.ts";
import { ensureRootCertStep } from "../root-certificates.ts";
import { targetKeyOf, type ExecutableStep, type PreparedChange } from "../runner.ts";
import type { ChangeDeps } from "../types.ts";

/** Reads the plan's connection, VNet, gateway and apps; refuses across subscriptions and with an unusable gateway. */
export async function prepareSync(deps: ChangeDeps, request: PlanVnet): Promise<PreparedChange> {
  const { reader } = deps;
  const plan = await reader.getPlan(request.planId);
  const connection = await requirePlanConnection(reader, plan, request.vnetName, request.vnetId);
  const vnetSubscription = parseResourceId(connection.vnetId)?.subscriptionId ?? plan.subscriptionId;
  // Refuse before reading a VNet in another subscription: sync cannot work there anyway.
  assertEligible(checkSameSubscription(plan, { name: connection.name, subscriptionId: vnetSubscription }), `sync ${plan.name} with ${connection.name}`);
  const [vnet, planApps] = await Promise.all([reader.getVnet(connection.vnetId), readPlanApps(reader, plan.id)]);
  const gateways = await readGateways(reader, vnet);
  assertEligible([...checkNotRetired(deps.clock.now()), ...checkVnetGateways(vnet.name, gateways)], `sync ${plan.name} with ${vnet.name}`);
  const gateway = findVpnGateway(gateways)!;
  const onVnet = planApps.filter(({ connection: c }) => sameName(c?.name, vnet.name));
  const names = onVnet.map(({ app }) => app.name).sort();
  // Whether the plan-level connection carries the certificate is not documented; an app's connection does.
  const withCertificate = [connection, ...onVnet.map(({ connection: c }) => c!)].find((c) => c.certBlob);
  const context: StepContext = { ...(withCertificate ? { certBlob: withCertificate.certBlob!, ...(withCertificate.certThumbprint ? { thumbprint: withCertificate.certThumbprint } : {}) } : {}) };
  // An empty list on the connection may be Azure not saying (see the diagnosis' DNS check): unknown, not changed.
  const dnsDiffers = vnet.dnsServers.join(",") !== connection.dnsServers.join(",");
  const dnsChanged = dnsDiffers && connection.dnsServers.length > 0;
  const dnsUnreported = dnsDiffers && !dnsChanged;
  // What a diagnosis or an alert offers a sync for; none of it holding (a Fix clicked after the problem went, say), the
  // approver hears that the sync's outage buys nothing Azure can see.
  const flagged = connection.resyncRequired || onVnet.some(({ connection: c }) => c!.resyncRequired);
  const certMissing = withCertificate?.certBlob !== undefined && !isCertOnGateway(withCertificate.certBlob, gateway);
  const nothingCalls = !flagged && !dnsDiffers && !certMissing;
  return {
    title: `Sync ${plan.name} with ${vnet.name}`,
    targetKey: targetKeyOf(plan.id, vnet.name),
    affectedApps: names,
    restartingApps: names,
    outage: `Brief loss of connectivity between the apps of ${plan.name} and ${vnet.name}.`,
    warnings: [
      "Microsoft's documentation says sync network may restart the apps that use this VNet.",
      ...(dnsChanged ? [`The VNet's DNS servers (${vnet.dnsServers.join(", ") || "Azure-provided"}) differ from the apps' (${connection.dnsServers.join(", ") || "Azure-provided"}): the sync brings them in line.`] : []),
      ...(dnsUnreported ? [`Azure reports no DNS servers for the apps' connection; the sync gives them the VNet's (${vnet.dnsServers.join(", ")}).`] : []),
      ...(withCertificate ? [] : [`Azure shows no certificate on ${plan.name}'s connection or its apps' connections, so the gateway's root certificates are left as they are.`]),
      ...(nothingCalls
        ? [`Nothing Azure shows calls for a sync now: the connection is not flagged for resync, its DNS servers match ${vnet.name}'s and its certificate is on the gateway. A sync is for after a change of the VNet's address space, DNS or routes: approve only if one was made.`]
        : []),
      retirementWarning(deps.clock.now()),
    ],
    state: {
      plan: plan.id.toLowerCase(),
      connection: { vnetId: connection.vnetId.toLowerCase(), certThumbprint: withCertificate?.certThumbprint ?? null, dnsServers: connection.dnsServers },
      vnet: { dnsServers: vnet.dnsServers, addressSpace: vnet.addressSpace },
      gateways: gateways.map(gatewayState),
      apps: names,
    },
    steps: [
      ...(withCertificate ? [ensureRootCertStep(deps, gateway, context, `${plan.name}'s`)] : []),
      generatePackageStep(deps, gateway, context),
      {
        id: "plan-package",
        description: `Give plan ${plan.name} the fresh VPN client package`,
        run: async () => {
          const receipt = await deps.writer.putPlanVnetGateway(plan.id, vnet.name, requirePackage(context));
          return { status: "done", requestIds: receipt.requestIds };
        },
      },
      appsInSyncStep(deps, plan, vnet.name, context),
    ],
    // The gateway's package (and root certificates), the plan's connection; an app only when Azure still flags it.
    touches: [
      { id: gateway.id, operation: "write", what: `gateway ${gateway.name}` },
      { id: plan.id, operation: "write", what: `plan ${plan.name}` },
      ...onVnet.map(({ app }) => ({ id: app.id, operation: "write" as const, what: `app ${app.name}`, maybe: true })),
    ],
  };
}

/** After the plan-level PUT: every app still flagged for a resync gets the package itself, then all are checked. */
function appsInSyncStep(deps: ChangeDeps, plan: { id: string; name: string }, vnetName: string, context: StepContext): ExecutableStep {
  const flagged = async () => (await readPlanApps(deps.reader, plan.id)).filter(({ connection }) => sameName(connection?.name, vnetName) && connection?.resyncRequired);
  const names = (apps: readonly AppConnection[]) => apps.map(({ app }) => app.name).sort().join(", ");
  return {
    id: "apps-in-sync",
    description: `Check that Azure no longer flags ${plan.name}'s apps on ${vnetName} for a resync, giving the package to each one it still flags`,
    run: async () => {
      const before = await flagged();
      if (before.length === 0) return { status: "done", detail: "the plan-level update brought every app in sync" };
      const requestIds: string[] = [];
      for (const { app } of before) requestIds.push(...(await deps.writer.putAppVnetGateway(app.id, vnetName, requirePackage(context))).requestIds);
      const after = await flagged();
      if (after.length > 0) {
        throw new BotError("unavailable", `Azure still flags ${names(after)} for a resync with ${vnetName} after the plan-level and the per-app update.`, {
          hint: "Azure may take a few minutes to settle: run the same sync again later; if it stays, look at the gateway (`/vnet gateways`) and the app's connection in the portal.",
        });
      }
      return { status: "done", detail: `the plan-level update left ${names(before)} flagged; each got the package itself`, requestIds };
    },
  };
}

/** Sync network: give the plan's apps a fresh VPN package with the VNet's current certificate, DNS and routes. */
export const sync = defineChangeKind<{ kind: "sync" } & PlanVnet>({
  kind: "sync",
  command: { name: "sync", summary: "Sync a plan's VNet connection: certificate, DNS servers and routes (approval; brief outage)", params: [{ name: "PLAN", kind: "plan" }, { name: "VNET", kind: "vnet" }] },
  parse: async (deps, args) => ({ kind: "sync", ...(await resolvePlanVnet(deps, args)).target }),
  prepare: prepareSync,
  commandText: (request) => `sync ${planVnetText(request)}`,
  operations: [
    "listPlans", "getPlan", "listVnets", "listPlanVnetConnections", "getVnet", "listPlanApps", "listSlots", "listAppVnetConnections", "getGateway",
    "addGatewayRootCertificate", "generateVpnPackage", "putPlanVnetGateway", "putAppVnetGateway",
  ],
});
