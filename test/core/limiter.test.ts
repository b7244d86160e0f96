import { describe, expect, it } from "vitest";
import { createKeyedLimiter, createLimiter } from "../../src/core/limiter.ts";

/** A task that finishes when the test says so. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe("createLimiter", () => {
  it("never runs more tasks at once than it has slots, even when tasks finish and start together", async () => {
    const limit = createLimiter(2);
    let running = 0;
    let peak = 0;
    const gates = Array.from({ length: 6 }, gate);

    const all = gates.map((g, index) =>
      limit(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await g.opened;
        running -= 1;
        return index;
      }),
    );
    for (const g of gates) {
      g.open();
      await Promise.resolve();
    }

    expect(await Promise.all(all)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
  });

  it("frees the slot of a task that failed", async () => {
    const limit = createLimiter(1);

    const failed = limit(() => Promise.reject(new Error("boom")));
    const next = limit(() => Promise.resolve("ran"));

    await expect(failed).rejects.toThrow("boom");
    expect(await next).toBe("ran");
  });
});

describe("createKeyedLimiter", () => {
  it("runs a task of one key while another key's slots are all taken", async () => {
    const limit = createKeyedLimiter(1);
    const held = gate();

    const blocked = limit("sub-a", () => held.opened);
    const queued = limit("SUB-A", async () => "after a");
    const other = await limit("sub-b", async () => "b ran");
    held.open();

    expect(other).toBe("b ran");
    expect(await queued).toBe("after a");
    await blocked;
  });
});
