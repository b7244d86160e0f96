/** Shared by the read handlers: one-line descriptions of routes, certificates and connections. */
import { formatTime } from "../src/core/approvals/approval-message.ts";
import type { VnetConnectionInfo } from "../src/core/model.ts";
import { describeRoute } from "../src/core/changes/route-add.ts";

/** "route-10-0-0-0-16 (10.0.0.0/16, STATIC)" per route, or "none". */
export function routeLines(connection: VnetConnectionInfo): string[] {
  return connection.routes.length === 0 ? ["none"] : connection.routes.map((r) => `\`${r.name}\` (${describeRoute(r)})`);
}

/** When the integration's certificate expires, in days from now. */
export function certificateLine(connection: VnetConnectionInfo, now: Date): string {
  const cert = connection.certificate;
  if (!cert) return "unknown";
  const days = Math.floor((cert.notAfter.getTime() - now.getTime()) / 86_400_000);
  return `expires ${formatTime(cert.notAfter)} (${days < 0 ? `${-days} days ago` : `in ${days} days`})`;
}

/** Flags worth a glance: resync required, custom DNS. */
export function connectionFlags(connection: VnetConnectionInfo): string {
  const flags = [connection.resyncRequired ? ":warning: resync required (`/vnet sync`)" : "", connection.dnsServers.length > 0 ? `DNS ${connection.dnsServers.join(", ")}` : ""];
  return flags.filter(Boolean).join(" · ");
}
