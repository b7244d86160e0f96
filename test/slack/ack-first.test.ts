import { describe, expect, it } from "vitest";
import { createAckFirstQueue } from "../../src/slack/ack-first.ts";

/** One turn of the event loop, after the turns already scheduled. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("work after acks", () => {
  it("starts no work on a turn a command arrived on, then one work per turn, in order", async () => {
    const queue = createAckFirstQueue(() => 0);
    const started: string[] = [];
    queue.arrived();
    void queue.turn().then(() => started.push("first"));
    void queue.turn().then(() => started.push("second"));

    await turn();
    const onTheBusyTurn = [...started];
    await turn();
    const onTheNext = [...started];
    await turn();

    expect(onTheBusyTurn).toEqual([]);
    expect(onTheNext).toEqual(["first"]);
    expect(started).toEqual(["first", "second"]);
  });

  it("starts a work that has waited 100 ms even while commands keep arriving", async () => {
    let now = 0;
    const queue = createAckFirstQueue(() => now);
    const started: string[] = [];
    queue.arrived();
    void queue.turn().then(() => started.push("work"));

    for (let i = 0; i < 5; i++) {
      queue.arrived();
      await turn();
    }
    const whileBusy = [...started];
    now = 100;
    queue.arrived();
    await turn();

    expect(whileBusy).toEqual([]);
    expect(started).toEqual(["work"]);
  });
});
