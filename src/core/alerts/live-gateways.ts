/**
 * The integrations of the kept inventory with their VPN gateways read again now. The gateway check runs every few
 * minutes; a full scan each time would cost every plan's connection list and every connected app's reads, which for a
 * thousand plans is more than ARM's 25 reads a second refill allows (azure-docs
 * articles/azure-resource-manager/management/request-limits-and-throttling.md). What goes down quickly is the gateway,
 * so it is read live (its provisioning state; Resource Health is read by the findings); which plans use which VNet
 * changes only through changes, which refresh the kept inventory, and its scheduled refresh.
 */
import { isBotError } from "../../errors.ts";
import type { Integration } from "../inventory.ts";
import { createLimiter } from "../limiter.ts";
import type { GatewayInfo } from "../model.ts";
import type { AzureReader } from "../ports.ts";

/** Each integration with its gateway as Azure has it now; a gateway that is gone makes the integration's gateway missing. */
export async function withLiveGateways(reader: AzureReader, integrations: readonly Integration[], options: { concurrency?: number; failures?: string[] } = {}): Promise<Integration[]> {
  const limit = createLimiter(options.concurrency ?? 4);
  const ids = [...new Map(integrations.flatMap((i) => (i.gateway ? [[i.gateway.id.toLowerCase(), i.gateway] as const] : []))).values()];
  const fresh = new Map<string, GatewayInfo | "missing" | "unread">();
  await Promise.all(
    ids.map(async (gateway) => {
      try {
        fresh.set(gateway.id.toLowerCase(), await limit(() => reader.getGateway(gateway.id)));
      } catch (error) {
        if (isBotError(error) && error.kind === "not-found") fresh.set(gateway.id.toLowerCase(), "missing");
        else {
          fresh.set(gateway.id.toLowerCase(), "unread");
          options.failures?.push(`gateway ${gateway.name} could not be read${isBotError(error) ? `: ${error.message}` : ""}`);
        }
      }
    }),
  );
  return integrations.map((integration) => {
    const now = integration.gateway ? fresh.get(integration.gateway.id.toLowerCase()) : undefined;
    if (now === undefined) return integration;
    if (now === "missing") return { ...integration, gateway: undefined, gateways: [], missing: "gateway" };
    // Unread: the findings say it could not be checked, never that it is up.
    if (now === "unread") return { ...integration, gateway: undefined, gateways: [] };
    return { ...integration, gateway: now, gateways: integration.gateways.map((g) => (g.id.toLowerCase() === now.id.toLowerCase() ? now : g)) };
  });
}
