/** Shared by the read handlers: one-line descriptions of routes, certificates and connections. */
import { daysLeft } from "../src/core/alerts/certificate-stage.ts";
import { formatTime, plural } from "../src/core/format.ts";
import type { VnetConnectionInfo } from "../src/core/model.ts";
import { parseResourceId } from "../src/core/resource-id.ts";
import { describeRoute } from "../src/core/address-range.ts";

/** "route-10-0-0-0-16 (10.0.0.0/16, STATIC)" per route, or "none". */
export function routeLines(connection: VnetConnectionInfo): string[] {
  return connection.routes.length === 0 ? ["none"] : connection.routes.map((r) => `\`${r.name}\` (${describeRoute(r)})`);
}

/** Certificates expiring within this many days are marked: the scheduled alerts' default six-month window. */
export const SOON_DAYS = 182;

/** When the integration's certificate expires, in days from now; an expired or soon-expiring one is marked. */
export function certificateLine(connection: VnetConnectionInfo, now: Date): string {
  const cert = connection.certificate;
  if (!cert) return "unknown";
  const days = daysLeft(cert.notAfter, now);
  if (cert.notAfter.getTime() < now.getTime()) return `:x: expired ${formatTime(cert.notAfter)} (${days === 0 ? "today" : `${plural(-days, "day")} ago`})`;
  const line = `expires ${formatTime(cert.notAfter)} (in ${plural(days, "day")})`;
  return days <= SOON_DAYS ? `:warning: ${line}` : line;
}


/** Where the plan's certificate is missing from the gateway's roots, as /vnet list marks it: the tunnel cannot authenticate. */
export const NOT_ON_GATEWAY = ":warning: certificate not on the gateway (`/vnet sync`)";

/**
 * Flags worth a glance: resync required, the certificate missing from the gateway (when known), custom DNS. The
 * resync's fix is a sync, except for a VNet in another subscription than the plan's, where sync does not work.
 */
export function connectionFlags(connection: VnetConnectionInfo, options: { certOnGateway?: boolean | undefined; planSubscriptionId?: string } = {}): string {
  const vnetSubscription = parseResourceId(connection.vnetId)?.subscriptionId;
  const crossSubscription = options.planSubscriptionId !== undefined && vnetSubscription !== undefined && vnetSubscription.toLowerCase() !== options.planSubscriptionId.toLowerCase();
  const resync = crossSubscription ? ":warning: resync required (the VNet is in another subscription, where sync does not work: disconnect and reconnect each app)" : ":warning: resync required (`/vnet sync`)";
  const flags = [
    connection.resyncRequired ? resync : "",
    options.certOnGateway === false ? NOT_ON_GATEWAY : "",
    connection.dnsServers.length > 0 ? `DNS ${connection.dnsServers.join(", ")}` : "",
  ];
  return flags.filter(Boolean).join(" · ");
}
