/** The scheduled certificate check: scan, decide what is new, claim it, post one digest, confirm what was said. */
import { describeFailure } from "../failure.ts";
import { buildInventory, type Inventory } from "../inventory.ts";
import type { AlertState } from "../ports.ts";
import { loadStates, type AlertDeps } from "./alert-deps.ts";
import { ALERT_PREFIX, digestKey } from "./alert-keys.ts";
import { claimAnnouncement, confirmAnnouncement, releaseAnnouncement, runClock, viewOf, type ClaimedAnnouncement } from "./announcement.ts";
import { certificateDigest } from "./certificate-digest.ts";
import { certificateFindings, evaluateCertificates } from "./certificate-alerts.ts";
import { evaluateIdleGateways, IDLE_GATEWAY_PREFIX } from "./idle-gateways.ts";
import { evaluateRootCapacity, ROOT_CAPACITY_PREFIX } from "./root-capacity.ts";
import { closeMigrationsOfDeletedApps } from "../migration/closed-migrations.ts";
import { createMigrationRecords } from "../migration/migration-records.ts";
import { inSubscriptions, migrationProgress } from "../migration/countdown.ts";
import { reportScanHealth, type ScanOutcome } from "./scan-health.ts";

/** What one run did, for the log and the tests. */
export interface CertificateCheckResult {
  integrations: number;
  announced: number;
  renewed: number;
  digestPosted: boolean;
}

const WHAT = "certificate scan";

/**
 * Runs the certificate check at `now`. Each certificate the digest announces is claimed first (one conditional write
 * each), so that two runs reading the same state never announce a threshold twice; a digest that cannot be posted
 * releases its claims, and the next run posts it. A scan that fails is told to the channel once, then rethrown.
 */
