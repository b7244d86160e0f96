/**
 * Management locks of a subscription: GET /subscriptions/{id}/providers/Microsoft.Authorization/locks, every lock in
 * it whatever its scope (the subscription, a group, a resource), paged, in the shape of the spec's example
 * (azure-rest-api-specs, Microsoft.Authorization/locks/stable/2020-05-01/examples/ManagementLocks_ListAtSubscriptionLevel.json).
 */
import { page, type Route, type RouteContext } from "../http.ts";

function listLocks(ctx: RouteContext): ReturnType<typeof page> {
  const prefix = `/subscriptions/${ctx.params["subscription"]!}/`.toLowerCase();
  const locks = ctx.state.locks.filter((lock) => `${lock.scope}/`.toLowerCase().startsWith(prefix));
  return page(
    ctx,
    locks.map((lock) => ({ properties: { level: lock.level }, id: `${lock.scope}/providers/Microsoft.Authorization/locks/${lock.name}`, type: "Microsoft.Authorization/locks", name: lock.name })),
  );
}

export const lockRoutes: Route[] = [
  { method: "GET", pattern: /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Authorization\/locks\/?$/i, names: ["subscription"], handle: listLocks },
];
