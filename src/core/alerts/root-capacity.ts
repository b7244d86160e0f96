/**
 * Gateways whose root certificates are running out: a VPN gateway takes at most 20, and every plan that connects to
 * it brings one. The certificate digest says it once per gateway when it reaches the warning level, and again if it
 * drops below and fills up later.
 */
import { MAX_ROOT_CERTIFICATES, ROOT_CERTIFICATES_WARNING } from "../changes/root-certificates.ts";
import type { Integration } from "../inventory.ts";
import type { AlertState } from "../ports.ts";

const PREFIX = "roots:";

/** A gateway at or above the warning level. */
export interface FillingGateway {
  key: string;
  name: string;
  count: number;
}

/** What this scan says about gateways filling up, and what the store keeps. */
export interface RootCapacityEvaluation {
  /** Gateways to name in this digest: newly at the warning level. */
  announcements: FillingGateway[];
  writes: Array<[string, AlertState]>;
  deletes: string[];
}

/** The key prefix these alerts are kept under. */
export const ROOT_CAPACITY_PREFIX = PREFIX;

/** Compares the gateways the integrations use with what was announced before; a partial scan deletes nothing. */
export function evaluateRootCapacity(integrations: readonly Integration[], stored: ReadonlyMap<string, AlertState>, options: { now: Date; scanComplete: boolean }): RootCapacityEvaluation {
  const gateways = new Map(integrations.flatMap((i) => (i.gateway ? [[`${PREFIX}${i.gateway.id.toLowerCase()}`, i.gateway] as const] : [])));
  const filling = [...gateways].filter(([, g]) => g.rootCertificates.length >= ROOT_CERTIFICATES_WARNING).map(([key, g]) => ({ key, name: g.name, count: g.rootCertificates.length }));
  const announcements = filling.filter((g) => !stored.has(g.key));
  const writes = announcements.map((g): [string, AlertState] => [g.key, { announced: [`${ROOT_CERTIFICATES_WARNING}`], snoozedUntil: undefined, lastResult: JSON.stringify({ count: g.count }), updatedAt: options.now }]);
  const deletes = options.scanComplete ? [...stored.keys()].filter((key) => !filling.some((g) => g.key === key)) : [];
  return { announcements, writes, deletes };
}

/** The digest's lines about them. */
export function rootCapacityLines(gateways: readonly FillingGateway[]): string[] {
  return gateways.map((g) =>
    g.count >= MAX_ROOT_CERTIFICATES
      ? `• *${g.name}* holds ${g.count} of ${MAX_ROOT_CERTIFICATES} root certificates: no plan can connect to it with a new certificate until one is removed.`
      : `• *${g.name}* holds ${g.count} of ${MAX_ROOT_CERTIFICATES} root certificates: ${MAX_ROOT_CERTIFICATES - g.count} more plan${MAX_ROOT_CERTIFICATES - g.count === 1 ? "" : "s"} can connect before it is full.`,
  );
}
