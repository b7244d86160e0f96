/**
 * Announcements claimed before they are posted, so that replicas (or a scan and a click) that read the same state
 * never both post it, and a post that fails is made again by the next run instead of being lost:
 *   claim   one conditional write: the new state, marked "being announced until …", replaces exactly what was read;
 *   post    only the claimer posts;
 *   confirm the claim is dropped (and the message's reference kept) — or, when the post failed, release puts the
 *           previous state back, so that the next run decides and posts again.
 * A claimer that dies between claim and confirm leaves a claim that lapses after CLAIM_MS; then it counts as never
 * made and the next run announces again. Only a death during the post request itself can thus show a message twice.
 */
import type { AlertClaim, AlertState, AlertStateStore, StoredAlertState } from "../ports.ts";

/** How long a claimer has to post and confirm before others take the announcement over. */
export const CLAIM_MS = 5 * 60_000;

/**
 * The time during a run that started at `start`: `start` plus the monotonic time elapsed since. A scan can outlast a
 * claim (a 1,000-plan subscription takes minutes at ARM's read rate), so claims and the views that decide whether
 * another run's claim is live are taken at this time, not at the run's start: a claim dated from the start could
 * lapse before it was even written.
 */
export function runClock(start: Date): () => Date {
  const started = performance.now();
  return () => new Date(start.getTime() + (performance.now() - started));
}

/** What a run may decide from: an alert's state, or busy while another run or click is announcing it. */
export type AlertView = { busy: true } | { busy: false; state: AlertState | undefined };

/** The view of a stored state at `now`: a live claim is busy; a lapsed one counts as never made. */
export function viewOf(stored: StoredAlertState | undefined, now: Date): AlertView {
  if (!stored) return { busy: false, state: undefined };
  if (stored.claim) return stored.claim.until > now ? { busy: true } : { busy: false, state: stored.claim.previous };
  return { busy: false, state: plain(stored) };
}

/** A claimed announcement, to confirm once posted or release when posting failed. */
export interface ClaimedAnnouncement {
  key: string;
  claimed: StoredAlertState;
  previous: AlertState | undefined;
}

/**
 * Claims the announcement that moves `key` from what was read (`stored`) to `next`; undefined when another run or
 * click wrote first (they make it, or it is no longer due).
 */
export async function claimAnnouncement(store: AlertStateStore, key: string, stored: StoredAlertState | undefined, next: AlertState, now: Date): Promise<ClaimedAnnouncement | undefined> {
  const view = viewOf(stored, now);
  if (view.busy) return undefined;
  const claim: AlertClaim = { until: new Date(now.getTime() + CLAIM_MS), previous: view.state };
  const written = await store.swap(key, stored, next, claim);
  return written && written.state ? { key, claimed: written.state, previous: view.state } : undefined;
}

/** The announcement went out: keeps `final` (the claimed state itself when omitted) and drops the claim. */
export async function confirmAnnouncement(store: AlertStateStore, announcement: ClaimedAnnouncement, final?: { state: AlertState | undefined }): Promise<boolean> {
  const kept = final ? final.state : plain(announcement.claimed);
  return (await store.swap(announcement.key, announcement.claimed, kept)) !== false;
}

/** The announcement did not go out: puts the previous state back, so that the next run announces it again. */
export async function releaseAnnouncement(store: AlertStateStore, announcement: ClaimedAnnouncement): Promise<boolean> {
  return (await store.swap(announcement.key, announcement.claimed, announcement.previous)) !== false;
}

/**
 * Claims, delivers, then confirms keeping final(what deliver returned) (undefined deletes; without final, the
 * claimed state), or releases and rethrows when deliver throws.
 * Resolves with deliver's result, or undefined when the announcement was not ours to make.
 */
export async function announce<T>(
  store: AlertStateStore,
  target: { key: string; stored: StoredAlertState | undefined; next: AlertState; now: Date },
  deliver: () => Promise<T>,
  final?: (delivered: T) => AlertState | undefined,
): Promise<{ delivered: T } | undefined> {
  const claimed = await claimAnnouncement(store, target.key, target.stored, target.next, target.now);
  if (!claimed) return undefined;
  let delivered: T;
  try {
    delivered = await deliver();
  } catch (error) {
    await releaseAnnouncement(store, claimed);
    throw error;
  }
  await confirmAnnouncement(store, claimed, final ? { state: final(delivered) } : undefined);
  return { delivered };
}

/** The state alone, without what the store adds to it. */
export function plain(state: AlertState): AlertState {
  return { announced: state.announced, snoozedUntil: state.snoozedUntil, lastResult: state.lastResult, updatedAt: state.updatedAt };
}
