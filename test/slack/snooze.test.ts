import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runGatewayCheck } from "../../src/core/alerts/gateway-check.ts";
import { silentLogger } from "../../src/log.ts";
import { CHANNELS, PEOPLE, startSlackHarness, textOf } from "../support/slack-harness.ts";

describe("/vnet snooze, typed in Slack", () => {
  let harness: Awaited<ReturnType<typeof startSlackHarness>>;
  beforeAll(async () => {
    harness = await startSlackHarness({ alerts: true });
    // The demo's gw-legacy is Failed: the gateway check opens its alert in the alert channel.
    await runGatewayCheck(
      { reader: harness.azure.reader, subscriptions: harness.azure.subscriptions, store: harness.stores.alerts, chat: harness.bot.chat, channel: CHANNELS.alerts, logger: silentLogger },
      new Date("2026-03-01T09:00:00Z"),
    );
  });
  afterAll(() => harness.close());

  const legacyAlert = () => harness.api.workspace.messages(CHANNELS.alerts).find((m) => textOf(m).includes("gw-legacy"));

  it("silences the named alert with its reason, on the alert and in its thread, and audits who did it", async () => {
    const alert = legacyAlert();
    expect(alert).toBeDefined();

    const reply = await harness.ask(PEOPLE.bystander, "snooze gw-legacy 4h waiting for the network team");

    expect(textOf(reply)).toContain("snoozed until 2026-03-01 13:00 UTC");
    expect(textOf(harness.current(alert!))).toContain("waiting for the network team");
    expect(harness.threadTexts(alert!).join("\n")).toContain(`<@${PEOPLE.bystander}> snoozed this alert until 2026-03-01 13:00 UTC: waiting for the network team`);
    const audit = await harness.stores.audit.latest(5);
    expect(audit.some((r) => r.action === "snooze" && r.actor === PEOPLE.bystander)).toBe(true);
  });

  it("keeps a reason's mentions from pinging anyone, on the alert and in /vnet audit", async () => {
    await harness.ask(PEOPLE.bystander, "snooze gw-legacy 1h <!channel> look");

    const { ack } = await harness.command(PEOPLE.bystander, "audit 3");
    const audit = JSON.stringify(ack);
    expect(audit).not.toContain("<!channel>");
    expect(audit).toContain("&lt;!channel&gt; look");
    expect(textOf(harness.current(legacyAlert()!))).not.toContain("<!channel>");
  });

  it.each([
    ["a duration it cannot read", "snooze gw-legacy soon because", "is not a duration"],
    ["a duration over a week", "snooze gw-legacy 8d too long", "up to a week"],
    ["no open alert of that name", "snooze gw-nothing 1h why", "No open alert is called `gw-nothing`"],
  ])("refuses %s and changes nothing", async (_name, text, message) => {
    const before = JSON.stringify(harness.current(legacyAlert()!));

    const { ack } = await harness.command(PEOPLE.bystander, text);
    await harness.bot.idle();

    const shown = `${JSON.stringify(ack ?? {})}\n${textOf(harness.api.workspace.ephemerals(PEOPLE.bystander).at(-1))}`;
    expect(shown).toContain(message);
    expect(JSON.stringify(harness.current(legacyAlert()!))).toBe(before);
  });
});

describe("/vnet snooze when access.operators is set", () => {
  it("refuses someone who may not request changes, and the alert stays as it was", async () => {
    const harness = await startSlackHarness({ alerts: true, operators: [PEOPLE.operator] });
    try {
      await runGatewayCheck(
        { reader: harness.azure.reader, subscriptions: harness.azure.subscriptions, store: harness.stores.alerts, chat: harness.bot.chat, channel: CHANNELS.alerts, logger: silentLogger },
        new Date("2026-03-01T09:00:00Z"),
      );
      const alert = harness.api.workspace.messages(CHANNELS.alerts).find((m) => textOf(m).includes("gw-legacy"))!;
      const before = JSON.stringify(harness.current(alert));

      const reply = await harness.ask(PEOPLE.bystander, "snooze gw-legacy 4h not my call");

      expect(textOf(reply)).toContain("Only operators can snooze alerts.");
      expect(JSON.stringify(harness.current(alert))).toBe(before);
    } finally {
      await harness.close();
    }
  });
});
