import { describe, expect, it } from "vitest";
import { createFixOffers, FIX_OFFER_TTL_MS } from "../../src/core/diagnose/fix-offers.ts";

const T0 = new Date("2026-05-04T08:00:00Z");
const sync = { kind: "sync", planId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/serverfarms/plan-shop", vnetName: "vnet-hub" } as const;

function offersAt() {
  let now = T0;
  const offers = createFixOffers({ clock: { now: () => now } });
  return { offers, advance: (ms: number) => void (now = new Date(now.getTime() + ms)) };
}

describe("fix offers", () => {
  it("gives back the offered change for the button's id, with the channel it was offered in", () => {
    const { offers } = offersAt();

    const id = offers.offer(sync, "C0OPS");

    expect(id).toMatch(/^fix-[0-9a-f]{10}$/);
    expect(offers.find(id)).toEqual({ request: sync, channelId: "C0OPS", offeredAt: T0 });
  });

  it("forgets an offer once the diagnosis is too old to trust", () => {
    const { offers, advance } = offersAt();
    const id = offers.offer(sync, "C0OPS");

    advance(FIX_OFFER_TTL_MS + 1);

    expect(offers.find(id)).toBeUndefined();
  });

  it("knows nothing of ids it never issued", () => {
    expect(offersAt().offers.find("fix-0000000000")).toBeUndefined();
  });

  it("keeps the offered change safe from later edits of the caller's object", () => {
    const { offers } = offersAt();
    const request: { kind: "sync"; planId: string; vnetName: string } = { ...sync };
    const id = offers.offer(request, "C0OPS");

    request.vnetName = "vnet-other";

    expect(offers.find(id)?.request).toEqual(sync);
  });
});
