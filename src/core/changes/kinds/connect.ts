/**
 * Connect an app (or slot) to a VNet through its VPN gateway, in the order of Microsoft's script (azure-docs
 * articles/app-service-web/app-service-vnet-integration-powershell.md): the app's connection, which returns the
 * client certificate; that certificate among the gateway's root certificates; the VPN package to the app.
 */
import { BotError } from "../../../errors.ts";
import { parseCertificate } from "../../certificate.ts";
import { certificateOfPlanVnet, findAppConnection, gatewayConnectionOf, sameName } from "../../connections.ts";
import {
  assertEligible,
  checkNoContainers,
  checkNotRetired,
  checkNoRegionalIntegration,
  checkOneVnetPerApp,
  checkPlan,
  checkPlanVnetLimit,
  checkRootCertificateRoom,
  checkSameSubscription,
  checkVnetGateways,
  checkWindows,
  findVpnGateway,
} from "../../eligibility.ts";
import { retirementWarning } from "../../format.ts";
import { isCertOnGateway } from "../../inventory.ts";
import type { AppInfo, GatewayInfo, VnetInfo } from "../../model.ts";
import { sameId, siteNameOf, nameOf } from "../../resource-id.ts";
import { resolveApp, resolveVnet } from "../../resolve.ts";
import { defineChangeKind } from "../change-kind.ts";
import { LIMITATION_WARNINGS, gatewayState, generatePackageStep, readGateways, requirePackage, thumbprintOf, type StepContext } from "../common.ts";
import { ensureRootCertStep, hasRoomForRoot, rootCertificatesLine } from "../root-certificates.ts";
import { targetKeyOf, type ExecutableStep, type PreparedChange } from "../runner.ts";
import type { ChangeDeps } from "../types.ts";

/** Reads and checks everything a connect needs; throws BotError("ineligible") listing every broken rule. */
export async function prepareConnect(deps: ChangeDeps, request: { appId: string; vnetId: string }): Promise<PreparedChange> {
  const { reader } = deps;
  const [app, vnet, current] = await Promise.all([reader.getApp(request.appId), reader.getVnet(request.vnetId), gatewayConnectionOf(reader, request.appId)]);
  const [plan, planConnections, gateways] = await Promise.all([reader.getPlan(app.planId), reader.listPlanVnetConnections(app.planId), readGateways(reader, vnet)]);
  const planProblems = checkPlan(plan);
  // The app inherits the plan's OS: report it once, on the plan, when the plan is already refused.
  const appProblems = planProblems.length > 0 ? [] : [...checkWindows(app, "App"), ...checkNoContainers(app, "App")];
  const gatewayConnections = planConnections.filter((connection) => !connection.isRegional);
  const planVnets = gatewayConnections.map((connection) => connection.name);
  const gateway = findVpnGateway(gateways);
  // The certificate is the plan's for this VNet: already on the gateway when another app of the plan connected.
  const planConnection = gatewayConnections.find((connection) => sameId(connection.vnetId, vnet.id));
  const planCertificate = planConnection && gateway && !hasRoomForRoot(gateway) ? await certificateOfPlanVnet(reader, plan.id, planConnection) : planConnection;
  const bringsNewCertificate = !(planCertificate?.certBlob && gateway && isCertOnGateway(planCertificate.certBlob, gateway));
  assertEligible(
    [
      ...checkNotRetired(deps.clock.now()),
      ...planProblems,
      ...appProblems,
      ...checkOneVnetPerApp(app, current?.name, vnet.name),
      ...checkNoRegionalIntegration(app, vnet),
      ...checkPlanVnetLimit(plan, planVnets, vnet.name),
      ...checkVnetGateways(vnet.name, gateways),
      ...(gateway ? checkRootCertificateRoom(gateway, bringsNewCertificate) : []),
    ],
    `connect ${app.name} to ${vnet.name}`,
  );
  const isReconnect = sameName(current?.name, vnet.name);
  return {
    title: `Connect ${app.name} to ${vnet.name}`,
    targetKey: targetKeyOf(plan.id, vnet.name),
    affectedApps: [app.name],
    restartingApps: [],
    outage: isReconnect ? `${app.name} may lose connectivity to ${vnet.name} briefly while it takes the new VPN package.` : undefined,
    warnings: [
      // Running connect again finishes one that stopped half-way; on a complete connection it only re-sends the package.
      ...(isReconnect
        ? [`${app.name} is connected to ${vnet.name} already: this creates nothing, adds the certificate to the gateway only if it is missing, and gives ${app.name} a fresh VPN package. After a change of ${vnet.name}'s DNS servers or address space, \`/vnet sync ${plan.name} ${vnet.name}\` does that for every app of the plan.`]
        : []),
      `Updating gateway ${gateway!.name}'s root certificates can take several minutes; it holds ${rootCertificatesLine(gateway!)}.`,
      ...(hasRoomForRoot(gateway!) ? [] : [`Should Azure issue a new certificate for this connect (it is not documented when it does), it cannot be added to ${gateway!.name}: the step will say so.`]),
      ...LIMITATION_WARNINGS,
      ...(checkSameSubscription(app, vnet).length > 0
        ? [`${vnet.name} is in another subscription than ${app.name}: sync network does not work across subscriptions, so a later change of its routes or DNS servers reaches the app only by a disconnect and a connect.`]
        : []),
      retirementWarning(deps.clock.now()),
    ],
    state: {
      app: { id: app.id.toLowerCase(), planId: app.planId.toLowerCase(), gatewayVnetName: current?.name.toLowerCase() ?? null, regional: app.regionalSubnetId?.toLowerCase() ?? null },
      plan: { tier: plan.tier, isLinux: plan.isLinux, isWindowsContainer: plan.isWindowsContainer, vnets: planVnets.map((n) => n.toLowerCase()).sort() },
      vnet: { id: vnet.id.toLowerCase(), gatewayIds: vnet.gatewayIds.map((id) => id.toLowerCase()).sort() },
      gateways: gateways.map(gatewayState),
    },
    steps: connectSteps(deps, app, vnet, gateway!),
    // The app's connection and its VPN package; the gateway's root certificates and the package's POST.
    touches: [
      { id: app.id, operation: "write", what: `app ${app.name}` },
      { id: gateway!.id, operation: "write", what: `gateway ${gateway!.name}` },
    ],
  };
}

