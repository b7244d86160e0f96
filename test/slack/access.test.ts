// Access is declared on every command and button and enforced in one place: whoever is outside a rule is refused,
// the refusal is audited, and nothing happens — no Azure call for commands, no state change for buttons.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCertificateCheck } from "../../src/core/alerts/certificate-check.ts";
import { runGatewayCheck } from "../../src/core/alerts/gateway-check.ts";
import { ACTIONS, type ActionId } from "../../src/core/reply.ts";
import { silentLogger } from "../../src/log.ts";
import { commands } from "../../handlers/index.ts";
import { demo } from "../support/demo-estate.ts";
import { CHANNELS, NOW, PEOPLE, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";

// A valid invocation of every command that not everyone may run; a new such command must be added here.
const SAMPLES: Record<string, string> = {
  snooze: "snooze gw-legacy 1h on it",
  connect: "connect orders-worker vnet-hub",
  disconnect: "disconnect orders-web",
  sync: "sync plan-orders vnet-hub",
  "route add": "route add plan-orders vnet-hub 10.99.0.0/16",
  "route remove": "route remove plan-orders vnet-hub onprem-datacenter",
  renew: "renew payments-api",
  peer: "peer plan-orders vnet-hub vnet-spoke",
  migrate: "migrate inventory-api",
  "migrate peer": "migrate peer plan-platform vnet-hr vnet-data",
  "migrate rollback": "migrate rollback inventory-api",
};

type RenderedButton = { action_id: string; value: string };

function buttonsOf(message: { blocks: unknown[] } | undefined): RenderedButton[] {
  return ((message?.blocks ?? []) as Array<{ type: string; elements?: RenderedButton[] }>).filter((b) => b.type === "actions").flatMap((b) => b.elements ?? []);
}

describe("access, declared per command and button and enforced before anything runs", () => {
  let slack: SlackHarness;
  beforeAll(async () => {
    slack = await startSlackHarness({ operators: [PEOPLE.operator], alerts: true });
    const deps = { reader: slack.azure.reader, subscriptions: slack.azure.subscriptions, store: slack.stores.alerts, chat: slack.bot.chat, channel: CHANNELS.alerts, logger: silentLogger };
    await runCertificateCheck(deps, NOW);
    await runGatewayCheck(deps, NOW);
  });
  afterAll(() => slack.close());

  it("knows an invocation of every command that is not open to everyone", () => {
    const guarded = commands.filter((c) => c.access.audience !== "anyone").map((c) => c.name);

    expect(Object.keys(SAMPLES).sort()).toEqual(guarded.sort());
  });

  it.each(Object.entries(SAMPLES))("refuses %s from someone who is not an operator, reads nothing from Azure and audits it", async (name, text) => {
    const command = commands.find((c) => c.name === name)!;
    const requestsBefore = slack.sim.requests.length;
    const approvalsBefore = slack.api.workspace.messages(CHANNELS.approvals).length;

    const reply = await slack.ask(PEOPLE.bystander, text);

    expect(textOf(reply)).toContain(`Only ${command.access.audience} can ${command.access.deed}.`);
    expect(slack.sim.requests.length).toBe(requestsBefore);
    expect(slack.api.workspace.messages(CHANNELS.approvals)).toHaveLength(approvalsBefore);
    const [last] = await slack.stores.audit.latest(1);
    expect(last).toMatchObject({ actor: PEOPLE.bystander, action: "refuse", summary: `not an operator: /vnet ${text}` });
  });

  it("refuses every button to someone outside its audience and changes nothing", async () => {
    // A real value for each button, so that the refusal can only come from the access rule.
    const request = await slack.requestChange("route add plan-orders vnet-hub 10.98.0.0/16", PEOPLE.operator);
    const requestId = buttonsOf(request).find((b) => b.action_id === ACTIONS.approve)!.value;
    const digest = slack.api.workspace.messages(CHANNELS.alerts).find((m) => buttonsOf(m).some((b) => b.action_id.startsWith(ACTIONS.alertRenew)))!;
    const renewValue = buttonsOf(digest).find((b) => b.action_id.startsWith(ACTIONS.alertRenew))!.value;
    const alert = slack.api.workspace.messages(CHANNELS.alerts).find((m) => textOf(m).includes("gw-legacy"))!;
    const alertId = buttonsOf(alert).find((b) => b.action_id === ACTIONS.alertSnooze1h)!.value;
    const offer = slack.bot.offers.offer({ kind: "route-add", planId: demo.plan("plan-orders"), vnetName: "vnet-hub", range: "10.97.0.0/16" }, CHANNELS.ops);
    await slack.bot.offers.flush();
    const values: Record<string, string> = {
      [ACTIONS.approve]: requestId, [ACTIONS.reject]: requestId, [ACTIONS.alertRenew]: renewValue,
      [ACTIONS.alertSnooze1h]: alertId, [ACTIONS.alertSnooze4h]: alertId, [ACTIONS.alertSnooze24h]: alertId, [ACTIONS.diagnoseFix]: offer,
    };
    const guarded = [...slack.bot.buttons.values()].filter((b) => b.access.audience !== "anyone");
    expect(guarded.map((b) => b.actionId).sort()).toEqual(Object.keys(values).sort());

    for (const button of guarded) {
      const before = { requests: slack.sim.requests.length, approvals: slack.api.workspace.messages(CHANNELS.approvals).length, alert: JSON.stringify(slack.current(alert)), record: await slack.stores.approvals.get(requestId) };

      await slack.click(PEOPLE.bystander, button.actionId as ActionId, values[button.actionId]!, button.actionId.startsWith("vnet:alert") ? alert : request);
      await slack.bot.idle();

      expect(slack.ephemeralTexts(PEOPLE.bystander).at(-1), button.actionId).toContain(`Only ${button.access.audience} can ${button.access.deed}.`);
      expect(slack.sim.requests.length, button.actionId).toBe(before.requests);
      expect(slack.api.workspace.messages(CHANNELS.approvals), button.actionId).toHaveLength(before.approvals);
      expect(JSON.stringify(slack.current(alert)), button.actionId).toBe(before.alert);
      expect(await slack.stores.approvals.get(requestId), button.actionId).toEqual(before.record);
      expect((await slack.stores.audit.latest(1))[0], button.actionId).toMatchObject({ actor: PEOPLE.bystander, action: "refuse" });
    }
  });

  it("never lets the requester approve their own change", async () => {
    // The request the previous test made, still pending: the operator asked for it.
    const [pending] = await slack.stores.approvals.list(["pending"]);
    const request = slack.current(pending!.message!)!;
    const requestId = pending!.id;

    await slack.click(PEOPLE.operator, "approve", requestId, request);
    await slack.bot.idle();

    expect(slack.ephemeralTexts(PEOPLE.operator).at(-1)).toContain("You asked for this change, so another approver has to decide it.");
    expect((await slack.stores.approvals.get(requestId))?.status).toBe("pending");
    expect(slack.azureWrites()).toEqual([]);
  });
});
