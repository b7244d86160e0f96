/** The scheduled certificate check: scan, decide what is new, post one digest, remember what was said. */
import { describeFailure } from "../failure.ts";
import { buildInventory, type Inventory } from "../inventory.ts";
import { loadStates, type AlertDeps } from "./alert-deps.ts";
import { ALERT_PREFIX, scanKey } from "./alert-keys.ts";
import { certificateDigest } from "./certificate-digest.ts";
import { certificateFindings, evaluateCertificates } from "./certificate-alerts.ts";
import { evaluateRootCapacity, ROOT_CAPACITY_PREFIX } from "./root-capacity.ts";
import { evaluateScanHealth, type ScanOutcome } from "./scan-health.ts";

/** What one run did, for the log and the tests. */
export interface CertificateCheckResult {
  integrations: number;
  announced: number;
  renewed: number;
  digestPosted: boolean;
}

const WHAT = "certificate scan";

/**
 * Runs the certificate check at `now`. Posts before it stores, so that a crash in between repeats a message rather
 * than losing one. A scan that fails is told to the channel once, then rethrown for the scheduler's log.
 */
export async function runCertificateCheck(deps: AlertDeps, now: Date): Promise<CertificateCheckResult> {
  const warningMonths = deps.certificateWarningMonths ?? 6;
  let inventory: Inventory | undefined;
  let outcome: ScanOutcome;
  try {
    inventory = await buildInventory(deps.reader, deps.subscriptions, { concurrency: deps.concurrency ?? 4 });
    outcome = { ok: true, seen: inventory.integrations.length, failures: inventory.failures.map((f) => f.message) };
  } catch (error) {
    outcome = { ok: false, error, failure: describeFailure(error, deps.logger, WHAT) };
  }
  const health = evaluateScanHealth(WHAT, outcome, await deps.store.get(scanKey("certificates")), now);
  if (health.notice) await deps.chat.post(deps.channel, health.notice);
  await deps.store.put(scanKey("certificates"), health.state);
  if (!outcome.ok || !inventory) throw outcome.ok ? new Error("the certificate scan produced no inventory") : outcome.error;

  const evaluation = evaluateCertificates(certificateFindings(inventory.integrations), await loadStates(deps.store, ALERT_PREFIX.certificate), {
    now,
    warningMonths,
    scanComplete: health.complete,
  });
  const roots = evaluateRootCapacity(inventory.integrations, await loadStates(deps.store, ROOT_CAPACITY_PREFIX), { now, scanComplete: health.complete });
  const hasNews = evaluation.announcements.length > 0 || evaluation.renewals.length > 0 || roots.announcements.length > 0;
  if (hasNews) {
    const digest = certificateDigest({
      entries: evaluation.announcements,
      renewals: evaluation.renewals,
      alreadyAnnounced: evaluation.alreadyAnnounced.length,
      integrations: inventory.integrations.length,
      warningMonths,
      now,
      failures: inventory.failures.map((f) => f.message),
      withButtons: true,
      fillingGateways: roots.announcements,
    });
    await deps.chat.post(deps.channel, digest);
  }
  for (const [key, state] of [...evaluation.writes, ...roots.writes]) await deps.store.put(key, state);
  for (const key of [...evaluation.deletes, ...roots.deletes]) await deps.store.delete(key);
  return { integrations: inventory.integrations.length, announced: evaluation.announcements.length, renewed: evaluation.renewals.length, digestPosted: hasNews };
}
