import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NOW, PEOPLE, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";

const CONNECT = "connect orders-worker vnet-hub";

// The tests restart the bot and change the estate: a fresh demo estate and bot each.
let slack: SlackHarness;
beforeEach(async () => {
  slack = await startSlackHarness();
});
afterEach(() => slack.close());

/**
 * What a process that died in the middle of a change leaves on disk: the request approved and running. The approval
 * store's own transitions write it, exactly as the bot's run would have before it died.
 */
async function leaveRunningAsACrashWould(requestId: string) {
  expect(await slack.stores.approvals.decide(requestId, "approved", PEOPLE.approver, NOW)).toBe(true);
  expect(await slack.stores.approvals.start(requestId)).toBe(true);
}

describe("start-up and restarts", () => {
  it("answers /healthz 503 and asks commands to wait while it recovers after a restart, and 200 once ready", async () => {
    await slack.requestChange(CONNECT);
    await leaveRunningAsACrashWould("req1");
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

  it("marks a change that was running when the bot stopped as interrupted, says how to resume, and resuming finishes it", async () => {
    const message = await slack.requestChange(CONNECT);
    await leaveRunningAsACrashWould("req1");

    await slack.restart();

    const interrupted = textOf(slack.current(message));
    expect(interrupted).toContain("Interrupted by a restart after 0 of 5 steps.");
    expect(interrupted).toContain("Nothing more runs by itself. Run `/vnet connect orders-worker vnet-hub` again to finish it");
    expect(slack.azureWrites()).toEqual([]);

    const again = await slack.requestChange(CONNECT);
    await slack.click(PEOPLE.approver, "approve", "req2", again);
    await slack.bot.idle();

    expect(textOf(slack.current(again))).toContain("Done: 5 of 5 steps");
    expect(slack.sim.state.apps.named("orders-worker").vnetName).toBe("vnet-hub");
  });
});
