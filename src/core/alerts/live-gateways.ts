/**
 * The VPN gateways of the kept inventory's integrations, read again now. The gateway check runs every few minutes; a
 * full scan each time would cost every plan's connection list and every connected app's reads, which for a thousand
 * plans is more than ARM's 25 reads a second refill allows (azure-docs
 * articles/azure-resource-manager/management/request-limits-and-throttling.md). What goes down quickly is the gateway,
 * so it is read live (its provisioning state; Resource Health is read by the findings); which plans use which VNet
 * changes only through changes, which refresh the kept inventory, and its scheduled refresh.
 */
import { isBotError } from "../../errors.ts";
import type { GatewayReading } from "../gateway-readings.ts";
import { readGateways } from "../changes/common.ts";
import { findVpnGateway } from "../eligibility.ts";
import type { Integration } from "../inventory.ts";
import type { GatewayInfo } from "../model.ts";
import { createLimiter } from "../limiter.ts";
import type { AzureReader } from "../ports.ts";

/**
 * Each gateway the integrations use, by lower-case id, as Azure has it now: "missing" when gone, "unread" when it
 * could not be read. And, by lower-case VNet id, the VPN gateway of each VNet the integrations hold without one (the
 * inventory saw it gone): one made again since is found at the next check, not at the next inventory refresh.
 */
export async function readLiveGateways(reader: AzureReader, integrations: readonly Integration[], options: { concurrency?: number; failures?: string[] } = {}): Promise<{ gateways: Record<string, GatewayReading | "unread">; vnets: Record<string, GatewayInfo> }> {
  const limit = createLimiter(options.concurrency ?? 4);
  const vnets: Record<string, GatewayInfo> = {};
  const gatewayless = [...new Map(integrations.filter((i) => !i.gateway && !i.classic && i.missing !== "vnet").map((i) => [i.vnetId.toLowerCase(), i] as const)).values()];
  const found = gatewayless.map(async (integration) => {
    try {
      const gateway = findVpnGateway(await readGateways(reader, await limit(() => reader.getVnet(integration.vnetId))));
      if (gateway) vnets[integration.vnetId.toLowerCase()] = gateway;
    } catch (error) {
      // The finding still says it is down, as it did; the read that could not look is said too.
      options.failures?.push(`VNet ${integration.vnetName} could not be read again for a gateway made since${isBotError(error) ? `: ${error.message}` : ""}`);
    }
  });
  const gateways = [...new Map(integrations.flatMap((i) => (i.gateway ? [[i.gateway.id.toLowerCase(), i.gateway] as const] : []))).values()];
  const fresh: Record<string, GatewayReading | "unread"> = {};
  await Promise.all([
    ...found,
    ...gateways.map(async (gateway) => {
      const key = gateway.id.toLowerCase();
      try {
        fresh[key] = await limit(() => reader.getGateway(gateway.id));
      } catch (error) {
        if (isBotError(error) && error.kind === "not-found") fresh[key] = "missing";
        else {
          fresh[key] = "unread";
          options.failures?.push(`gateway ${gateway.name} could not be read${isBotError(error) ? `: ${error.message}` : ""}`);
        }
      }
    }),
  ]);
  return { gateways: fresh, vnets };
}
