/** Kudu's command API: POST /kudu/{app}/api/command. */
import type { Route } from "../http.ts";
export const kuduRoutes: Route[] = [];
