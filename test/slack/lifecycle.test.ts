import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NOW, PEOPLE, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";

const CONNECT = "connect orders-worker vnet-hub";
const minutesAfterNow = (n: number) => new Date(NOW.getTime() + n * 60_000);

// The tests restart the bot and change the estate: a fresh demo estate and bot each.
let slack: SlackHarness;
let now = NOW;
beforeEach(async () => {
  now = NOW;
  slack = await startSlackHarness({ clock: { now: () => now } });
});
afterEach(() => slack.close());

/**
 * What a process that died in the middle of a change leaves on disk: the request approved and running, under its
 * owner's lease (2 minutes, as the bot's). The approval store's own transitions write it, as the bot's run would.
 */
async function leaveRunningAsACrashWould(requestId: string) {
  expect(await slack.stores.approvals.decide(requestId, "approved", PEOPLE.approver, NOW)).toBe(true);
  expect(await slack.stores.approvals.start(requestId, "a-process-that-died", minutesAfterNow(2))).toBe(true);
}

describe("start-up and restarts", () => {
  it("answers /healthz 503 and asks commands to wait while it recovers after a restart, and 200 once ready", async () => {
    await slack.requestChange(CONNECT);
    await leaveRunningAsACrashWould("req1");
    now = minutesAfterNow(3);
    const seen: { health: number; ack: string | undefined }[] = [];

    const update = slack.api.hold("chat.update");
    await slack.restart(async (healthz) => {
      await update.reached;
      seen.push({ health: await healthz(), ack: (await slack.command(PEOPLE.requester, "approvals")).ack?.text });
      update.release();
    });

    expect(seen).toEqual([{ health: 503, ack: "vnetbot is starting up and not taking commands yet. Nothing was run." }]);
    expect((await fetch(`${slack.base}/healthz`)).status).toBe(200);
    expect((await slack.command(PEOPLE.requester, "approvals")).ack?.text).not.toContain("starting up");
  });

  it("marks a change that was running when the bot stopped as interrupted, tells the requester in its thread how to resume, and resuming finishes it", async () => {
    const message = await slack.requestChange(CONNECT);
    await leaveRunningAsACrashWould("req1");
    now = minutesAfterNow(3);

    await slack.restart();

    const interrupted = textOf(slack.current(message));
    expect(interrupted).toContain("Interrupted after 0 of 5 steps: the bot process running it stopped, or lost its database.");
    expect(interrupted).toContain("Nothing more runs by itself. Run `/vnet connect orders-worker vnet-hub` again to finish it");
    expect(slack.threadTexts(message)).toEqual([
      expect.stringMatching(/^:warning: <@U0REQUEST> .* was interrupted after 0 of 5 steps: the bot process running it stopped, or lost its database, before the change ended \(the step that was running may have reached Azure\)\. Nothing more runs by itself\. Run `\/vnet connect orders-worker vnet-hub` again to finish it/),
    ]);
    expect(slack.azureWrites()).toEqual([]);

    const again = await slack.requestChange(CONNECT);
    await slack.click(PEOPLE.approver, "approve", "req2", again);
    await slack.bot.idle();

    expect(textOf(slack.current(again))).toContain("Done: 5 of 5 steps");
    expect(slack.sim.state.apps.named("orders-worker").vnetName).toBe("vnet-hub");
  });

  it("interrupts at once, at a restart, the change its own previous run left running, so that running it again works right away", async () => {
    await slack.close();
    slack = await startSlackHarness({ clock: { now: () => now }, instance: { id: "replica-a", releasePredecessor: true } });
    const message = await slack.requestChange(CONNECT);
    expect(await slack.stores.approvals.decide("req1", "approved", PEOPLE.approver, NOW)).toBe(true);
    expect(await slack.stores.approvals.start("req1", "replica-a", minutesAfterNow(2))).toBe(true);
    now = minutesAfterNow(1);

    await slack.restart();
    const again = await slack.requestChange(CONNECT);
    await slack.click(PEOPLE.approver, "approve", "req2", again);
    await slack.bot.idle();

    expect((await slack.stores.approvals.get("req1"))?.status).toBe("interrupted");
    expect(textOf(slack.current(message))).toContain("Interrupted after 0 of 5 steps: the bot process running it stopped, or lost its database.");
    expect(textOf(slack.current(again))).toContain("Done: 5 of 5 steps");
  });

  it("leaves a change another instance still holds alone when it starts, and interrupts it at a sweep once the lease is past", async () => {
    const message = await slack.requestChange(CONNECT);
    await leaveRunningAsACrashWould("req1");
    now = minutesAfterNow(1);

    await slack.restart();
    const atStart = await slack.stores.approvals.get("req1");
    now = minutesAfterNow(2);
    await slack.bot.approvals.expireDue();

    expect(atStart?.status).toBe("running");
    expect((await slack.stores.approvals.get("req1"))?.status).toBe("interrupted");
    expect(textOf(slack.current(message))).toContain("Interrupted after 0 of 5 steps: the bot process running it stopped, or lost its database.");
    expect(slack.threadTexts(message).at(-1)).toContain("<@U0REQUEST>");
  });
});
