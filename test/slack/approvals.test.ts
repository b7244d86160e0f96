import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LocalMessage } from "../../src/stand-ins/slack/workspace.ts";
import { ids } from "../../src/core/resource-id.ts";
import { expectGolden } from "../support/slack-golden.ts";
import { CHANNELS, NOW, PEOPLE, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";

let now = NOW;
const clock = { now: () => now };
const ROUTE_ADD = "route add plan-orders vnet-hub 10.20.0.0/16";
const ROUTE_PUT = "PUT /subscriptions/6f1c2b7e-0d4a-4c1e-9a55-3c2d1e0f9a01/resourceGroups/rg-apps/providers/Microsoft.Web/serverfarms/plan-orders/virtualNetworkConnections/vnet-hub/routes/route-10-20-0-0-16";
const PLAN_ORDERS = ids.plan("6f1c2b7e-0d4a-4c1e-9a55-3c2d1e0f9a01", "rg-apps", "plan-orders");

// Every test writes to Azure or to the approval store, so each gets a fresh demo estate and bot.
let slack: SlackHarness;
beforeEach(async () => {
  now = NOW;
  slack = await startSlackHarness({ clock });
});
afterEach(() => slack.close());

const buttonsOf = (message: LocalMessage | undefined) => (message?.blocks ?? []).filter((b) => (b as { type: string }).type === "actions");
const routesIntoHub = () => slack.sim.state.routesOf(PLAN_ORDERS, "vnet-hub").map((r) => `${r.name} ${r.startAddress}`);

describe("change approval", () => {
  it("shows the requester the plan and posts a pending request with Approve and Reject to the approval channel", async () => {
    const message = await slack.requestChange(ROUTE_ADD);

    expect(slack.ephemeralTexts(PEOPLE.requester).at(-1)).toContain("Approval requested in <#C0APPROVALS> (request `req1`");
    expect(buttonsOf(message)).toHaveLength(1);
    expectGolden("approval-pending", message.blocks);
    expect(slack.azureWrites()).toEqual([]);
  });

  it("runs the change once however many approvers click at the same time", async () => {
    const message = await slack.requestChange(ROUTE_ADD);

    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => slack.click(i % 2 === 0 ? PEOPLE.approver : PEOPLE.groupApprover, "approve", "req1", message)));
    await slack.bot.idle();

    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(slack.azureWrites()).toEqual([ROUTE_PUT]);
    expect(routesIntoHub()).toContain("route-10-20-0-0-16 10.20.0.0/16");
    const answers = [...slack.ephemeralTexts(PEOPLE.approver), ...slack.ephemeralTexts(PEOPLE.groupApprover)];
    expect(answers.filter((t) => t.startsWith("You approved"))).toHaveLength(1);
    expect(answers.filter((t) => t.includes("was already approved"))).toHaveLength(19);
    const final = slack.current(message);
    expect(buttonsOf(final)).toEqual([]);
    expectGolden("approval-done", final?.blocks);
    expect(slack.threadTexts(message).at(-1)).toContain("<@U0REQUEST> done");
  });

  it("refuses the requester's own approval and changes nothing", async () => {
    const message = await slack.requestChange(ROUTE_ADD);

    await slack.click(PEOPLE.requester, "approve", "req1", message);
    await slack.bot.idle();

    expect(slack.ephemeralTexts(PEOPLE.requester).at(-1)).toContain("You asked for this change, so another approver has to decide it.");
    expect(slack.azureWrites()).toEqual([]);
    expect(buttonsOf(slack.current(message))).toHaveLength(1);
  });

  it("lets the requester withdraw their own pending request with Reject: no buttons, nothing runs, the target is free", async () => {
    const message = await slack.requestChange(ROUTE_ADD);

    await slack.click(PEOPLE.requester, "reject", "req1", message);
    await slack.bot.idle();

    expect(slack.ephemeralTexts(PEOPLE.requester).at(-1)).toContain("You withdrew request `req1`");
    expect(textOf(slack.current(message))).toContain("Withdrawn by <@U0REQUEST>");
    expect(buttonsOf(slack.current(message))).toEqual([]);
    expect((await slack.stores.audit.latest(1))[0]).toMatchObject({ actor: PEOPLE.requester, action: "reject", summary: expect.stringMatching(/^withdrawn by the requester: /) });
    await slack.click(PEOPLE.approver, "approve", "req1", message);
    await slack.bot.idle();
    expect(slack.azureWrites()).toEqual([]);
    expect((await slack.requestChange(ROUTE_ADD)).ts).not.toBe(message.ts);
  });

  it("refuses someone who is not an approver", async () => {
    const message = await slack.requestChange(ROUTE_ADD);

    await slack.click(PEOPLE.bystander, "approve", "req1", message);
    await slack.bot.idle();

    expect(slack.ephemeralTexts(PEOPLE.bystander).at(-1)).toContain("Only approvers can approve or reject changes.");
    expect(slack.azureWrites()).toEqual([]);
    expect(buttonsOf(slack.current(message))).toHaveLength(1);
  });

  it("expires an undecided request: the message says so, has no buttons, and a late click runs nothing", async () => {
    const message = await slack.requestChange(ROUTE_ADD);
    now = new Date(NOW.getTime() + 31 * 60_000);

    await slack.click(PEOPLE.approver, "approve", "req1", message);
    await slack.bot.idle();

    expect(slack.ephemeralTexts(PEOPLE.approver).at(-1)).toContain("Request `req1` expired at 2026-03-01 09:30 UTC; nothing ran.");
    expect(slack.threadTexts(message)).toContainEqual(expect.stringContaining(`:alarm_clock: <@${PEOPLE.requester}> Route 10.20.0.0/16 from plan-orders into vnet-hub expired without a decision; nothing ran.`));
    const expired = slack.current(message);
    expect(buttonsOf(expired)).toEqual([]);
    expectGolden("approval-expired", expired?.blocks);
    expect(slack.azureWrites()).toEqual([]);
  });

  it("marks a rejected request without buttons and runs nothing", async () => {
    const message = await slack.requestChange(ROUTE_ADD);

    await slack.click(PEOPLE.approver, "reject", "req1", message);
    await slack.bot.idle();

    expect(textOf(slack.current(message))).toContain("Rejected by <@U0APPROVE>");
    expect(buttonsOf(slack.current(message))).toEqual([]);
    expect(slack.azureWrites()).toEqual([]);
  });

  it("keeps a request approvable across a restart on the same database", async () => {
    const message = await slack.requestChange(ROUTE_ADD);

    await slack.restart();
    await slack.click(PEOPLE.approver, "approve", "req1", message);
    await slack.bot.idle();

    expect(slack.azureWrites()).toEqual([ROUTE_PUT]);
    expect(textOf(slack.current(message))).toContain("Done: 1 of 1 steps");
  });

  it("stops before running when Azure changed since the plan, and says why", async () => {
    const message = await slack.requestChange(ROUTE_ADD);
    slack.sim.state.routesOf(PLAN_ORDERS, "vnet-hub").push({ name: "portal", startAddress: "172.31.0.0/24", endAddress: undefined, routeType: "STATIC" });

    await slack.click(PEOPLE.approver, "approve", "req1", message);
    await slack.bot.idle();

    expect(slack.azureWrites()).toEqual([]);
    expect(textOf(slack.current(message))).toContain("Azure changed since this was requested");
    expect(slack.threadTexts(message).at(-1)).toContain("Nothing was changed. `/vnet route add plan-orders vnet-hub 10.20.0.0/16`, asked again, is planned against Azure as it is now.");
    expect(slack.threadTexts(message).at(-1)!.match(/Nothing was changed/g)).toHaveLength(1);
  });

  it("reports the failed step with Azure's reason and how to finish, and running it again completes the change", async () => {
    const message = await slack.requestChange(ROUTE_ADD);
    slack.sim.faults.add({ method: "PUT", path: "/routes/route-10-20-0-0-16", status: 409, code: "Conflict", message: "Cannot modify this web hosting plan because another operation is in progress.", times: 1 });

    await slack.click(PEOPLE.approver, "approve", "req1", message);
    await slack.bot.idle();

    const failed = slack.current(message);
    expect(textOf(failed)).toMatch(/Failed at step 1 of 1: .*Azure is busy with another operation on route route-10-20-0-0-16 of plan rg-apps\/plan-orders; try again in a minute\./);
    expect(textOf(failed)).toContain("Run `/vnet route add plan-orders vnet-hub 10.20.0.0/16` again to finish it");
    expectGolden("approval-failed", failed?.blocks);
    expect(routesIntoHub()).not.toContain("route-10-20-0-0-16 10.20.0.0/16");

    const again = await slack.requestChange(ROUTE_ADD);
    await slack.click(PEOPLE.approver, "approve", "req2", again);
    await slack.bot.idle();

    expect(textOf(slack.current(again))).toContain("Done: 1 of 1 steps");
    expect(routesIntoHub()).toContain("route-10-20-0-0-16 10.20.0.0/16");
  });

  it("refuses a second change of the same target and points at the first", async () => {
    await slack.requestChange(ROUTE_ADD);

    await slack.command(PEOPLE.operator, "route add plan-orders vnet-hub 10.30.0.0/16");
    await slack.bot.idle();

    expect(slack.ephemeralTexts(PEOPLE.operator).at(-1)).toContain("Another change of the same target is pending: Route 10.20.0.0/16 from plan-orders into vnet-hub (request `req1`, asked by <@U0REQUEST> in <#C0OPS> (approval in <#C0APPROVALS>)).");
    expect(slack.api.workspace.messages(CHANNELS.approvals)).toHaveLength(1);
    expect(slack.azureWrites()).toEqual([]);
  });

  it("records request, decision, execution and step with Azure's request ids in the audit trail", async () => {
    const message = await slack.requestChange(ROUTE_ADD);
    await slack.click(PEOPLE.approver, "approve", "req1", message);
    await slack.bot.idle();

    const { ack } = await slack.command(PEOPLE.bystander, "audit 10");

    const records = (await slack.stores.audit.latest(10)).reverse();
    expect(records.map((r) => `${r.actor} ${r.action}`)).toEqual(["U0REQUEST request", "U0APPROVE approve", "U0APPROVE execute", "vnetbot step", "vnetbot done"]);
    const stepIds = records.find((r) => r.action === "step")?.azureRequestIds ?? [];
    expect(stepIds).toEqual([expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)]);
    expect(ack?.text).toBe("Audit: the latest 5: 5 audit records");
    expect(JSON.stringify(ack?.blocks)).toContain(`Azure \`${stepIds[0]}\``);
  });
});

describe("operators", () => {
  it("refuses a change from someone who is not an operator, before reading Azure", async () => {
    await slack.close();
    slack = await startSlackHarness({ clock, operators: [PEOPLE.operator] });

    await slack.command(PEOPLE.requester, ROUTE_ADD);
    await slack.bot.idle();

    expect(slack.ephemeralTexts(PEOPLE.requester).at(-1)).toContain("Only operators can request changes.");
    expect(slack.sim.requests).toEqual([]);
    expect((await slack.stores.audit.latest(5)).map((r) => `${r.actor} ${r.action} ${r.summary}`)).toEqual([`${PEOPLE.requester} refuse not an operator: /vnet ${ROUTE_ADD}`]);
  });
});
