import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LocalMessage } from "../../src/slack/local-slack-workspace.ts";
import { memoryEstate } from "../support/slack-estate.ts";
import { expectGolden } from "../support/slack-golden.ts";
import { CHANNELS, PEOPLE, startSlackHarness, type SlackHarness } from "../support/slack-harness.ts";

const T0 = new Date("2026-03-01T09:00:00Z");
let now = T0;
const clock = { now: () => now };
const ROUTE_ADD = "route add plan-orders vnet-hub 10.20.0.0/16";

let slack: SlackHarness;
let estate: ReturnType<typeof memoryEstate>;
beforeEach(async () => {
  now = T0;
  estate = memoryEstate();
  slack = await startSlackHarness({ azure: estate.azure, clock });
});
afterEach(() => slack.close());

/** Asks for the route and returns the approval message once it is posted. */
async function requestRoute(text = ROUTE_ADD): Promise<LocalMessage> {
  await slack.command(PEOPLE.requester, text);
  await slack.bot.idle();
  const [message] = slack.api.workspace.messages(CHANNELS.approvals);
  if (!message) throw new Error(`no approval message; the requester saw: ${slack.ephemeralTexts(PEOPLE.requester).join(" | ")}`);
  return message;
}

const buttonsOf = (message: LocalMessage) => message.blocks.filter((b) => (b as { type: string }).type === "actions");
const textOf = (message: LocalMessage) => JSON.stringify(message.blocks);

