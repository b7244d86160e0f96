/**
 * The changes a diagnosis offered as Fix buttons. A button carries only the offer's id; the change itself stays
 * here, so a click cannot be tampered with, and opens the normal approval flow for whoever clicked (re-checked).
 */
import { randomBytes } from "node:crypto";
import type { ChangeRequest } from "../changes/types.ts";
import type { Clock } from "../ports.ts";

/** How long a Fix button works: long enough to read the diagnosis, short enough that it is still true. */
export const FIX_OFFER_TTL_MS = 30 * 60_000;

/** A change offered by a diagnosis. */
export interface FixOffer {
  request: ChangeRequest;
  /** The channel the diagnosis was shown in, where the approval request is asked. */
  channelId: string;
  offeredAt: Date;
}

/** Offers kept in memory: a restart forgets them, and the button then asks for a fresh diagnosis. */
export interface FixOffers {
  /** Records the offer and returns its id, for the button's value. */
  offer(request: ChangeRequest, channelId: string): string;
  /** The offer behind a button, or undefined when it is unknown or older than the TTL. */
  find(id: string): FixOffer | undefined;
}

/** Builds the in-memory offers. */
export function createFixOffers(options: { clock: Clock; ttlMs?: number; newId?: () => string }): FixOffers {
  const ttlMs = options.ttlMs ?? FIX_OFFER_TTL_MS;
  const newId = options.newId ?? (() => `fix-${randomBytes(5).toString("hex")}`);
  const offers = new Map<string, FixOffer>();
  const isLive = (offer: FixOffer, now: Date) => now.getTime() - offer.offeredAt.getTime() <= ttlMs;
  return {
    offer(request, channelId) {
      const now = options.clock.now();
      for (const [id, old] of offers) if (!isLive(old, now)) offers.delete(id);
      const id = newId();
      offers.set(id, { request: structuredClone(request), channelId, offeredAt: now });
      return id;
    },
    find(id) {
      const offer = offers.get(id);
      if (!offer || !isLive(offer, options.clock.now())) return undefined;
      return { ...offer, request: structuredClone(offer.request) };
    },
  };
}
