// /vnet migrate end to end: signed Slack requests, the approval, the steps against the ARM simulator through the SDK.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PEOPLE, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";

let slack: SlackHarness;
beforeEach(async () => {
  slack = await startSlackHarness();
});
afterEach(() => slack.close());

describe("/vnet migrate", () => {
  it("previews, is approved, moves inventory-api to regional integration and verifies it", async () => {
    const message = await slack.requestChange("migrate inventory-api --route-all");
    console.log(textOf(message));
    await slack.click(PEOPLE.approver, "approve", message.blocks ? JSON.stringify(message.blocks).match(/"value":"(req\d+)"/)![1]! : "", message);
    await slack.bot.idle();
    console.log(textOf(slack.current(message)));
    console.log(slack.threadTexts(message).join("\n"));
  });
});
