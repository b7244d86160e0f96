import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHANNELS, PEOPLE, startSlackHarness, textOf } from "../support/slack-harness.ts";

describe("a change whose preview outlives the command's deadline", () => {
  let slack: Awaited<ReturnType<typeof startSlackHarness>>;
  beforeAll(async () => {
    slack = await startSlackHarness({ deadlineMs: 300 });
  });
  afterAll(() => slack.close());

  it("tells the requester nothing was changed, and no approval request appears afterwards", async () => {
    // Azure answers the preview's read of the plan's routes only after the deadline has passed.
    slack.sim.faults.add({ method: "GET", path: /\/serverfarms\/plan-orders\/virtualNetworkConnections$/, delayMs: 800, times: 1 });

    const reply = await slack.ask(PEOPLE.requester, "route add plan-orders vnet-hub 10.20.0.0/16");
    await slack.bot.idle();

    expect(textOf(reply)).toMatch(/This took longer than \d+ seconds, so I stopped waiting\. Nothing was changed by this command\./);
    expect(slack.api.workspace.messages(CHANNELS.approvals)).toEqual([]);
    expect((await slack.stores.approvals.list(["pending"])).length).toBe(0);
  });
});

describe("a read that outlives the command's deadline", () => {
  it("stops calling Azure when the deadline passes, not only waiting", async () => {
    const slack = await startSlackHarness({ deadlineMs: 400 });
    try {
      // A full /vnet list first, at full speed, to know what the scan costs.
      await slack.ask(PEOPLE.bystander, "list");
      const fullScan = slack.sim.requests.length;
      // Then every read answers slowly: a scan would need seconds.
      slack.sim.faults.add({ method: "GET", path: /\/providers\//, delayMs: 150 });

      const before = slack.sim.requests.length;
      // --fresh: the first list kept the inventory, and an answer from it would read nothing from Azure.
      const reply = await slack.ask(PEOPLE.bystander, "list --fresh");
      await slack.bot.idle();

      expect(textOf(reply)).toMatch(/This took longer than \d+ seconds, so I stopped waiting/);
      expect(slack.sim.requests.length - before).toBeLessThan(fullScan / 2);
    } finally {
      await slack.close();
    }
  });
});
