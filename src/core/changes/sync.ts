/** Sync network for a plan and VNet (azure-api.md §3.3): certificate, DNS and routes pushed again. */
import { assertEligible, checkSameSubscription, checkVnetGateways } from "../eligibility.ts";
import { parseResourceId } from "../resource-id.ts";
import {
  appsOnVnet,
  connectingGateway,
  ensureRootCertStep,
  gatewayState,
  generatePackageStep,
  readGateways,
  requirePackage,
  requirePlanConnection,
  retirementWarning,
  type StepContext,
} from "./common.ts";
import { targetKeyOf, type PreparedChange } from "./runner.ts";
import type { ChangeDeps } from "./types.ts";

/** Reads the plan's connection, VNet and gateway; refuses across subscriptions and with an unusable gateway. */
export async function prepareSync(deps: ChangeDeps, request: { planId: string; vnetName: string }): Promise<PreparedChange> {
  const { reader } = deps;
  const plan = await reader.getPlan(request.planId);
  const connection = await requirePlanConnection(reader, plan, request.vnetName);
  const vnetSubscription = parseResourceId(connection.vnetId)?.subscriptionId ?? plan.subscriptionId;
  // Refuse before reading a VNet in another subscription: sync cannot work there anyway.
  assertEligible(checkSameSubscription(plan, { name: connection.name, subscriptionId: vnetSubscription }), `sync ${plan.name} with ${connection.name}`);
  const [vnet, apps] = await Promise.all([reader.getVnet(connection.vnetId), reader.listApps(plan.subscriptionId)]);
  const gateways = await readGateways(reader, vnet);
  assertEligible(checkVnetGateways(vnet.name, gateways), `sync ${plan.name} with ${vnet.name}`);
  const gateway = connectingGateway(gateways)!;
  const onVnet = appsOnVnet(apps, plan.id, vnet.name);
  const context: StepContext = { certBlob: connection.certBlob, thumbprint: connection.certThumbprint };
  const dnsChanged = vnet.dnsServers.join(",") !== connection.dnsServers.join(",");
  return {
    title: `Sync ${plan.name} with ${vnet.name}`,
    targetKey: targetKeyOf(plan.id, vnet.name),
    affectedApps: onVnet,
    restartingApps: onVnet,
    outage: `Brief loss of connectivity between the apps of ${plan.name} and ${vnet.name}.`,
    warnings: [
      "Microsoft's documentation says sync network may restart the apps that use this VNet.",
      ...(dnsChanged ? [`The VNet's DNS servers (${vnet.dnsServers.join(", ") || "Azure-provided"}) differ from the apps' (${connection.dnsServers.join(", ") || "Azure-provided"}): the sync brings them in line.`] : []),
      retirementWarning(deps.clock.now()),
    ],
    state: {
      plan: plan.id.toLowerCase(),
      connection: { vnetId: connection.vnetId.toLowerCase(), certThumbprint: connection.certThumbprint ?? null, dnsServers: connection.dnsServers },
      vnet: { dnsServers: vnet.dnsServers, addressSpace: vnet.addressSpace },
      gateways: gateways.map(gatewayState),
      apps: onVnet,
    },
    steps: [
      ensureRootCertStep(deps, gateway, context, `${plan.name}'s`),
      generatePackageStep(deps, gateway, context),
      {
        id: "plan-package",
        description: `Give plan ${plan.name} the fresh VPN client package`,
        run: async () => {
          const receipt = await deps.writer.putPlanVnetGateway(plan.id, vnet.name, requirePackage(context));
          return { status: "done", requestIds: receipt.requestIds };
        },
      },
    ],
  };
}
