/** Connect an app to a VNet through its VPN gateway (the order of Microsoft's script in azure-docs articles/app-service-web/app-service-vnet-integration-powershell.md: the app's connection, its certificate on the gateway, the VPN package to the app). */
import { sameId } from "../../resource-id.ts";
import { BotError } from "../../../errors.ts";
import {
  assertEligible,
  checkNoContainers,
  checkOneVnetPerApp,
  checkPlan,
  checkPlanVnetLimit,
  checkVnetGateways,
  checkWindows,
} from "../../eligibility.ts";
import type { AppInfo, GatewayInfo, VnetInfo } from "../../model.ts";
import { LIMITATION_WARNINGS, ensureRootCertStep, gatewayState, generatePackageStep, readGateways, requirePackage, thumbprintOf, type StepContext } from "../common.ts";
import { findAppConnection, sameName } from "../../connections.ts";
import { findVpnGateway } from "../../eligibility.ts";
import { targetKeyOf, type ExecutableStep, type PreparedChange } from "../runner.ts";
import { defineChangeKind } from "../change-kind.ts";
import { nameOf } from "../../resource-id.ts";
import { resolveApp, resolveVnet } from "../../resolve.ts";
import type { ChangeDeps } from "../types.ts";
import { retirementWarning } from "../../format.ts";

/** Reads and checks everything a connect needs; throws BotError("ineligible") listing every broken rule. */
export async function prepareConnect(deps: ChangeDeps, request: { appId: string; vnetId: string }): Promise<PreparedChange> {
  const { reader } = deps;
  const [app, vnet] = await Promise.all([reader.getApp(request.appId), reader.getVnet(request.vnetId)]);
  const [plan, planConnections, gateways] = await Promise.all([
    reader.getPlan(app.planId),
    reader.listPlanVnetConnections(app.planId),
    readGateways(reader, vnet),
  ]);
  const planProblems = checkPlan(plan);
  // The app inherits the plan's OS: report it once, on the plan, when the plan is already refused.
  const appProblems = planProblems.length > 0 ? [] : [...checkWindows(app, "App"), ...checkNoContainers(app, "App")];
  const planVnets = planConnections.filter((connection) => !connection.isRegional).map((connection) => connection.name);
  assertEligible(
    [
      ...planProblems,
      ...appProblems,
      ...checkOneVnetPerApp(app, vnet.name),
      ...checkPlanVnetLimit(plan, planVnets, vnet.name),
      ...checkVnetGateways(vnet.name, gateways),
    ],
    `connect ${app.name} to ${vnet.name}`,
  );
  const gateway = findVpnGateway(gateways)!;
  const isReconnect = sameName(app.gatewayVnetName, vnet.name);
  return {
    title: `Connect ${app.name} to ${vnet.name}`,
    targetKey: targetKeyOf(plan.id, vnet.name),
    affectedApps: [app.name],
    restartingApps: [],
    outage: isReconnect ? `${app.name} may lose connectivity to ${vnet.name} briefly while it takes the new VPN package.` : undefined,
    warnings: [
      `Updating gateway ${gateway.name}'s root certificates can take several minutes.`,
      ...LIMITATION_WARNINGS,
      retirementWarning(deps.clock.now()),
    ],
    state: {
      app: { id: app.id.toLowerCase(), planId: app.planId.toLowerCase(), gatewayVnetName: app.gatewayVnetName?.toLowerCase() ?? null },
      plan: { tier: plan.tier, isLinux: plan.isLinux, isWindowsContainer: plan.isWindowsContainer, vnets: planVnets.map((n) => n.toLowerCase()).sort() },
      vnet: { id: vnet.id.toLowerCase(), gatewayIds: vnet.gatewayIds.map((id) => id.toLowerCase()).sort() },
      gateways: gateways.map(gatewayState),
    },
    steps: connectSteps(deps, app, vnet, gateway),
  };
}

