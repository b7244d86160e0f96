/** Renew an app's integration certificate: disconnect and connect again (certificates live eight years; the portal offers renewal within six months of expiry). */
import { BotError } from "../../../errors.ts";
import { assertEligible, checkVnetGateways } from "../../eligibility.ts";
import { LIMITATION_WARNINGS, gatewayState, readGateways, thumbprintOf } from "../common.ts";
import { connectedVnetOf, findAppConnection } from "../../connections.ts";
import { findVpnGateway } from "../../eligibility.ts";
import { defineChangeKind } from "../change-kind.ts";
import { nameOf } from "../../resource-id.ts";
import { resolveApp } from "../../resolve.ts";
import { connectSteps } from "./connect.ts";
import { connectionState, disconnectStep } from "./disconnect.ts";
import { targetKeyOf, type PreparedChange } from "../runner.ts";
import type { ChangeDeps } from "../types.ts";
import { retirementWarning } from "../../format.ts";

/** Azure (and the portal's warning) treat a certificate as due for renewal within six months of expiry. */
const RENEWAL_WINDOW_MS = 182 * 86_400_000;

/** Reads the app's connection, VNet and gateway; refuses when the app is not connected to that VNet. */
export async function prepareRenew(deps: ChangeDeps, request: { appId: string; vnetName: string }): Promise<PreparedChange> {
  const { reader } = deps;
  const [app, connection] = await Promise.all([reader.getApp(request.appId), findAppConnection(reader, request.appId, request.vnetName)]);
  if (!connection) {
    throw new BotError("not-found", `${app.name} is not connected to ${request.vnetName}: there is no certificate to renew.`, {
      hint: `Connect it instead: /vnet connect ${app.name} ${request.vnetName}`,
    });
  }
  const vnet = await reader.getVnet(connection.vnetId);
  const gateways = await readGateways(reader, vnet);
  assertEligible(checkVnetGateways(vnet.name, gateways), `renew ${app.name}'s certificate for ${vnet.name}`);
  const gateway = findVpnGateway(gateways)!;
  const expiry = connection.certificate?.notAfter;
  const previous = connection.certThumbprint ?? (connection.certBlob ? thumbprintOf(connection.certBlob) : undefined);
  return {
    title: `Renew ${app.name}'s certificate for ${vnet.name}`,
    targetKey: targetKeyOf(app.planId, vnet.name),
    affectedApps: [app.name],
    restartingApps: [app.name],
    outage: `${app.name} restarts when it disconnects and cannot reach ${vnet.name} until it is connected again (usually a few minutes).`,
    warnings: [
      ...(expiry ? [`The current certificate expires on ${expiry.toISOString().slice(0, 10)}.`] : []),
      ...(expiry && expiry.getTime() - deps.clock.now().getTime() > RENEWAL_WINDOW_MS
        ? [`That is more than six months away: Azure may reconnect ${app.name} with the same certificate, so the renewal could restart the app and change nothing.`]
        : []),
      ...LIMITATION_WARNINGS,
      retirementWarning(deps.clock.now()),
    ],
    state: { ...(connectionState(app, connection) as object), gateways: gateways.map(gatewayState) },
    steps: [disconnectStep(deps, app, vnet.name), ...connectSteps(deps, app, vnet, gateway, previous)],
    resumeHint: `If ${app.name} is now disconnected, finish with /vnet connect ${app.name} ${vnet.name}; otherwise run the renewal again.`,
  };
}

/** Renew an app's integration certificate: disconnect and connect again. */
export const renew = defineChangeKind<{ kind: "renew"; appId: string; vnetName: string }>({
  kind: "renew",
  command: { name: "renew", summary: "Renew an app's integration certificate: disconnect and reconnect (approval; the app restarts)", params: [{ name: "APP", kind: "app" }] },
  async parse(deps, args) {
    const app = await resolveApp(deps, args.ref("APP"));
    return { kind: "renew", appId: app.id, vnetName: connectedVnetOf(app, "renew") };
  },
  prepare: prepareRenew,
  commandText: (request) => `renew ${nameOf(request.appId)}`,
  operations: [
    "listApps", "getApp", "listAppVnetConnections", "getVnet", "getGateway",
    "deleteAppVnetConnection", "putAppVnetConnection", "addGatewayRootCertificate", "generateVpnPackage", "putAppVnetGateway",
  ],
});
