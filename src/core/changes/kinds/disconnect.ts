/** Disconnect an app from its VNet (webApps.deleteVnetConnection): the app restarts; VNet and gateway stay as they are. */
import type { AppInfo, VnetConnectionInfo } from "../../model.ts";
import { connectedVnetOf, findAppConnection } from "../../connections.ts";
import { defineChangeKind } from "../change-kind.ts";
import { nameOf } from "../../resource-id.ts";
import { resolveApp } from "../../resolve.ts";
import { targetKeyOf, type ExecutableStep, type PreparedChange } from "../runner.ts";
import type { ChangeDeps } from "../types.ts";
import { retirementWarning } from "../../format.ts";

/** Reads the app and its connection; a connection that is already gone makes a plan whose step is skipped. */
export async function prepareDisconnect(deps: ChangeDeps, request: { appId: string; vnetName: string }): Promise<PreparedChange> {
  const [app, connection] = await Promise.all([
    deps.reader.getApp(request.appId),
    findAppConnection(deps.reader, request.appId, request.vnetName),
  ]);
  const vnetName = connection?.name ?? request.vnetName;
  return {
    title: `Disconnect ${app.name} from ${vnetName}`,
    targetKey: targetKeyOf(app.planId, vnetName),
    affectedApps: [app.name],
    restartingApps: connection ? [app.name] : [],
    outage: connection ? `${app.name} restarts and can no longer reach ${vnetName}.` : undefined,
    warnings: [
      ...(connection ? [] : [`${app.name} is not connected to ${vnetName}: there is nothing to do.`]),
      "The certificate stays among the gateway's root certificates: other apps may share it.",
      retirementWarning(deps.clock.now()),
    ],
    state: connectionState(app, connection),
    steps: [disconnectStep(deps, app, vnetName)],
  };
}

/** The connection facts a disconnect or renew depends on. */
export function connectionState(app: AppInfo, connection: VnetConnectionInfo | undefined): unknown {
  return {
    app: { id: app.id.toLowerCase(), planId: app.planId.toLowerCase(), gatewayVnetName: app.gatewayVnetName?.toLowerCase() ?? null },
    connection: connection ? { vnetId: connection.vnetId.toLowerCase(), certThumbprint: connection.certThumbprint ?? null } : null,
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
    return { kind: "disconnect", appId: app.id, vnetName: connectedVnetOf(app, "disconnect") };
  },
  prepare: prepareDisconnect,
  commandText: (request) => `disconnect ${nameOf(request.appId)}`,
  operations: ["listApps", "getApp", "listAppVnetConnections", "deleteAppVnetConnection"],
});
