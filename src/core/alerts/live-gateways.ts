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
import type { Integration } from "../inventory.ts";
import { createLimiter } from "../limiter.ts";
import type { AzureReader } from "../ports.ts";

/** Each gateway the integrations use, by lower-case id, as Azure has it now: "missing" when gone, "unread" when it could not be read. */
export async function readLiveGateways(reader: AzureReader, integrations: readonly Integration[], options: { concurrency?: number; failures?: string[] } = {}): Promise<Record<string, GatewayReading | "unread">> {
  const limit = createLimiter(options.concurrency ?? 4);
  const gateways = [...new Map(integrations.flatMap((i) => (i.gateway ? [[i.gateway.id.toLowerCase(), i.gateway] as const] : []))).values()];
  const fresh: Record<string, GatewayReading | "unread"> = {};
  await Promise.all(
    gateways.map(async (gateway) => {
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
  );
  return fresh;
}