describe("change approval", () => {
  it("shows the requester the plan and posts a pending request with Approve and Reject to the approval channel", async () => {
    const message = await requestRoute();

    expect(slack.ephemeralTexts(PEOPLE.requester).at(-1)).toContain("Approval requested in <#C0APPROVALS> (request `req1`");
    expect(buttonsOf(message)).toHaveLength(1);
    expectGolden("approval-pending", message.blocks);
    expect(estate.writes()).toEqual([]);
  });

  it("runs the change once however many approvers click at the same time", async () => {
    const message = await requestRoute();

    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => slack.click(i % 2 === 0 ? PEOPLE.approver : PEOPLE.groupApprover, "approve", "req1", message)));
    await slack.bot.idle();

    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(estate.writes()).toEqual(["putPlanRoute"]);
    const answers = [...slack.ephemeralTexts(PEOPLE.approver), ...slack.ephemeralTexts(PEOPLE.groupApprover)];
    expect(answers.filter((t) => t.startsWith("You approved"))).toHaveLength(1);
    expect(answers.filter((t) => t.includes("was already approved"))).toHaveLength(19);
    const final = slack.api.workspace.message(message.channel, message.ts)!;
    expect(buttonsOf(final)).toEqual([]);
    expectGolden("approval-done", final.blocks);
    expect(slack.api.workspace.thread(message.channel, message.ts).map((m) => m.text).at(-1)).toContain("<@U0REQUEST> done");
  });

  it("refuses the requester's own approval and changes nothing", async () => {
    const message = await requestRoute();

    await slack.click(PEOPLE.requester, "approve", "req1", message);
    await slack.bot.idle();

    expect(slack.ephemeralTexts(PEOPLE.requester).at(-1)).toContain("You asked for this change, so another approver has to decide it.");
    expect(estate.writes()).toEqual([]);
    expect(buttonsOf(slack.api.workspace.message(message.channel, message.ts)!)).toHaveLength(1);
  });

  it("refuses someone who is not an approver", async () => {
    const message = await requestRoute();

    await slack.click(PEOPLE.bystander, "approve", "req1", message);
    await slack.bot.idle();

    expect(slack.ephemeralTexts(PEOPLE.bystander).at(-1)).toContain("Only approvers can approve or reject changes.");
    expect(estate.writes()).toEqual([]);
  });

  it("expires an undecided request: the message says so, has no buttons, and a late click runs nothing", async () => {
    const message = await requestRoute();
    now = new Date(T0.getTime() + 31 * 60_000);

    await slack.click(PEOPLE.approver, "approve", "req1", message);
    await slack.bot.idle();

    expect(slack.ephemeralTexts(PEOPLE.approver).at(-1)).toContain("Request `req1` expired at 2026-03-01 09:30 UTC; nothing ran.");
    const expired = slack.api.workspace.message(message.channel, message.ts)!;
    expect(buttonsOf(expired)).toEqual([]);
    expectGolden("approval-expired", expired.blocks);
    expect(estate.writes()).toEqual([]);
  });

  it("marks a rejected request without buttons and runs nothing", async () => {
    const message = await requestRoute();

    await slack.click(PEOPLE.approver, "reject", "req1", message);
    await slack.bot.idle();

    expect(textOf(slack.api.workspace.message(message.channel, message.ts)!)).toContain("Rejected by <@U0APPROVE>");
    expect(estate.writes()).toEqual([]);
  });

  it("keeps a request approvable across a restart on the same database", async () => {
    const message = await requestRoute();

    await slack.restart();
    await slack.click(PEOPLE.approver, "approve", "req1", message);
    await slack.bot.idle();

    expect(estate.writes()).toEqual(["putPlanRoute"]);
    expect(textOf(slack.api.workspace.message(message.channel, message.ts)!)).toContain("Done: 1 of 1 steps");
  });

  it("stops before running when Azure changed since the plan, and says why", async () => {
    const message = await requestRoute();
    estate.addRouteBehindTheBotsBack({ name: "portal", startAddress: "192.168.0.0/24", endAddress: undefined, routeType: "STATIC" });

    await slack.click(PEOPLE.approver, "approve", "req1", message);
    await slack.bot.idle();

    expect(estate.writes()).toEqual([]);
    expect(textOf(slack.api.workspace.message(message.channel, message.ts)!)).toContain("Azure changed since this was requested");
  });

  it("reports the failed step with the reason and how to finish the change", async () => {
    const message = await requestRoute();
    estate.failNextWrite("ARM is throttling writes to this plan.");

    await slack.click(PEOPLE.approver, "approve", "req1", message);
    await slack.bot.idle();

    const failed = slack.api.workspace.message(message.channel, message.ts)!;
    expect(textOf(failed)).toMatch(/Failed at step 1 of 1: .*ARM is throttling writes to this plan\./);
    expect(textOf(failed)).toContain("Run `/vnet route add plan-orders vnet-hub 10.20.0.0/16` again to finish it");
    expectGolden("approval-failed", failed.blocks);
  });

  it("refuses a second change of the same target and points at the first", async () => {
    await requestRoute();

    await slack.command(PEOPLE.operator, "route add plan-orders vnet-hub 10.30.0.0/16");
    await slack.bot.idle();

    expect(slack.ephemeralTexts(PEOPLE.operator).at(-1)).toContain("Another change of the same target is pending: Route 10.20.0.0/16 from plan-orders into vnet-hub (request `req1`, asked by <@U0REQUEST> in <#C0APPROVALS>).");
    expect(slack.api.workspace.messages(CHANNELS.approvals)).toHaveLength(1);
  });

  it("records request, decision, execution and step with Azure request ids in the audit trail", async () => {
    const message = await requestRoute();
    await slack.click(PEOPLE.approver, "approve", "req1", message);
    await slack.bot.idle();

    const { ack } = await slack.command(PEOPLE.bystander, "audit 10");

    expect((await slack.stores.audit.latest(10)).map((r) => `${r.actor} ${r.action}`).reverse()).toEqual([
      "U0REQUEST request", "U0APPROVE approve", "U0APPROVE execute", "vnetbot step", "vnetbot done",
    ]);
    expect(ack?.text).toBe("Audit: the latest 5: 5 audit records");
    expect(JSON.stringify(ack?.blocks)).toContain("Azure `az-1`");
  });
});

describe("operators", () => {
  it("refuses a change from someone who is not an operator, before reading Azure", async () => {
    await slack.close();
    estate = memoryEstate();
    slack = await startSlackHarness({ azure: estate.azure, clock, operators: [PEOPLE.operator] });

    await slack.command(PEOPLE.requester, ROUTE_ADD);
    await slack.bot.idle();

    expect(slack.ephemeralTexts(PEOPLE.requester).at(-1)).toContain("Only operators can request changes.");
    expect(estate.requests).toEqual([]);
  });
});
