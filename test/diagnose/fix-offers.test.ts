import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createFixOffers, FIX_OFFER_TTL_MS } from "../../src/core/diagnose/fix-offers.ts";
import { openSqliteStore, type Stores } from "../../src/store/sqlite-store.ts";

const T0 = new Date("2026-05-04T08:00:00Z");
const sync = { kind: "sync", planId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/serverfarms/plan-shop", vnetName: "vnet-hub" } as const;

const opened: Array<{ dir: string; stores: Stores[] }> = [];
afterEach(async () => {
  for (const { dir, stores } of opened.splice(0)) {
    for (const store of stores) await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Offers over a real SQLite file; `reopen` is a restart (or another replica) on the same file. */
function offersAt() {
  let now = T0;
  const dir = mkdtempSync(join(tmpdir(), "vnetbot-offers-"));
  const entry = { dir, stores: [] as Stores[] };
  opened.push(entry);
  const open = () => {
    const stores = openSqliteStore(join(dir, "vnetbot.sqlite"));
    entry.stores.push(stores);
    return createFixOffers({ store: stores.alerts, clock: { now: () => now } });
  };
  return { offers: open(), reopen: open, advance: (ms: number) => void (now = new Date(now.getTime() + ms)) };
}

describe("fix offers", () => {
  it("gives back the offered change for the button's id, with the channel it was offered in", async () => {
    const { offers } = offersAt();

    const id = offers.offer(sync, "C0OPS");
    await offers.flush();

    expect(id).toMatch(/^fix-[0-9a-f]{10}$/);
    expect(await offers.find(id)).toEqual({ request: sync, channelId: "C0OPS", offeredAt: T0 });
  });

  it("still knows an offer after a restart, so the button keeps working", async () => {
    const { offers, reopen } = offersAt();
    const id = offers.offer(sync, "C0OPS");
    await offers.flush();

    const afterRestart = reopen();

    expect((await afterRestart.find(id))?.request).toEqual(sync);
  });

  it("forgets an offer once the diagnosis is too old to trust", async () => {
    const { offers, advance } = offersAt();
    const id = offers.offer(sync, "C0OPS");
    await offers.flush();

    advance(FIX_OFFER_TTL_MS + 1);

    expect(await offers.find(id)).toBeUndefined();
  });

  it("knows nothing of ids it never issued", async () => {
    expect(await offersAt().offers.find("fix-0000000000")).toBeUndefined();
  });

  it("keeps the offered change safe from later edits of the caller's object", async () => {
    const { offers } = offersAt();
    const request: { kind: "sync"; planId: string; vnetName: string } = { ...sync };
    const id = offers.offer(request, "C0OPS");
    await offers.flush();

    request.vnetName = "vnet-other";

    expect((await offers.find(id))?.request).toEqual(sync);
  });
});
