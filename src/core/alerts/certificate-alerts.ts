/** Which certificates to announce on this scan: each threshold once, renewals once, state for the next scan. */
import type { Integration } from "../inventory.ts";
import type { AlertState } from "../ports.ts";
import { alertIdOf, certificateKey } from "./alert-keys.ts";
import { certificateStage, daysLeft, stagesThrough, urgencyOf, type CertificateStage, type UrgencyGroup } from "./certificate-stage.ts";

/** One integration's client certificate as a scan saw it. */
export interface CertificateFinding {
  key: string;
  alertId: string;
  planId: string;
  planName: string;
  vnetName: string;
  apps: string[];
  /** The app a Renew click renews (the first, by name): the change kind renews one app's connection. */
  renewAppId: string | undefined;
  thumbprint: string;
  notAfter: Date;
}

/** A certificate to put in the digest. */
export interface CertificateAnnouncement extends CertificateFinding {
  stage: CertificateStage;
  daysLeft: number;
  group: UrgencyGroup;
}

/** A certificate whose thumbprint changed after it was announced. */
export interface CertificateRenewal extends CertificateFinding {
  previousNotAfter: Date;
}

/** What the scan decided. */
export interface CertificateEvaluation {
  announcements: CertificateAnnouncement[];
  renewals: CertificateRenewal[];
  /** Certificates still in the window whose stage was already announced. */
  alreadyAnnounced: CertificateAnnouncement[];
  /** State to store per key. */
  writes: Map<string, AlertState>;
  /** Keys of certificates no longer seen (removed integrations); only when the scan was complete. */
  deletes: string[];
}

/** What the store keeps about a certificate between scans (AlertState.lastResult). */
export interface StoredCertificate {
  thumbprint: string;
  notAfter: string;
  planName: string;
  vnetName: string;
  apps: string[];
  renewAppId: string | undefined;
}

/** The certificates of the integrations; those without one (never connected fully) are diagnose's business. */
export function certificateFindings(integrations: readonly Integration[]): CertificateFinding[] {
  return integrations.flatMap((integration) => {
    const certificate = integration.connection.certificate;
    if (!certificate) return [];
    const apps = [...integration.apps].sort((a, b) => a.name.localeCompare(b.name));
    const key = certificateKey(integration.plan.id, integration.vnetName);
    return [
      {
        key,
        alertId: alertIdOf(key),
        planId: integration.plan.id,
        planName: integration.plan.name,
        vnetName: integration.vnetName,
        apps: apps.map((a) => a.name),
        renewAppId: apps[0]?.id,
        thumbprint: certificate.thumbprint,
        notAfter: certificate.notAfter,
      },
    ];
  });
}

/** Parses a stored certificate; undefined when the text is missing or not ours. */
export function readStoredCertificate(state: AlertState | undefined): StoredCertificate | undefined {
  if (!state?.lastResult) return undefined;
  try {
    const parsed = JSON.parse(state.lastResult) as Partial<StoredCertificate>;
    return typeof parsed.thumbprint === "string" && typeof parsed.notAfter === "string" ? (parsed as StoredCertificate) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Compares this scan with the stored state. A stage is announced when the certificate first reaches it; a
 * certificate first seen deep inside the window is announced once at its current stage, not at every stage it
 * skipped. A new thumbprint with a later expiry on an announced certificate is a renewal, and its stages start afresh.
 */
export function evaluateCertificates(
  findings: readonly CertificateFinding[],
  states: ReadonlyMap<string, AlertState>,
  options: { now: Date; warningMonths: number; scanComplete: boolean },
): CertificateEvaluation {
  const { now, warningMonths } = options;
  const result: CertificateEvaluation = { announcements: [], renewals: [], alreadyAnnounced: [], writes: new Map(), deletes: [] };
  for (const finding of findings) {
    const previous = states.get(finding.key);
    const stored = readStoredCertificate(previous);
    // A renewal is a new certificate that lives longer: one that only has another thumbprint (issued again with the
    // same or an earlier expiry) leaves the announced stages as they were, rather than be called "renewed".
    const replaced =
      stored !== undefined && stored.thumbprint.toUpperCase() !== finding.thumbprint.toUpperCase() && finding.notAfter.getTime() > new Date(stored.notAfter).getTime();
    if (replaced && (previous?.announced.length ?? 0) > 0) {
      result.renewals.push({ ...finding, previousNotAfter: new Date(stored.notAfter) });
    }
    let announced = replaced ? [] : (previous?.announced ?? []);
    const stage = certificateStage(finding.notAfter, now, warningMonths);
    if (stage !== undefined) {
      const entry = { ...finding, stage, daysLeft: daysLeft(finding.notAfter, now), group: urgencyOf(finding.notAfter, now) };
      if (announced.includes(stage)) {
        result.alreadyAnnounced.push(entry);
      } else {
        result.announcements.push(entry);
        announced = stagesThrough(stage, warningMonths);
      }
    } else {
      announced = [];
    }
    result.writes.set(finding.key, { announced, snoozedUntil: undefined, lastResult: JSON.stringify(toStored(finding)), updatedAt: now });
  }
  if (options.scanComplete) {
    const seen = new Set(findings.map((f) => f.key));
    result.deletes = [...states.keys()].filter((key) => !seen.has(key));
  }
  return result;
}

function toStored(finding: CertificateFinding): StoredCertificate {
  return {
    thumbprint: finding.thumbprint,
    notAfter: finding.notAfter.toISOString(),
    planName: finding.planName,
    vnetName: finding.vnetName,
    apps: finding.apps,
    renewAppId: finding.renewAppId,
  };
}
