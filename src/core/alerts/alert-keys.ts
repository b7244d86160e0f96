/** Keys of alert state in the store and the short ids users see in messages and type in /vnet snooze. */
import { createHash } from "node:crypto";

/** Key prefixes: one alert per certificate, per gateway (keyed by its VNet), per resync flag, per scan. */
export const ALERT_PREFIX = { certificate: "cert:", gateway: "gateway:", resync: "resync:", scan: "scan:" } as const;

/** The key of a (plan, VNet) integration's certificate alert. */
export function certificateKey(planId: string, vnetName: string): string {
  return `${ALERT_PREFIX.certificate}${planId.toLowerCase()}|${vnetName.toLowerCase()}`;
}

/** The key of the gateway alert of a VNet: a VNet has one VPN gateway, and a missing one has no id of its own. */
export function gatewayKey(vnetId: string): string {
  return `${ALERT_PREFIX.gateway}${vnetId.toLowerCase()}`;
}

/** The key of a (plan, VNet) integration's resync-needed alert. */
export function resyncKey(planId: string, vnetName: string): string {
  return `${ALERT_PREFIX.resync}${planId.toLowerCase()}|${vnetName.toLowerCase()}`;
}

/** The key of a job's own health (failed or empty scans). */
export function scanKey(job: string): string {
  return `${ALERT_PREFIX.scan}${job}`;
}

/** The key of a job's digest (one message for many alerts): claimed whole, so that two runs never split it. */
export function digestKey(job: string): string {
  return `digest:${job}`;
}

/** A short, stable id for an alert key (6 hex characters), safe to put in a button value. */
export function alertIdOf(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 6);
}
