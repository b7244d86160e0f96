/** The half of the checklist that needs no target: eligibility, the P2S pool, the gateway, sync state, the certificate. */
import { isPrivatePrefix } from "../address-range.ts";
import type { ChangeRequest } from "../changes/types.ts";
import { checkGatewayExists, checkPlan, checkSameSubscription, checkVnetGateways, type EligibilityRule } from "../eligibility.ts";
import { MAX_ROOT_CERTIFICATES, rootCertificatesLine } from "../changes/root-certificates.ts";
import { isCertOnGateway } from "../inventory.ts";
import { check, type DiagnosisCheck } from "./diagnosis.ts";
import type { IntegrationFacts } from "./integration-facts.ts";

/** Warn this long before the certificate expires (the portal warns from six months before expiry). */
export const EXPIRY_WARNING_MONTHS = 6;

// These rules have checks of their own below, with evidence and fixes that fit a diagnosis better.
const OWN_CHECKS = new Set<EligibilityRule>(["gateway-exists", "gateway-provisioned", "p2s-pool-private"]);

/** Every check about the integration itself, in checklist order. */
export function checkIntegration(facts: IntegrationFacts, now: Date): DiagnosisCheck[] {
  const checks = [checkEligibility(facts), checkGatewayUp(facts)];
  if (facts.gateway) checks.push(checkPool(facts));
  checks.push(...checkSync(facts), checkExpiry(facts, now));
  return checks;
}

function checkEligibility(facts: IntegrationFacts): DiagnosisCheck {
  const { plan, vnet, gateway } = facts;
  const title = "The integration is still supported";
  const problems = [...checkPlan(plan), ...checkVnetGateways(vnet.name, facts.gateways)].filter((p) => !OWN_CHECKS.has(p.rule));
  if (problems.length > 0) {
    return check("eligibility", "fail", title, problems.map((p) => p.message).join(" "), { fix: [...new Set(problems.map((p) => p.fix))].join(" ") });
  }
  const gatewayText = gateway ? `; gateway ${gateway.name} is ${gateway.vpnType} ${gateway.gatewayType} (${gateway.skuName}) with ${gateway.protocols.join(", ")}` : "";
  return check("eligibility", "pass", title, `Plan ${plan.name} is Windows, ${plan.tier} (${plan.skuName})${gatewayText}; no ExpressRoute gateway.`);
}

function checkGatewayUp(facts: IntegrationFacts): DiagnosisCheck {
  const { gateway, gatewayHealth, vnet } = facts;
  const title = "The VNet's gateway is up";
  if (!gateway) {
    // A new gateway would need SSTP, which can no longer be enabled (azure-fidelity: ikev2-openvpn-from-sstp.md).
    const [missing] = checkGatewayExists(vnet.name, facts.gateways);
    return check("gateway-up", "fail", title, `VNet ${vnet.name} has no VPN gateway.`, { fix: `${missing?.fix ?? ""} \`/vnet migrate ${facts.app.name}\` previews the move.`.trim(), blocksChanges: true });
  }
  const state = `provisioning ${gateway.provisioningState}, Resource Health ${gatewayHealth}`;
  if (gateway.provisioningState === "Failed" || gatewayHealth === "Unavailable") {
    return check("gateway-up", "fail", title, `Gateway ${gateway.name} is down (${state}).`, {
      fix: `Bring ${gateway.name} back up: reset it from the portal, or repair the failed update (re-apply its configuration).`,
      blocksChanges: true,
    });
  }
  if (["Updating", "Creating", "Deleting"].includes(gateway.provisioningState)) {
    return check("gateway-up", "warn", title, `Gateway ${gateway.name} is busy (${state}).`, { fix: "Wait for the gateway's update to finish, then diagnose again.", blocksChanges: true });
  }
  if (gatewayHealth !== "Available") {
    return check("gateway-up", "warn", title, `Gateway ${gateway.name} is not known to be healthy (${state}).`, { fix: "Look at the gateway's Resource Health in the portal." });
  }
  return check("gateway-up", "pass", title, `Gateway ${gateway.name} is up (${state}).`);
}

function checkPool(facts: IntegrationFacts): DiagnosisCheck {
  const pool = facts.gateway?.addressPool ?? [];
  const title = "The point-to-site pool is private (RFC 1918)";
  const outside = pool.filter((prefix) => !isPrivatePrefix(prefix));
  if (pool.length > 0 && outside.length === 0) return check("p2s-pool", "pass", title, `The pool is ${pool.join(", ")}.`);
  const evidence = pool.length === 0 ? "The gateway has no point-to-site pool." : `${outside.join(", ")} is outside 10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16.`;
  return check("p2s-pool", "fail", title, evidence, { fix: `Set the gateway's point-to-site pool to a range inside RFC 1918, then sync network.` });
}

