import type { HealthState } from "../core/model.ts";
import type { AzureClients } from "./clients.ts";

const API_VERSION = "2025-04-01";
const STATES: readonly HealthState[] = ["Available", "Unavailable", "Degraded", "Unknown"];

/** Resource Health's current availability of a resource; anything Resource Health does not say is "Unknown". */
export async function fetchAvailability(clients: AzureClients, resourceId: string, signal?: AbortSignal): Promise<HealthState> {
  const response = await (await clients.arm())
    .pathUnchecked(`${resourceId}/providers/Microsoft.ResourceHealth/availabilityStatuses/current`)
    .get({ queryParameters: { "api-version": API_VERSION }, ...(signal ? { abortSignal: signal } : {}) });
  if (response.status === "404") return "Unknown";
  // Loaded already: clients.arm() above loaded the same module.
  if (response.status !== "200") throw (await import("@azure-rest/core-client")).createRestError(response);
  const state = (response.body as { properties?: { availabilityState?: string } } | undefined)?.properties?.availabilityState;
  return STATES.find((s) => s === state) ?? "Unknown";
}
