/**
 * Which gateways the integrations depend on and whether each is down (what Resource Health checks for a VPN gateway: azure-docs articles/service-health/resource-health-checks-resource-types.md): missing, provisioning
 * Failed, or Resource Health Unavailable; Creating/Updating/Deleting is busy, not down. Plus integrations whose VNet
 * connection says a resync is needed.
 */
import type { Integration } from "../inventory.ts";
import { createLimiter } from "../limiter.ts";
import { checkSameSubscription } from "../eligibility.ts";
import type { GatewayInfo, HealthState } from "../model.ts";
import { parseResourceId } from "../resource-id.ts";
import type { AzureReader } from "../ports.ts";
import { alertIdOf, gatewayKey, resyncKey } from "./alert-keys.ts";
import type { ProblemCondition, ProblemFinding } from "./problem-finding.ts";

const BUSY_STATES = new Set(["creating", "updating", "deleting"]);

/** The condition of a gateway from its provisioning state and Resource Health (undefined: health unreadable). */
export function gatewayCondition(gateway: GatewayInfo | undefined, health: HealthState | undefined): { condition: ProblemCondition; reasons: string[] } {
  if (!gateway) return { condition: "down", reasons: ["the VNet has no VPN gateway"] };
  const state = gateway.provisioningState.toLowerCase();
  if (state === "failed") return { condition: "down", reasons: ["provisioning state Failed", ...(health === "Unavailable" ? ["Resource Health: Unavailable"] : [])] };
  if (BUSY_STATES.has(state)) return { condition: "busy", reasons: [`provisioning state ${gateway.provisioningState}`] };
  if (health === "Unavailable") return { condition: "down", reasons: ["Resource Health: Unavailable"] };
  if (health === undefined) return { condition: "unknown", reasons: ["Resource Health could not be read"] };
  return { condition: "up", reasons: [] };
}

/** True when the scan could read enough of the VNet to say whether it has a VPN gateway. */
function gatewayKnown(integration: Integration): boolean {
  return integration.vnet !== undefined && (integration.gateway !== undefined || integration.gateways.length === integration.vnet.gatewayIds.length);
}

function appLabels(integrations: readonly Integration[]): string[] {
  return integrations.flatMap((i) => i.apps.map((app) => `${app.name} (${i.plan.name})`)).sort();
}

/**
 * One finding per VNet the integrations use (its gateway), and one per integration flagged for resync. Resource
 * Health is read once per gateway that is neither failed nor busy; failed reads are reported through `failures`.
 */
export async function gatewayFindings(
  reader: Pick<AzureReader, "getResourceHealth">,
  integrations: readonly Integration[],
  options: { concurrency?: number; failures?: string[] } = {},
): Promise<ProblemFinding[]> {
  const limit = createLimiter(options.concurrency ?? 4);
  const byVnet = new Map<string, Integration[]>();
  for (const integration of integrations) {
    const list = byVnet.get(integration.vnetId.toLowerCase()) ?? [];
    list.push(integration);
    byVnet.set(integration.vnetId.toLowerCase(), list);
  }
  const gatewayProblems = await Promise.all(
    [...byVnet.values()].map(async (group): Promise<ProblemFinding> => {
      const first = group[0]!;
      const gateway = first.gateway;
      const key = gatewayKey(first.vnetId);
      const base = { key, alertId: alertIdOf(key), kind: "gateway" as const, apps: appLabels(group), fix: undefined };
      const subject = gateway ? `Gateway ${gateway.name} (${first.vnetName})` : `The gateway of ${first.vnetName}`;
      const names = gateway ? [gateway.name, first.vnetName] : [first.vnetName];
      // Resource Manager cannot read a classic VNet or its gateway: say it was not checked, never that it is fine.
      if (first.classic) return { ...base, subject, names, condition: "unknown", reasons: [`${first.vnetName} is a classic VNet, whose gateway Resource Manager cannot read (classic VPN gateways were retired on 31 August 2024)`] };
      if (first.missing) {
        const reason = first.missing === "vnet" ? `VNet ${first.vnetName} no longer exists in Azure` : `the gateway of ${first.vnetName} no longer exists in Azure`;
        return { ...base, subject, names, condition: "down", reasons: [reason] };
      }
      if (!gatewayKnown(first)) return { ...base, subject, names, condition: "unknown", reasons: ["the VNet or its gateway could not be read"] };
      let health: HealthState | undefined;
      const state = gateway?.provisioningState.toLowerCase();
      if (gateway && state !== "failed" && !BUSY_STATES.has(state ?? "")) {
        health = await limit(() => reader.getResourceHealth(gateway.id)).catch(() => {
          options.failures?.push(`Resource Health of ${gateway.name} could not be read`);
          return undefined;
        });
      }
      return { ...base, subject, names, ...gatewayCondition(gateway, health) };
    }),
  );
  const resyncProblems = integrations.map((integration): ProblemFinding => {
    const key = resyncKey(integration.plan.id, integration.vnetName);
    // Sync network does not work across subscriptions (domain.md): the bot refuses it there, so it is not the fix.
    const vnetSubscription = parseResourceId(integration.vnetId)?.subscriptionId ?? integration.plan.subscriptionId;
    const [crossSubscription] = checkSameSubscription(integration.plan, { name: integration.vnetName, subscriptionId: vnetSubscription });
    return {
      key,
      alertId: alertIdOf(key),
      kind: "resync",
      condition: integration.connection.resyncRequired ? "down" : "up",
      subject: `${integration.plan.name} → ${integration.vnetName}`,
      names: [],
      reasons: integration.connection.resyncRequired ? ["Azure says the VNet connection needs a resync"] : [],
      apps: appLabels([integration]),
      fix: crossSubscription ? crossSubscription.fix : `/vnet sync ${integration.plan.name} ${integration.vnetName}`,
    };
  });
  return [...gatewayProblems, ...resyncProblems];
}
