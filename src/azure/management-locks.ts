/**
 * Management locks of a subscription: Microsoft.Authorization's "Gets all the management locks for a subscription"
 * (ManagementLocks_ListAtSubscriptionLevel, api-version 2020-05-01 in azure-rest-api-specs), every lock whatever its
 * scope, paged by nextLink. There is no locks SDK among the bot's packages, so this is a REST call on the ARM client,
 * as Resource Health is.
 */
import type { ManagementLock } from "../core/model.ts";
import type { AzureClients } from "./clients.ts";

const API_VERSION = "2020-05-01";
const LOCK_SUFFIX = /\/providers\/Microsoft\.Authorization\/locks\/[^/]+$/i;

interface LockPage {
  value?: Array<{ id?: string; name?: string; properties?: { level?: string } }>;
  nextLink?: string;
}

export async function fetchLocks(clients: AzureClients, subscriptionId: string, signal?: AbortSignal): Promise<ManagementLock[]> {
  const client = await clients.arm();
  const locks: ManagementLock[] = [];
  let next: string | undefined = `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/locks`;
  let first = true;
  while (next) {
    // The first page takes the api-version; a nextLink carries its own query, api-version included.
    const response = await client.pathUnchecked(next).get({ ...(first ? { queryParameters: { "api-version": API_VERSION } } : {}), ...(signal ? { abortSignal: signal } : {}) });
    if (response.status !== "200") throw (await import("@azure-rest/core-client")).createRestError(response);
    const body = response.body as LockPage | undefined;
    for (const item of body?.value ?? []) {
      const level = item.properties?.level;
      // A lock of a level this bot does not know (or none) cannot be reasoned about: it is left out, not guessed.
      if (!item.id || (level !== "ReadOnly" && level !== "CanNotDelete")) continue;
      locks.push({ name: item.name ?? item.id.split("/").pop()!, level, scope: item.id.replace(LOCK_SUFFIX, "") });
    }
    next = body?.nextLink;
    first = false;
  }
  return locks;
}
