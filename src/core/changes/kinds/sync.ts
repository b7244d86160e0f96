/** Sync network for a plan and VNet (the "Sync network" of azure-docs configure-gateway-required-vnet-integration.md): certificate, DNS and routes pushed again. */
import { assertEligible, checkSameSubscription, checkVnetGateways } from "../../eligibility.ts";
import { parseResourceId } from "../../resource-id.ts";
import { ensureRootCertStep, gatewayState, generatePackageStep, readGateways, requirePackage, type StepContext } from "../common.ts";
import { appsOnVnet, resolvePlanVnet, planVnetText, requirePlanConnection, type PlanVnet } from "../../connections.ts";
import { findVpnGateway } from "../../eligibility.ts";
import { targetKeyOf, type PreparedChange } from "../runner.ts";
import { defineChangeKind } from "../change-kind.ts";
import type { ChangeDeps } from "../types.ts";
import { retirementWarning } from "../../format.ts";

/** Reads the plan's connection, VNet and gateway; refuses across subscriptions and with an unusable gateway. */
export async function prepareSync(deps: ChangeDeps, request: PlanVnet): Promise<PreparedChange> {
  const { reader } = deps;
  const plan = await reader.getPlan(request.planId);
  const connection = await requirePlanConnection(reader, plan, request.vnetName, request.vnetId);
  const vnetSubscription = parseResourceId(connection.vnetId)?.subscriptionId ?? plan.subscriptionId;
  // Refuse before reading a VNet in another subscription: sync cannot work there anyway.
  assertEligible(checkSameSubscription(plan, { name: connection.name, subscriptionId: vnetSubscription }), `sync ${plan.name} with ${connection.name}`);
  const [vnet, apps] = await Promise.all([reader.getVnet(connection.vnetId), reader.listApps(plan.subscriptionId)]);
  const gateways = await readGateways(reader, vnet);
  assertEligible(checkVnetGateways(vnet.name, gateways), `sync ${plan.name} with ${vnet.name}`);
  const gateway = findVpnGateway(gateways)!;
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

/** Sync network: give the plan's apps a fresh VPN package with the VNet's current certificate, DNS and routes. */
export const sync = defineChangeKind<{ kind: "sync" } & PlanVnet>({
  kind: "sync",
  command: { name: "sync", summary: "Sync a plan's VNet connection: certificates and routes (approval; brief outage)", params: [{ name: "PLAN", kind: "plan" }, { name: "VNET", kind: "vnet" }] },
  parse: async (deps, args) => ({ kind: "sync", ...(await resolvePlanVnet(deps, args)).target }),
  prepare: prepareSync,
  commandText: (request) => `sync ${planVnetText(request)}`,
  operations: ["listPlans", "getPlan", "listVnets", "listPlanVnetConnections", "getVnet", "listApps", "getGateway", "addGatewayRootCertificate", "generateVpnPackage", "putPlanVnetGateway"],
});
