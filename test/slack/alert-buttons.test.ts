import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCertificateCheck } from "../../src/core/alerts/certificate-check.ts";
import type { ActionId } from "../../src/core/reply.ts";
import { silentLogger } from "../../src/log.ts";
import { CHANNELS, NOW, PEOPLE, requestIdOf, startSlackHarness, textOf } from "../support/slack-harness.ts";

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

describe("a digest's Renew button for a certificate renewed since", () => {
  let harness: Awaited<ReturnType<typeof startSlackHarness>>;
  beforeAll(async () => {
    harness = await startSlackHarness({ alerts: true });
    harness.sim.state.options.reconnectCertificate = "replace-within-six-months";
    await runCertificateCheck(
      { reader: harness.azure.reader, subscriptions: harness.azure.subscriptions, store: harness.stores.alerts, chat: harness.bot.chat, channel: CHANNELS.alerts, logger: silentLogger },
      NOW,
    );
  });
  afterAll(() => harness.close());

  it("files nothing and says the certificate was replaced, rather than restart the app for nothing", async () => {
    const renewal = await harness.requestChange("renew payments-api");
    await harness.click(PEOPLE.approver, "approve", requestIdOf(renewal), renewal);
    await harness.bot.idle();
    expect(textOf(harness.current(renewal))).toContain(":tada: Done");
    // The next scan stores the new certificate under the same alert: the digest's button still names the old one.
    await runCertificateCheck(
      { reader: harness.azure.reader, subscriptions: harness.azure.subscriptions, store: harness.stores.alerts, chat: harness.bot.chat, channel: CHANNELS.alerts, logger: silentLogger },
      NOW,
    );
    const digest = harness.api.workspace.messages(CHANNELS.alerts)[0]!;
    const buttons = (digest.blocks as Array<{ type: string; elements?: RenderedButton[] }>).filter((b) => b.type === "actions").flatMap((b) => b.elements ?? []);
    const writes = harness.azureWrites().length;

    await harness.click(PEOPLE.operator, buttons[1]!.action_id as ActionId, buttons[1]!.value, digest);
    await harness.bot.idle();

    expect(harness.api.workspace.messages(CHANNELS.approvals)).toHaveLength(1);
    expect(harness.azureWrites()).toHaveLength(writes);
    const answer = harness.api.workspace.ephemerals(PEOPLE.operator).map((m) => textOf(m)).join("\n");
    expect(answer).toMatch(/payments-api's certificate [0-9A-F]+, which this Renew was for, has been replaced already: its certificate [0-9A-F]+ expires on 2034-\d\d-\d\d\./);
  });
});