/** The fix that re-pushes certificate, DNS and routes; across subscriptions only a reconnect does it. */
function syncFix(facts: IntegrationFacts): { fix: string; change: ChangeRequest } {
  const { app, plan, vnet } = facts;
  const crossSubscription = checkSameSubscription(plan, vnet)[0];
  if (crossSubscription) return { fix: crossSubscription.fix, change: { kind: "renew", appId: app.id, vnetName: vnet.name } };
  return { fix: `Sync network for plan ${plan.name} and ${vnet.name} (a brief outage for its apps).`, change: { kind: "sync", planId: plan.id, vnetName: vnet.name } };
}

function checkSync(facts: IntegrationFacts): DiagnosisCheck[] {
  const { connection, gateway, vnet } = facts;
  const checks: DiagnosisCheck[] = [];
  const certTitle = "The app's certificate is a root certificate on the gateway";
  const thumb = connection.certThumbprint ? ` (${connection.certThumbprint})` : "";
  if (!connection.certBlob) {
    checks.push(check("certificate-on-gateway", "warn", certTitle, "Azure returned no certificate for the connection.", syncFix(facts)));
  } else if (gateway && !isCertOnGateway(connection.certBlob, gateway)) {
    const full = gateway.rootCertificates.length >= MAX_ROOT_CERTIFICATES ? ` It already holds ${rootCertificatesLine(gateway)}, so a sync cannot add it until one is removed.` : "";
    checks.push(check("certificate-on-gateway", "fail", certTitle, `Gateway ${gateway.name} does not have the plan's certificate${thumb}, so the tunnel cannot authenticate.${full}`, syncFix(facts)));
  } else if (gateway) {
    checks.push(check("certificate-on-gateway", "pass", certTitle, `Gateway ${gateway.name} has the plan's certificate${thumb}; it holds ${rootCertificatesLine(gateway)}.`));
  }
  const dnsTitle = "The app uses the VNet's current DNS servers";
  const vnetDns = describeDns(vnet.dnsServers);
  const appDns = describeDns(connection.dnsServers);
  const dnsInSync = vnetDns.toLowerCase() === appDns.toLowerCase();
  // An empty list is Azure-provided DNS or Azure not saying: no capture shows a gateway-required connection with its
  // servers filled in, so an empty one beside the VNet's own servers is not taken for drift.
  const unreported = !dnsInSync && connection.dnsServers.length === 0;
  checks.push(
    dnsInSync
      ? check("dns-servers", "pass", dnsTitle, `Both use ${vnetDns}.`)
      : unreported
        ? check("dns-servers", "warn", dnsTitle, `VNet ${vnet.name} uses ${vnetDns}; Azure reports no DNS servers for the app's connection, so whether the app got them at its last sync cannot be told.`, syncFix(facts))
        : check("dns-servers", "fail", dnsTitle, `VNet ${vnet.name} uses ${vnetDns} but the app still has ${appDns} from the last sync.`, syncFix(facts)),
  );
  const explained = checks.some((c) => c.status === "fail");
  if (connection.resyncRequired && explained) {
    for (const c of checks) if (c.status === "fail") c.evidence += " Azure flags the connection as needing a resync.";
  } else if (connection.resyncRequired) {
    checks.push(check("resync", "fail", "Azure does not flag the connection for resync", "Azure flags the connection as needing a resync (the VNet changed since the last sync).", syncFix(facts)));
  } else {
    checks.push(check("resync", "pass", "Azure does not flag the connection for resync", "resyncRequired is false."));
  }
  return checks;
}

function describeDns(servers: readonly string[]): string {
  return servers.length === 0 ? "Azure-provided DNS" : servers.join(", ");
}

function checkExpiry(facts: IntegrationFacts, now: Date): DiagnosisCheck {
  const { app, connection, vnet } = facts;
  const title = "The app's certificate is valid for more than six months";
  const certificate = connection.certificate;
  if (!certificate) return check("certificate-expiry", "warn", title, "The connection's certificate could not be read.", { fix: "Run /vnet show for the app; if it persists, renew the certificate." });
  const renew: ChangeRequest = { kind: "renew", appId: app.id, vnetName: vnet.name };
  const date = certificate.notAfter.toISOString().slice(0, 10);
  const days = Math.floor((certificate.notAfter.getTime() - now.getTime()) / 86_400_000);
  const fix = `Renew the certificate (/vnet renew ${app.name}): the app disconnects and reconnects, with a brief outage.`;
  if (days < 0) return check("certificate-expiry", "fail", title, `The certificate expired on ${date}; the tunnel cannot authenticate.`, { fix, change: renew });
  const warnFrom = new Date(now);
  warnFrom.setUTCMonth(warnFrom.getUTCMonth() + EXPIRY_WARNING_MONTHS);
  if (certificate.notAfter < warnFrom) return check("certificate-expiry", "warn", title, `The certificate expires on ${date} (in ${days} days).`, { fix, change: renew });
  return check("certificate-expiry", "pass", title, `The certificate expires on ${date}.`);
}