/** The connect steps; the context receives the certificate Azure handed out (renew reads it afterwards). */
export function connectSteps(deps: ChangeDeps, app: AppInfo, vnet: VnetInfo, gateway: GatewayInfo, context: StepContext = {}): ExecutableStep[] {
  return [
    {
      id: "app-connection",
      description: `Create ${app.name}'s connection to ${vnet.name}`,
      run: async () => {
        const existing = await findAppConnection(deps.reader, app.id, vnet.name);
        if (existing?.certBlob && sameId(existing.vnetId, vnet.id)) {
          remember(context, existing.certBlob, existing.certThumbprint);
          return { status: "skipped", detail: "the connection already exists" };
        }
        const result = await deps.writer.putAppVnetConnection(app.id, vnet.id);
        remember(context, result.certBlob, result.certThumbprint);
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
        // The app's own connection list is where ARM says which VNet an app uses; siteConfig.vnetName stays null.
        const connection = await findAppConnection(deps.reader, app.id, vnet.name);
        const notYet = (what: string) =>
          new BotError("unavailable", `${app.name} is not connected to ${vnet.name} yet: ${what}.`, { hint: "Run the same change again in a few minutes." });
        if (!connection) throw notYet("the connection is missing");
        if (connection.resyncRequired) throw notYet("Azure reports that the connection needs a resync");
        const thumbprint = connection.certThumbprint ?? (connection.certBlob ? thumbprintOf(connection.certBlob) : undefined);
        return { status: "done", detail: thumbprint ? `certificate ${thumbprint}` : undefined };
      },
    },
  ];
}

function remember(context: StepContext, certBlob: string, thumbprint: string | undefined): void {
  context.certBlob = certBlob;
  context.thumbprint = thumbprint ?? thumbprintOf(certBlob);
  context.certificateNotAfter = parseCertificate(certBlob)?.notAfter;
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
  commandText: (request) => `connect ${siteNameOf(request.appId)} ${nameOf(request.vnetId)}`,
  operations: [
    "listApps", "getApp", "listSlots", "listVnets", "getVnet", "getPlan", "listPlanVnetConnections", "getGateway", "listAppVnetConnections",
    "putAppVnetConnection", "addGatewayRootCertificate", "generateVpnPackage", "putAppVnetGateway",
  ],
});
