// Changes asked for by a button (a diagnosis' Fix) go through the same approval flow as typed ones, and say how to
// run them again in words a user can type.
import { afterEach, describe, expect, it } from "vitest";
import { ACTIONS } from "../../src/core/reply.ts";
import { startAzureHarness } from "../support/azure-harness.ts";
import { CHANNELS, NOW, PEOPLE, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";

const ROUTE_ADD = "route add plan-shop vnet-hub 10.20.0.0/16";

let slack: SlackHarness | undefined;
afterEach(async () => {
  await slack?.close();
  await slack?.azure.close();
  slack = undefined;
});

async function slackWithFixes(operators?: string[]): Promise<SlackHarness> {
  const azure = await startAzureHarness({ estate: "diagnose-missing-route", now: () => NOW });
  slack = await startSlackHarness({
    azure, clock: { now: () => NOW }, ...(operators ? { operators } : {})
  });
  return slack;
}

async function clickFix(bot: SlackHarness, userId: string): Promise<void> {
  const diagnosis = await bot.ask(userId, "diagnose shop-api catalog.shop.internal:443");
  const blocks = (diagnosis?.blocks ?? []) as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>;
  const offer = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === ACTIONS.diagnoseFix)?.value ?? "";
  await bot.click(userId, ACTIONS.diagnoseFix, offer, { channel: CHANNELS.ops, ts: "1" });
  await bot.bot.idle();
}

describe("a change from a Fix button", () => {
  it("records the command a user can type and names the button apart, so that the resume line is runnable", async () => {
    const bot = await slackWithFixes();
    await clickFix(bot, PEOPLE.requester);
    const request = bot.api.workspace.messages(CHANNELS.approvals)[0]!;
    bot.sim.faults.add({ method: "PUT", path: "/routes/route-10-20-0-0-16", status: 409, code: "Conflict", message: "Cannot modify this web hosting plan because another operation is in progress.", times: 1 });

    await bot.click(PEOPLE.approver, "approve", "req1", request);
    await bot.bot.idle();

    expect(textOf(request)).toContain(`\`/vnet ${ROUTE_ADD}\` · from the Fix button of /vnet diagnose`);
    expect(bot.threadTexts(request).at(-1)).toContain(`Run \`/vnet ${ROUTE_ADD}\` again to finish it`);
    expect(textOf(bot.current(request))).not.toContain("(Fix from");
  });

  it("refuses a clicker outside the operators with the approval flow's one message and one audit line", async () => {
    const bot = await slackWithFixes([PEOPLE.operator]);

    await clickFix(bot, PEOPLE.bystander);

    expect(bot.ephemeralTexts(PEOPLE.bystander).at(-1)).toContain("Only operators can request changes, Fix buttons included.");
    const refusals = (await bot.stores.audit.latest(10)).filter((r) => r.action === "refuse");
    expect(refusals.map((r) => r.summary)).toEqual([`not an operator: /vnet ${ROUTE_ADD} (Fix button of /vnet diagnose)`]);
    expect(bot.api.workspace.messages(CHANNELS.approvals)).toEqual([]);
  });
});
