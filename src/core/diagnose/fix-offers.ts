/**
 * The changes a diagnosis offered as Fix buttons. A button carries only the offer's id; the change itself is kept
 * here, so a click cannot be tampered with, and opens the normal approval flow for whoever clicked (re-checked).
 * Offers are written to the bot's state store, so a button still works after a restart or on another replica.
 */
import { randomBytes } from "node:crypto";
import type { ChangeRequest } from "../changes/types.ts";
import type { AlertStateStore, Clock } from "../ports.ts";

/** How long a Fix button works: long enough to read the diagnosis, short enough that it is still true. */
export const FIX_OFFER_TTL_MS = 30 * 60_000;

const PREFIX = "fix-offer:";

/** The checks of an app's diagnosis a Fix was offered for, which a click reads again (fix-recheck.ts). */
export interface FixRecheck {
  appId: string;
  checks: string[];
}

/** A change offered by a diagnosis. */
export interface FixOffer {
  request: ChangeRequest;
  /** What the change was offered to fix; undefined in offers stored before it was kept. */
  recheck: FixRecheck | undefined;
  /** The channel the diagnosis was shown in, where the approval request is asked. */
  channelId: string;
  offeredAt: Date;
}

/** Offers of the diagnoses' Fix buttons. */
export interface FixOffers {
  /** Records the offer and returns its id, for the button's value; flush() makes it durable. */
  offer(request: ChangeRequest, channelId: string, recheck?: FixRecheck): string;
  /** Waits until every offer made so far is stored (before the buttons are shown). */
  flush(): Promise<void>;
  /** The offer behind a button, or undefined when it is unknown or older than the TTL. */
  find(id: string): Promise<FixOffer | undefined>;
}

/** Builds the offers over the state store (the key/value table that also keeps alert state). */
export function createFixOffers(options: { store: AlertStateStore; clock: Clock; ttlMs?: number; newId?: () => string }): FixOffers {
  const { store, clock } = options;
  const ttlMs = options.ttlMs ?? FIX_OFFER_TTL_MS;
  const newId = options.newId ?? (() => `fix-${randomBytes(5).toString("hex")}`);
  let writes: Promise<unknown>[] = [];
  const isLive = (offeredAt: Date, now: Date) => now.getTime() - offeredAt.getTime() <= ttlMs;
  const forgetExpired = async (now: Date) => {
    for (const { key, state } of await store.list(PREFIX)) if (!isLive(state.updatedAt, now)) await store.delete(key);
  };
  return {
    offer(request, channelId, recheck) {
      const id = newId();
      const now = clock.now();
      const saved = JSON.stringify({ request, channelId, recheck });
      writes.push(store.put(`${PREFIX}${id}`, { announced: [], snoozedUntil: undefined, lastResult: saved, updatedAt: now }).then(() => forgetExpired(now)));
      return id;
    },
    async flush() {
      const pending = writes;
      writes = [];
      await Promise.all(pending);
    },
    async find(id) {
      const state = await store.get(`${PREFIX}${id}`);
      if (!state?.lastResult || !isLive(state.updatedAt, clock.now())) return undefined;
      const { request, channelId, recheck } = JSON.parse(state.lastResult) as { request: ChangeRequest; channelId: string; recheck?: FixRecheck };
      return { request, channelId, recheck, offeredAt: state.updatedAt };
    },
  };
}
