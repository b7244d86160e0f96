/** Microsoft.Web site routes, which ARM serves for an app and for each of its slots alike. */
import { route, type Route } from "../http.ts";

/** A site: sites/{site}; a slot adds /slots/{slot}. */
export const SITE = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Web/sites/{site}";

/** The same route for an app and for its slots (sites/{site}/slots/{slot}/…), as ARM has both. */
export function siteRoute(method: string, suffix: string, handle: Route["handle"]): Route[] {
  return [route(method, `${SITE}${suffix}`, handle), route(method, `${SITE}/slots/{slot}${suffix}`, handle)];
}