export async function runCertificateCheck(deps: AlertDeps, now: Date): Promise<CertificateCheckResult> {
  const warningMonths = deps.certificateWarningMonths ?? 6;
  const current = runClock(now);
  let inventory: Inventory | undefined;
  let outcome: ScanOutcome;
  try {
    inventory = await buildInventory(deps.reader, deps.subscriptions, { concurrency: deps.concurrency ?? 4 });
    outcome = { ok: true, seen: inventory.integrations.length, failures: inventory.failures.map((f) => f.message) };
  } catch (error) {
    outcome = { ok: false, error, failure: describeFailure(error, deps.logger, WHAT) };
  }
  const health = await reportScanHealth(deps, { what: WHAT, job: "certificates", outcome, now: current() });
  if (!outcome.ok || !inventory) throw outcome.ok ? new Error("the certificate scan produced no inventory") : outcome.error;

  // Read before the certificates: a run that claimed the digest since then has announced (or is announcing) them.
  const digest = await deps.store.get(digestKey("certificates"));
  const stored = await loadStates(deps.store, ALERT_PREFIX.certificate);
  // Certificates another run is announcing right now are theirs this time.
  const viewedAt = current();
  const busy = new Set([...stored].filter(([, state]) => viewOf(state, viewedAt).busy).map(([key]) => key));
  const views = new Map<string, AlertState>();
  for (const [key, state] of stored) {
    const view = viewOf(state, viewedAt);
    if (!view.busy && view.state) views.set(key, view.state);
  }
  const findings = certificateFindings(inventory.integrations).filter((finding) => !busy.has(finding.key));
  const evaluation = evaluateCertificates(findings, views, { now, warningMonths, scanComplete: health.complete });

  // Gateways filling up with root certificates ride in the same digest, claimed with it.
  const storedRoots = await loadStates(deps.store, ROOT_CAPACITY_PREFIX);
  const roots = evaluateRootCapacity(inventory.integrations, storedRoots, { now, scanComplete: health.complete });
  const rootWrites = new Map(roots.writes);
  // The migration records (in the same store) feed the countdown; the gateways vnetbot's migrations left without any
  // gateway-required integration ride in the digest too, claimed with it.
  const migrations = createMigrationRecords(deps.store, { now: () => now });
  // A record mid-way whose app is gone would hold the countdown and the idle gateway forever; a partial scan closes
  // nothing, as it decides nothing else.
  const closing = health.complete ? await closeMigrationsOfDeletedApps({ reader: deps.reader, migrations, audit: deps.audit }, { subscriptions: deps.subscriptions, now }) : { failures: [] };
  // Said in the digest when there is one; logged either way, as the record stays mid-way until a read answers.
  if (closing.failures.length > 0) deps.logger.warn("could not tell whether apps mid-way through a migration still exist", { failures: closing.failures });
  const records = await migrations.list();
  const storedIdle = await loadStates(deps.store, IDLE_GATEWAY_PREFIX);
  const idle = await evaluateIdleGateways(deps.reader, records, inventory.integrations, storedIdle, { now, scanComplete: health.complete, subscriptions: deps.subscriptions });

  const newsKeys = new Set([...evaluation.announcements, ...evaluation.renewals, ...roots.announcements, ...idle.announcements].map((entry) => entry.key));
  // The digest is claimed whole, then each certificate in it: two runs never split one digest between them.
  const digestClaim = newsKeys.size > 0 ? await claimAnnouncement(deps.store, digestKey("certificates"), digest, { announced: [], snoozedUntil: undefined, lastResult: undefined, updatedAt: now }, current()) : undefined;
  const claims = new Map<string, ClaimedAnnouncement>();
  for (const key of digestClaim ? newsKeys : []) {
    const claimed = await claimAnnouncement(deps.store, key, stored.get(key) ?? storedRoots.get(key) ?? storedIdle.get(key), evaluation.writes.get(key) ?? rootWrites.get(key) ?? idle.writes.get(key)!, current());
    if (claimed) claims.set(key, claimed);
  }
  const announcements = evaluation.announcements.filter((entry) => claims.has(entry.key));
  const renewals = evaluation.renewals.filter((entry) => claims.has(entry.key));
  const fillingGateways = roots.announcements.filter((entry) => claims.has(entry.key));
  const idleGateways = idle.announcements.filter((entry) => claims.has(entry.key));
  const hasNews = announcements.length > 0 || renewals.length > 0 || fillingGateways.length > 0 || idleGateways.length > 0;
  if (hasNews) {
    const digest = certificateDigest({
      entries: announcements,
      renewals,
      alreadyAnnounced: evaluation.alreadyAnnounced.length,
      progress: migrationProgress(records, inventory, inSubscriptions(deps.subscriptions)),
      warningMonths,
      now,
      failures: [...inventory.failures.map((f) => f.message), ...idle.failures, ...closing.failures],
      withButtons: true,
      fillingGateways,
      idleGateways,
    });
    try {
      await deps.chat.post(deps.channel, digest);
    } catch (error) {
      for (const claimed of [...claims.values(), ...(digestClaim ? [digestClaim] : [])]) await releaseAnnouncement(deps.store, claimed);
      throw error;
    }
  }
  for (const claimed of [...claims.values(), ...(digestClaim ? [digestClaim] : [])]) await confirmAnnouncement(deps.store, claimed);
  // What is no news is stored conditionally too: it never overwrites another run's claim. A lost race is harmless.
  for (const [key, state] of evaluation.writes) if (!newsKeys.has(key)) await deps.store.swap(key, stored.get(key), state);
  // Certificates no longer seen (removed integrations) are forgotten after a complete scan. Not evaluation.deletes: a
  // certificate whose first announcement lapsed has no state to evaluate but a row to remove, and one another run is
  // announcing is theirs to finish.
  if (health.complete) {
    const seen = new Set(findings.map((finding) => finding.key));
    for (const [key, state] of stored) if (!seen.has(key) && !busy.has(key)) await deps.store.swap(key, state, undefined);
  }
  for (const key of roots.deletes) await deps.store.swap(key, storedRoots.get(key), undefined);
  for (const key of idle.deletes) await deps.store.swap(key, storedIdle.get(key), undefined);
  return { integrations: inventory.integrations.length, announced: announcements.length, renewed: renewals.length, digestPosted: hasNews };
}
