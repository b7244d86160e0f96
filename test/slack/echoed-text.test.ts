import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runGatewayCheck } from "../../src/core/alerts/gateway-check.ts";
import { silentLogger } from "../../src/log.ts";
import { CHANNELS, PEOPLE, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";

// What a user types and the bot shows again must not mention or link: <!channel>, <@U…>, <https://…|label>.
const REASON = "<!channel> see <https://evil.example|the runbook> & <@U0APPROVE>";
const ESCAPED = "&lt;!channel&gt; see &lt;https://evil.example|the runbook&gt; &amp; &lt;@U0APPROVE&gt;";

describe("user text echoed into messages", () => {
  let slack: SlackHarness;
  beforeAll(async () => {
    slack = await startSlackHarness({ alerts: true });
    // The demo's gw-legacy is Failed: the gateway check opens its alert in the alert channel.
    await runGatewayCheck(
      { reader: slack.azure.reader, subscriptions: slack.azure.subscriptions, store: slack.stores.alerts, chat: slack.bot.chat, channel: CHANNELS.alerts, logger: silentLogger },
      new Date("2026-03-01T09:00:00Z"),
    );
  });
  afterAll(() => slack.close());

  it("shows a snooze reason on the alert and in its thread as text, never as a mention or link", async () => {
    const alert = slack.api.workspace.messages(CHANNELS.alerts).find((m) => textOf(m).includes("gw-legacy"))!;

    const { ack } = await slack.command(PEOPLE.operator, `snooze gw-legacy 4h ${REASON}`);
    await slack.bot.idle();

    const shown = [textOf(slack.current(alert)), ...slack.threadTexts(alert)].join("\n");
    expect(shown).toContain(ESCAPED);
    expect(shown).not.toContain("<!channel>");
    expect(shown).not.toContain("<https://evil.example");
    expect(ack?.text).toContain(`snooze gw-legacy 4h ${ESCAPED}`);
  });
});

describe("user text in the address and name parsers' refusals", () => {
  let slack: SlackHarness;
  beforeAll(async () => {
    slack = await startSlackHarness();
  });
  afterAll(() => slack.close());
  const siteId = (name: string) => `/subscriptions/${slack.azure.subscriptions[0]}/resourceGroups/rg-web/providers/Microsoft.Web/sites/${name}`;
  const planId = (name: string) => `/subscriptions/${slack.azure.subscriptions[0]}/resourceGroups/rg-web/providers/Microsoft.Web/serverfarms/${name}`;
  const pings = /<[!@#]|<https?:/;

  it.each([
    ["an address", "route add plan-orders vnet-hub <!here>", '"&lt;!here&gt;" is not an IPv4 address'],
    ["a CIDR prefix", "route add plan-orders vnet-hub 10.0.0.0/<!channel>", '"10.0.0.0/&lt;!channel&gt;" is not a CIDR range'],
    ["a link", "route add plan-orders vnet-hub 10.0.0.0-<https://evil.example|click>", '"10.0.0.0-&lt;https://evil.example|click&gt;" is not a CIDR range'],
  ])("refuses %s in the ack, escaped", async (_name, text, expected) => {
    const { ack } = await slack.command(PEOPLE.operator, text);

    expect(ack?.text).toContain(expected);
    expect(JSON.stringify(ack)).not.toMatch(pings);
  });

  it.each([
    ["an app id", () => `show ${siteId("<!channel>")}`, '"&lt;!channel&gt;" is not a valid app name'],
    ["a plan id", () => `plan ${planId("<!subteam^S0APPROVERS|@approvers>")}`, '"&lt;!subteam^S0APPROVERS|@approvers&gt;" is not a valid plan name'],
  ])("refuses %s in the response-URL reply, escaped", async (_name, text, expected) => {
    const { ack } = await slack.command(PEOPLE.bystander, text());
    await slack.bot.idle();

    const reply = slack.api.workspace.ephemerals(PEOPLE.bystander).at(-1);
    expect(reply?.text).toContain(expected);
    expect(JSON.stringify([ack, reply?.text, reply?.blocks])).not.toMatch(pings);
  });
});