/** The connect steps; with previousThumbprint the verification also requires a new certificate (renew). */
export function connectSteps(deps: ChangeDeps, app: AppInfo, vnet: VnetInfo, gateway: GatewayInfo, previousThumbprint?: string): ExecutableStep[] {
  const context: StepContext = {};
  return [
    {
      id: "app-connection",
      description: `Create ${app.name}'s connection to ${vnet.name}`,
      run: async () => {
        const existing = await findAppConnection(deps.reader, app.id, vnet.name);
        if (existing?.certBlob && sameId(existing.vnetId, vnet.id)) {
          context.certBlob = existing.certBlob;
          context.thumbprint = existing.certThumbprint ?? thumbprintOf(existing.certBlob);
          return { status: "skipped", detail: "the connection already exists" };
        }
        const result = await deps.writer.putAppVnetConnection(app.id, vnet.id);
        context.certBlob = result.certBlob;
        context.thumbprint = result.certThumbprint ?? thumbprintOf(result.certBlob);
        return { status: "done", detail: `certificate ${context.thumbprint}`, requestIds: result.requestIds };
      },
    },
    ensureRootCertStep(deps, gateway, context, `${app.name}'s`),
    generatePackageStep(deps, gateway, context),
    {
      id: "app-package",
      description: `Give ${app.name} the VPN client package`,
      run: async () => {
        const receipt = await deps.writer.putAppVnetGateway(app.id, vnet.name, requirePackage(context));
        return { status: "done", requestIds: receipt.requestIds };
      },
    },
    {
      id: "verify",
      description: `Check that ${app.name} is connected to ${vnet.name}`,
      run: async () => {
        const [connection, current] = await Promise.all([findAppConnection(deps.reader, app.id, vnet.name), deps.reader.getApp(app.id)]);
        const notYet = (what: string) =>
          new BotError("unavailable", `${app.name} is not connected to ${vnet.name} yet: ${what}.`, { hint: "Run the same change again in a few minutes." });
        if (!connection) throw notYet("the connection is missing");
        if (connection.resyncRequired) throw notYet("Azure reports that the connection needs a resync");
        if (!sameName(current.gatewayVnetName, vnet.name)) throw notYet(`the app's VNet is ${current.gatewayVnetName ?? "not set"}`);
        const thumbprint = connection.certThumbprint ?? (connection.certBlob ? thumbprintOf(connection.certBlob) : undefined);
        if (previousThumbprint && sameName(thumbprint, previousThumbprint)) {
          throw new BotError("unavailable", `${app.name} reconnected to ${vnet.name} but kept certificate ${previousThumbprint}.`, {
            hint: "Azure reissues the certificate on reconnect; run /vnet renew again later or ask Azure support.",
          });
        }
        return { status: "done", detail: thumbprint ? `certificate ${thumbprint}` : undefined };
      },
    },
  ];
}

/** Connect an app to a VNet through the VNet's VPN gateway. */
export const connect = defineChangeKind<{ kind: "connect"; appId: string; vnetId: string }>({
  kind: "connect",
  command: { name: "connect", summary: "Connect an app to a VNet (approval)", params: [{ name: "APP", kind: "app" }, { name: "VNET", kind: "vnet" }] },
  async parse(deps, args) {
    const [app, vnet] = await Promise.all([resolveApp(deps, args.ref("APP")), resolveVnet(deps, args.ref("VNET"))]);
    return { kind: "connect", appId: app.id, vnetId: vnet.id };
  },
  prepare: prepareConnect,
  commandText: (request) => `connect ${nameOf(request.appId)} ${nameOf(request.vnetId)}`,
  operations: [
    "listApps", "getApp", "listVnets", "getVnet", "getPlan", "listPlanVnetConnections", "getGateway", "listAppVnetConnections",
    "putAppVnetConnection", "addGatewayRootCertificate", "generateVpnPackage", "putAppVnetGateway",
  ],
});
