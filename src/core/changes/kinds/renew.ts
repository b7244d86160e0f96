/**
 * Renew an app's integration certificate by disconnecting and connecting again: certificates live eight years and
 * the portal offers this within six months of expiry. Whether a reconnect issues a new certificate is not
 * documented, so the renewal checks the certificate it gets, says plainly when Azure kept the old one, and removes
 * the old root certificate from the gateway once nothing uses it.
 */
import { BotError, NothingToDo } from "../../../errors.ts";
import { findAppConnection, readPlanApps, requireGatewayVnet, sameName } from "../../connections.ts";
import { assertEligible, checkNotRetired, checkRootCertificateRoom, checkVnetGateways, findVpnGateway } from "../../eligibility.ts";
import { formatDate, retirementWarning } from "../../format.ts";
import { sameId, siteNameOf } from "../../resource-id.ts";
import { resolveApp } from "../../resolve.ts";
import { defineChangeKind } from "../change-kind.ts";
import { LIMITATION_WARNINGS, gatewayState, readGateways, type StepContext } from "../common.ts";
import { removeRootIfUnusedStep } from "../root-certificates.ts";
import { targetKeyOf, type ExecutableStep, type PreparedChange } from "../runner.ts";
import type { ChangeDeps } from "../types.ts";
import { connectSteps } from "./connect.ts";
import { certificateOf, connectionState, disconnectStep } from "./disconnect.ts";

/** The portal offers renewal within six months of expiry. */
const RENEWAL_WINDOW_MS = 182 * 86_400_000;

/** Reads the app's connection, VNet and gateway; refuses before anything restarts what can be known to fail. */
export async function prepareRenew(deps: ChangeDeps, request: RenewRequest): Promise<PreparedChange> {
  const { reader } = deps;
  const [app, connection] = await Promise.all([reader.getApp(request.appId), findAppConnection(reader, request.appId, request.vnetName)]);
  if (!connection) {
    throw new BotError("not-found", `${app.name} is not connected to ${request.vnetName}: there is no certificate to renew.`, {
      hint: `Connect it instead: /vnet connect ${app.name} ${request.vnetName}`,
    });
  }
  const [vnet, planApps] = await Promise.all([reader.getVnet(connection.vnetId), readPlanApps(reader, app.planId)]);
  const gateways = await readGateways(reader, vnet);
  const gateway = findVpnGateway(gateways);
  // The new certificate must fit on the gateway before the old one can go: checked before the app restarts.
  assertEligible(
    [...checkNotRetired(deps.clock.now()), ...checkVnetGateways(vnet.name, gateways), ...(gateway ? checkRootCertificateRoom(gateway, true) : [])],
    `renew ${app.name}'s certificate for ${vnet.name}`,
  );
  const old = certificateOf(connection);
  const expiry = connection.certificate?.notAfter;
  // A Renew button stands for the certificate its digest named: one replaced since needs no restart.
  if (request.thumbprint && old && !sameName(old.thumbprint, request.thumbprint)) {
    throw new NothingToDo(`${app.name}'s certificate ${request.thumbprint}, which this Renew was for, has been replaced already: its certificate ${old.thumbprint} expires on ${expiry ? formatDate(expiry) : "a date Azure does not give"}.`, {
      hint: "`/vnet expiring` lists the certificates that still need renewing.",
    });
  }
  const sharing = planApps.filter((other) => !sameId(other.app.id, app.id) && sameName(other.connection?.name, vnet.name)).map((other) => other.app.name);
  const context: StepContext = {};
  // Only a renewal that runs through removes the old root: run again, it no longer knows which certificate was old.
  const oldRoot = old
    ? ` Once ${app.name} has its new certificate, the old one (${old.thumbprint}) may still be among gateway ${gateway!.name}'s root certificates: remove it in the portal (point-to-site configuration) when no app uses it.`
    : "";
  const reconnect = `finish with \`/vnet connect ${app.name} ${vnet.name}\``;
  return {
    title: `Renew ${app.name}'s certificate for ${vnet.name}`,
    targetKey: targetKeyOf(app.planId, vnet.name),
    affectedApps: [app.name, ...sharing],
    restartingApps: [app.name],
    outage: `${app.name} restarts when it disconnects and cannot reach ${vnet.name} until it is connected again (usually a few minutes).`,
    warnings: [
      ...(expiry ? [`The current certificate${old ? ` ${old.thumbprint}` : ""} expires on ${formatDate(expiry)}.`] : []),
      ...(expiry && expiry.getTime() - deps.clock.now().getTime() > RENEWAL_WINDOW_MS
        ? [`That is more than six months away: Azure may reconnect ${app.name} with the same certificate, so the renewal could restart the app and change nothing.`]
        : []),
      ...(sharing.length > 0
        ? [`${sharing.join(", ")} share${sharing.length === 1 ? "s" : ""} this certificate (the plan's for ${vnet.name}). Whether they move to the new one by themselves is not documented: if \`/vnet gateways\` then says the plan needs a sync, run \`/vnet sync\`.`]
        : []),
      ...LIMITATION_WARNINGS,
      retirementWarning(deps.clock.now()),
    ],
    state: { ...(connectionState(app, connection) as object), gateways: gateways.map(gatewayState) },
    steps: [
      disconnectStep(deps, app, vnet.name),
      ...connectSteps(deps, app, vnet, gateway!, context).map((step) => ({ resumeHint: `${app.name} is disconnected from ${vnet.name}: ${reconnect}.${oldRoot}`, ...step })),
      newCertificateStep(app.name, vnet.name, context, old?.thumbprint, expiry),
      removeRootIfUnusedStep(deps, gateway!, vnet.id, () => (old && context.thumbprint && !sameName(context.thumbprint, old.thumbprint) ? old : undefined), "the old"),
    ],
    resumeHint: `If ${app.name} is now disconnected, ${reconnect}; if it is still connected, run the renewal again.${oldRoot}`,
    // Disconnect and connect again: a lock in the way would leave the app disconnected.
    touches: [
      { id: app.id, operation: "delete", what: `app ${app.name}` },
      { id: app.id, operation: "write", what: `app ${app.name}` },
      { id: gateway!.id, operation: "write", what: `gateway ${gateway!.name}` },
    ],
  };
}

