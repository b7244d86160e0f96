/** Shared by the read handlers: one-line descriptions of routes, certificates and connections. */
import { daysLeft } from "../src/core/alerts/certificate-stage.ts";
import { formatTime, plural } from "../src/core/format.ts";
import { gatewayCondition } from "../src/core/alerts/gateway-findings.ts";
import type { GatewayInfo, HealthState, VnetConnectionInfo } from "../src/core/model.ts";
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


/** Whether the VNet is in another subscription than the plan's, where sync network does not work (domain.md). */
function acrossSubscriptions(connection: VnetConnectionInfo, planSubscriptionId: string | undefined): boolean {
  const vnetSubscription = parseResourceId(connection.vnetId)?.subscriptionId;
  return planSubscriptionId !== undefined && vnetSubscription !== undefined && vnetSubscription.toLowerCase() !== planSubscriptionId.toLowerCase();
}

/** What mends a connection's certificate or settings: a sync, or across subscriptions, where sync does not work, a reconnect. */
function mend(connection: VnetConnectionInfo, planSubscriptionId: string | undefined): string {
  return acrossSubscriptions(connection, planSubscriptionId) ? "the VNet is in another subscription, where sync does not work: disconnect and reconnect each app" : "`/vnet sync`";
}

/** Where the plan's certificate is missing from the gateway's roots: the tunnel cannot authenticate. */
export function notOnGatewayFlag(connection: VnetConnectionInfo, planSubscriptionId: string | undefined): string {
  return `:warning: certificate not on the gateway (${mend(connection, planSubscriptionId)})`;
}

/** Flags worth a glance: resync required, the certificate missing from the gateway (when known), custom DNS. */
export function connectionFlags(connection: VnetConnectionInfo, options: { certOnGateway?: boolean | undefined; planSubscriptionId?: string; dnsShown?: boolean } = {}): string {
  const flags = [
    connection.resyncRequired ? `:warning: resync required (${mend(connection, options.planSubscriptionId)})` : "",
    options.certOnGateway === false ? notOnGatewayFlag(connection, options.planSubscriptionId) : "",
    connection.dnsServers.length > 0 && !options.dnsShown ? `DNS ${connection.dnsServers.join(", ")}` : "",
  ];
  return flags.filter(Boolean).join(" · ");
}

/**
 * " · :red_circle: gateway down (…)" for a gateway that is down or busy, as /vnet gateways and the alerts judge it;
 * nothing when it is up, or when its provisioning state is Succeeded and its Resource Health could not be read.
 */
export function gatewayStateFlag(gateway: GatewayInfo, health: HealthState | undefined): string {
  const { condition, reasons } = gatewayCondition(gateway, health);
  if (condition === "down") return ` · :red_circle: gateway down (${reasons.join(", ")}; \`/vnet gateways\`)`;
  if (condition === "busy") return ` · :large_blue_circle: gateway busy (${reasons.join(", ")})`;
  return "";
}
