// Two bot processes on one PostgreSQL database, both scanning every second, against the ARM simulator and the Slack
// stand-in: the alert channel must get exactly what one replica alone posts, also when one of them is SIGKILLed in
// the middle of a scan or of a change.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ACTIONS } from "../../src/core/reply.ts";
import type { LocalMessage } from "../../src/stand-ins/slack/workspace.ts";
import { POSTGRES_BACKEND } from "../store/store-backends.ts";
import { ROOMS, TEAM, startReplicaWorld, type ReplicaWorld } from "../support/replica-world.ts";

const HOUR = 3_600_000;
// Yearly: the job stays out of the way of a test about the other one.
const QUIET = "0 0 1 1 *";

let world: ReplicaWorld | undefined;
beforeEach((context) => {
  if (POSTGRES_BACKEND.unavailable) context.skip(POSTGRES_BACKEND.unavailable);
});
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Resolves once check() holds, checking after every change in the workspace. */
const until = (check: () => boolean, timeoutMs = 20_000) => world!.slack.workspace.waitFor(() => (check() ? true : undefined), timeoutMs);
/** Resolves once check() holds for what is not in the workspace (the simulator's requests), checking every 20 ms. */
async function polled(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
const alerts = () => world!.slack.workspace.messages(ROOMS.alerts);
const about = (subject: string) => alerts().find((m) => m.text.includes(subject));
const threadOf = (subject: string) => {
  const message = about(subject);
  return message ? world!.slack.workspace.thread(ROOMS.alerts, message.ts).map((m) => m.text) : [];
};
const approveValueOf = (message: LocalMessage) =>
  (message.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>).flatMap((b) => b.elements ?? []).find((e) => e.action_id === ACTIONS.approve)?.value ?? "";

describe("two replicas on one PostgreSQL database", () => {
  it("post exactly what one replica posts: one digest, each alert, the snooze and its end, reminders and the recovery once", async () => {
    world = await startReplicaWorld();
    const replicas = await Promise.all([world.start("replica-a"), world.start("replica-b")]);
    const [, b] = replicas;
    const advance = (ms: number) => Promise.all(replicas.map((replica) => replica.advance(ms)));

    await until(() => alerts().length >= 4);
    let tick = await world.tickAfter("gateways", 0);
    tick = await world.tickAfter("gateways", tick);
    await world.command(b, TEAM.operator, "snooze gw-legacy 1h maintenance window");
    await until(() => threadOf("gw-legacy").length >= 1);
    await advance(2 * HOUR);
    await until(() => threadOf("gw-legacy").length >= 2);
    await advance(3 * HOUR);
    await until(() => threadOf("vnet-data").length >= 1 && threadOf("vnet-finance").length >= 1);
    world.azure.sim.state.gateways.named("gw-legacy").provisioningState = "Succeeded";
    world.azure.sim.state.setHealth(world.azure.sim.state.gateways.named("gw-legacy").id, "Available");
    await until(() => threadOf("gw-legacy").length >= 3);
    // A few more scans of both jobs, in which nothing new may be said.
    for (let i = 0; i < 3; i++) tick = await world.tickAfter("gateways", tick);
    await world.tickAfter("certificates", tick);
    await Promise.all(replicas.map((replica) => replica.stop()));

    expect(alerts().map((m) => m.text.split(": ")[0]).sort()).toEqual([
      "Gateway gw-legacy (vnet-legacy) recovered",
      "VNet integration certificates",
      "plan-platform → vnet-data needs a network sync",
      "plan-platform → vnet-finance needs a network sync",
    ]);
    expect(threadOf("gw-legacy")).toEqual([
      expect.stringMatching(/^:zzz: <@U0OPERATE> snoozed this alert until .*: maintenance window$/),
      expect.stringMatching(/^:alarm_clock: The snooze ended and Gateway gw-legacy \(vnet-legacy\) is still down/),
      expect.stringMatching(/^:large_green_circle: Gateway gw-legacy \(vnet-legacy\) recovered after 5h/),
    ]);
    expect(threadOf("vnet-data")).toEqual([expect.stringMatching(/^:repeat: Still waiting for a sync, for 5h now/)]);
    expect(threadOf("vnet-finance")).toEqual([expect.stringMatching(/^:repeat: Still waiting for a sync, for 5h now/)]);
  });

  it("lose nothing and double nothing when one is SIGKILLed in the middle of a scan: the other runs the next ticks", async () => {
    world = await startReplicaWorld({ certificates: QUIET, jobLeaseMs: 2_000 });
    // The first Resource Health read of the first gateway scan hangs: that scan is in progress until its replica dies.
    const hang = world.azure.sim.faults.add({ method: "GET", path: /\/providers\/Microsoft\.ResourceHealth\/availabilityStatuses\/current$/i, delayMs: 60_000, status: 503, times: 1 });
    const replicas = await Promise.all([world.start("replica-a"), world.start("replica-b")]);
    const scanning = () => world!.azure.sim.requests.some((r) => r.path.endsWith("/availabilityStatuses/current"));

    const victimName = await world.runningJob("gateways");
    await polled(scanning);
    const victim = replicas.find((replica) => replica.name === victimName)!;
    const postedBeforeTheKill = alerts().length;
    await victim.kill();
    world.azure.sim.faults.remove(hang);
    await until(() => alerts().length >= 3);
    let tick = await world.tickAfter("gateways", 0);
    tick = await world.tickAfter("gateways", tick);
    await world.tickAfter("gateways", tick);

    expect(postedBeforeTheKill).toBe(0);
    expect(alerts().map((m) => m.text.split(": ")[0]).sort()).toEqual([
      "Gateway gw-legacy (vnet-legacy) is down",
      "plan-platform → vnet-data needs a network sync",
      "plan-platform → vnet-finance needs a network sync",
    ]);
    expect(["gw-legacy", "vnet-data", "vnet-finance"].map(threadOf)).toEqual([[], [], []]);
  });

  it("resume a change whose replica was SIGKILLed mid-change from the other replica, once its restart has released it", async () => {
    world = await startReplicaWorld({ certificates: QUIET, gateways: QUIET });
    const [a, b] = await Promise.all([world.start("replica-a"), world.start("replica-b")]);
    const approvalMessages = () => world!.slack.workspace.messages(ROOMS.approvals);
    const current = (message: LocalMessage) => world!.slack.workspace.message(message.channel, message.ts)!;
    const ephemeral = (text: string) => world!.slack.workspace.ephemerals(TEAM.requester).some((e) => e.text.includes(text));
    // The first write of the change hangs: the change is running until its replica dies.
    const firstWrite = /\/sites\/orders-worker\/virtualNetworkConnections\/vnet-hub$/i;
    const hang = world.azure.sim.faults.add({ method: "PUT", path: firstWrite, delayMs: 60_000, status: 503, times: 1 });

    await world.command(a, TEAM.requester, "connect orders-worker vnet-hub");
    await until(() => approvalMessages().length === 1);
    const first = approvalMessages()[0]!;
    await world.click(a, TEAM.approver, ACTIONS.approve, approveValueOf(first), first);
    await polled(() => world!.azure.sim.requests.some((r) => r.method === "PUT" && firstWrite.test(r.path)));
    await a.kill();
    world.azure.sim.faults.remove(hang);
    await world.command(b, TEAM.requester, "connect orders-worker vnet-hub");
    await until(() => ephemeral("Another change of the same app is running"));
    await world.start("replica-a");
    await until(() => JSON.stringify(current(first).blocks).includes("Interrupted after"));
    await world.command(b, TEAM.requester, "connect orders-worker vnet-hub");
    await until(() => approvalMessages().length === 2);
    const second = approvalMessages()[1]!;
    await world.click(b, TEAM.approver, ACTIONS.approve, approveValueOf(second), second);
    await until(() => JSON.stringify(current(second).blocks).includes("Done: 5 of 5 steps"));

    expect(JSON.stringify(current(first).blocks)).toContain("Interrupted after 0 of 5 steps: the bot process running it stopped, or lost its database.");
    expect(world.slack.workspace.thread(ROOMS.approvals, first.ts).map((m) => m.text)).toEqual([
      expect.stringMatching(/^:warning: <@U0REQUEST> .* was interrupted after 0 of 5 steps: the bot process running it stopped, or lost its database, before the change ended \(the step that was running may have reached Azure\)/),
    ]);
    expect(world.azure.sim.state.apps.named("orders-worker").vnetName).toBe("vnet-hub");
    expect(await world.schema.query("SELECT status, owner FROM approvals ORDER BY created_at")).toEqual([
      { status: "interrupted", owner: "replica-a" },
      { status: "done", owner: "replica-b" },
    ]);
  });
});
