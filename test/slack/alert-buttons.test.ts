import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCertificateCheck } from "../../src/core/alerts/certificate-check.ts";
import type { ActionId } from "../../src/core/reply.ts";
import { silentLogger } from "../../src/log.ts";
import { CHANNELS, NOW, PEOPLE, startSlackHarness, textOf } from "../support/slack-harness.ts";

type RenderedButton = { action_id: string; value: string; text: { text: string } };

describe("the certificate digest's Renew buttons, clicked in Slack", () => {
  let harness: Awaited<ReturnType<typeof startSlackHarness>>;
  beforeAll(async () => {
    harness = await startSlackHarness({ alerts: true });
    await runCertificateCheck(
      { reader: harness.azure.reader, subscriptions: harness.azure.subscriptions, store: harness.stores.alerts, chat: harness.bot.chat, channel: CHANNELS.alerts, logger: silentLogger },
      NOW,
    );
  });
  afterAll(() => harness.close());

  // The digest lists the expired certificate (billing-legacy) first and the one due within six months (payments-api) second.
  it("opens the normal approval flow for the certificate of the button that was clicked, even the second one", async () => {
    const digest = harness.api.workspace.messages(CHANNELS.alerts)[0]!;
    const buttons = (digest.blocks as Array<{ type: string; elements?: RenderedButton[] }>).filter((b) => b.type === "actions").flatMap((b) => b.elements ?? []);
    const second = buttons[1]!;
    expect(second.action_id).toBe("vnet:alert-renew#2");

    await harness.click(PEOPLE.operator, second.action_id as ActionId, second.value, digest);
    await harness.bot.idle();

    const requests = harness.api.workspace.messages(CHANNELS.approvals);
    expect(requests).toHaveLength(1);
    expect(textOf(requests[0])).toContain("Change request: Renew payments-api's certificate for vnet-finance");
    expect(textOf(requests[0])).toContain(`Requested by <@${PEOPLE.operator}>`);
    expect(harness.azureWrites()).toEqual([]);
  });
});
