/**
 * Disconnect an app (or slot) from its VNet (webApps.deleteVnetConnection): the app restarts; the VNet and gateway
 * stay. When no connection uses the integration's certificate any more, it leaves the gateway's root certificates,
 * which hold at most 20.
 */
import { findAppConnection, requireGatewayVnet } from "../../connections.ts";
import { findVpnGateway } from "../../eligibility.ts";
import { retirementWarning } from "../../format.ts";
import type { AppInfo, VnetConnectionInfo } from "../../model.ts";
import { siteNameOf } from "../../resource-id.ts";
import { resolveApp } from "../../resolve.ts";
import { defineChangeKind } from "../change-kind.ts";
import { readGateways, thumbprintOf } from "../common.ts";
import { removeRootIfUnusedStep, type LeavingCertificate } from "../root-certificates.ts";
import { targetKeyOf, type ExecutableStep, type PreparedChange } from "../runner.ts";
import type { ChangeDeps } from "../types.ts";

/** Reads the app and its connection; a connection that is already gone makes a plan whose step is skipped. */
export async function prepareDisconnect(deps: ChangeDeps, request: { appId: string; vnetName: string }): Promise<PreparedChange> {
  const [app, connection] = await Promise.all([deps.reader.getApp(request.appId), findAppConnection(deps.reader, request.appId, request.vnetName)]);
  const vnetName = connection?.name ?? request.vnetName;
  const gateway = connection ? findVpnGateway(await readGateways(deps.reader, await deps.reader.getVnet(connection.vnetId))) : undefined;
  const leaving = certificateOf(connection);
  return {
    title: `Disconnect ${app.name} from ${vnetName}`,
    targetKey: targetKeyOf(app.planId, vnetName),
    affectedApps: [app.name],
    restartingApps: connection ? [app.name] : [],
    outage: connection ? `${app.name} restarts and can no longer reach ${vnetName}.` : undefined,
    warnings: [
      ...(connection ? [] : [`${app.name} is not connected to ${vnetName}: there is nothing to do.`]),
      ...(gateway && leaving ? [`The certificate ${leaving.thumbprint} leaves gateway ${gateway.name}'s root certificates only if no other app or plan still uses it (checked when the step runs).`] : []),
      retirementWarning(deps.clock.now()),
    ],
    state: connectionState(app, connection),
    steps: [disconnectStep(deps, app, vnetName), ...(gateway && connection ? [removeRootIfUnusedStep(deps, gateway, connection.vnetId, () => leaving, `${app.name}'s`)] : [])],
    touches: connection
      ? [{ id: app.id, operation: "delete", what: `app ${app.name}` }, ...(gateway ? [{ id: gateway.id, operation: "write" as const, what: `gateway ${gateway.name}`, maybe: true }] : [])]
      : [],
  };
}

/** The certificate a connection carries, as it would leave the gateway. */
export function certificateOf(connection: Pick<VnetConnectionInfo, "certBlob" | "certThumbprint"> | undefined): LeavingCertificate | undefined {
  if (!connection?.certBlob) return undefined;
  return { blob: connection.certBlob, thumbprint: connection.certThumbprint ?? thumbprintOf(connection.certBlob) };
}

/** The connection facts a disconnect or renew depends on. */
export function connectionState(app: AppInfo, connection: VnetConnectionInfo | undefined): unknown {
  return {
    app: { id: app.id.toLowerCase(), planId: app.planId.toLowerCase() },
    connection: connection ? { name: connection.name.toLowerCase(), vnetId: connection.vnetId.toLowerCase(), certThumbprint: connection.certThumbprint ?? null } : null,
  };
}

/** Deletes the app's connection unless it is already gone. */
export function disconnectStep(deps: ChangeDeps, app: AppInfo, vnetName: string): ExecutableStep {
  return {
    id: "delete-connection",
    description: `Delete ${app.name}'s connection to ${vnetName} (the app restarts)`,
    run: async () => {
      const connection = await findAppConnection(deps.reader, app.id, vnetName);
      if (!connection) return { status: "skipped", detail: "the app is not connected" };
      const receipt = await deps.writer.deleteAppVnetConnection(app.id, connection.name);
      return { status: "done", requestIds: receipt.requestIds };
    },
  };
}

/** Remove an app's gateway-required integration. */
export const disconnect = defineChangeKind<{ kind: "disconnect"; appId: string; vnetName: string }>({
  kind: "disconnect",
  command: { name: "disconnect", summary: "Disconnect an app from its VNet (approval; the app restarts)", params: [{ name: "APP", kind: "app" }] },
  async parse(deps, args) {
    const app = await resolveApp(deps, args.ref("APP"));
    return { kind: "disconnect", appId: app.id, vnetName: await requireGatewayVnet(deps.reader, app, "disconnect") };
  },
  prepare: prepareDisconnect,
  commandText: (request) => `disconnect ${siteNameOf(request.appId)}`,
  operations: [
    "listApps", "listSlots", "getApp", "listAppVnetConnections", "getVnet", "getGateway", "deleteAppVnetConnection",
    // Whether another plan still uses the certificate: every plan's connections, and the apps' where a plan's has no certificate.
    "listPlans", "listPlanVnetConnections", "listPlanApps", "removeGatewayRootCertificate",
  ],
});