/** Checks that Azure handed out another certificate than the old one, valid for longer. */
function newCertificateStep(appName: string, vnetName: string, context: StepContext, oldThumbprint: string | undefined, oldExpiry: Date | undefined): ExecutableStep {
  return {
    id: "new-certificate",
    description: `Check that ${appName} has a new certificate`,
    // Whichever certificate Azure gave, the app is connected: running the renewal again, or a connect, would only
    // restart it for the same answer.
    resumeHint: `${appName} is connected to ${vnetName} and works as before; running the renewal again now would restart it for the same answer.`,
    resumeReplaced: true,
    run: async () => {
      if (oldThumbprint && sameName(context.thumbprint, oldThumbprint)) {
        throw new BotError("conflict", `Azure reconnected ${appName} to ${vnetName} but kept its certificate ${oldThumbprint}${oldExpiry ? ` (expires ${formatDate(oldExpiry)})` : ""}.`, {
          hint: `App Service decides when it issues a new certificate and does not document it. ${appName} works as before. Try again closer to the expiry (the portal offers renewal within six months of it), ask Azure support, or move ${appName} to regional VNet integration, which needs no certificate.`,
        });
      }
      const notAfter = context.certificateNotAfter;
      if (notAfter && oldExpiry && notAfter.getTime() <= oldExpiry.getTime()) {
        throw new BotError("conflict", `Azure gave ${appName} certificate ${context.thumbprint}, valid only until ${formatDate(notAfter)}, no later than the old one.`, {
          hint: "Check the connection's certificate in the portal; the old root certificate stays on the gateway.",
        });
      }
      return { status: "done", detail: `certificate ${context.thumbprint}${notAfter ? `, valid until ${formatDate(notAfter)}` : ""}` };
    },
  };
}

/** The app whose certificate is renewed; from a digest's Renew button, also the certificate the digest named. */
export interface RenewRequest {
  appId: string;
  vnetName: string;
  thumbprint?: string;
}

/** Renew an app's integration certificate: disconnect and connect again. */
export const renew = defineChangeKind<{ kind: "renew" } & RenewRequest>({
  kind: "renew",
  command: { name: "renew", summary: "Renew an app's integration certificate: disconnect and reconnect (approval; the app restarts)", params: [{ name: "APP", kind: "app" }] },
  async parse(deps, args) {
    const app = await resolveApp(deps, args.ref("APP"));
    return { kind: "renew", appId: app.id, vnetName: await requireGatewayVnet(deps.reader, app, "renew") };
  },
  prepare: prepareRenew,
  commandText: (request) => `renew ${siteNameOf(request.appId)}`,
  operations: [
    "listApps", "listSlots", "getApp", "listAppVnetConnections", "getVnet", "getGateway", "listPlanApps",
    "deleteAppVnetConnection", "putAppVnetConnection", "addGatewayRootCertificate", "generateVpnPackage", "putAppVnetGateway",
    "listPlans", "listPlanVnetConnections", "removeGatewayRootCertificate",
  ],
});
