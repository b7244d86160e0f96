import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { alertIdOf, gatewayKey } from "../../src/core/alerts/alert-keys.ts";
import { runGatewayCheck } from "../../src/core/alerts/gateway-check.ts";
import { snoozeAlert } from "../../src/core/alerts/snooze-alert.ts";
import { createInventoryKeeper } from "../../src/core/inventory-keeper.ts";
import { createLocalLocks } from "../../src/core/local-locks.ts";
import { ALERTS, buttonsOf, startAlertWorld, textOf, type AlertWorld } from "./alert-world.ts";

describe("the scheduled gateway check", () => {
  let world: AlertWorld;
  beforeEach(async () => {
    world = await startAlertWorld({ reminderHours: 4 });
  });
  afterEach(() => world.close());
  const top = () => world.slack.workspace.messages(ALERTS);
  const alertFor = (subject: string) => top().find((m) => m.text.includes(subject))!;
  const threadOf = (subject: string) => world.slack.workspace.thread(ALERTS, alertFor(subject).ts).map((m) => m.text);
  const gateway = (name: string) => world.azure.sim.state.gateways.named(name);
  const hubAlertId = () => alertIdOf(gatewayKey(world.azure.sim.state.vnets.named("vnet-hub").id));

  it("alerts once on the transition to down, naming the apps cut off and since when, with Snooze buttons", async () => {
    await runGatewayCheck(world.deps, world.now());
    world.later(1);
    await runGatewayCheck(world.deps, world.now());

    const legacy = alertFor("gw-legacy");
    expect(top().filter((m) => m.text.includes("gw-legacy"))).toHaveLength(1);
    expect(textOf(legacy)).toContain("*Apps cut off:* billing-legacy (plan-platform)\n*Since:* 2026-03-01 09:00 UTC\n*Why:* provisioning state Failed");
    expect(buttonsOf(legacy).map((b) => b.split("=")[0])).toEqual(["vnet:alert-snooze-1h", "vnet:alert-snooze-4h", "vnet:alert-snooze-24h"]);
    expect(threadOf("gw-legacy")).toEqual([]);
  });

  it("claims an alert for five minutes from when it claims it, not from when a long scan started", async () => {
    const legacyKey = gatewayKey(world.azure.sim.state.vnets.named("vnet-legacy").id);
    let claimWhilePosting: Promise<unknown> | undefined;
    world.slack.workspace.events.on("change", (event) => {
      if (event.type === "message" && event.message.text.includes("gw-legacy")) claimWhilePosting ??= world.stores.alerts.get(legacyKey);
    });
    vi.useFakeTimers({ toFake: ["performance"] });
    try {
      const run = runGatewayCheck(world.deps, world.now());
      // The scan takes seven minutes (a large subscription at ARM's read rate): the monotonic clock moves on.
      vi.advanceTimersByTime(7 * 60_000);
      await run;
    } finally {
      vi.useRealTimers();
    }

    const claim = ((await claimWhilePosting) as { claim?: { until: Date } } | undefined)?.claim;
    expect(claim?.until.getTime()).toBeGreaterThanOrEqual(world.now().getTime() + 12 * 60_000);
  });

  it("treats a VNet that no longer exists as down, not as a read that failed", async () => {
    await runGatewayCheck(world.deps, world.now());
    const hr = world.azure.sim.state.vnets.named("vnet-hr");
    world.azure.sim.state.vnets.delete(hr.id);
    world.later(1);

    await runGatewayCheck(world.deps, world.now());

    expect(textOf(alertFor("The gateway of vnet-hr"))).toContain("*Why:* VNet vnet-hr no longer exists in Azure");
    expect(textOf(alertFor("The gateway of vnet-hr"))).toContain("platform-hr (plan-platform)");
    expect(top().map((m) => m.text).join("\n")).not.toContain("Part of the gateway check failed");
  });

  it("delivers the other alerts when one update cannot be posted, and delivers that one on the next run", async () => {
    await runGatewayCheck(world.deps, world.now());
    gateway("gw-legacy").provisioningState = "Succeeded";
    world.azure.sim.state.setHealth(gateway("gw-legacy").id, "Available");
    gateway("gw-hr").provisioningState = "Failed";
    world.later(1);
    const failing = world.slack.fail("chat.update", "fatal_error");

    await expect(runGatewayCheck(world.deps, world.now())).rejects.toThrow(/could not deliver 1 alert update/);

    expect(top().filter((m) => m.text.includes("gw-hr"))).toHaveLength(1);
    failing.restore();
    world.later(1);
    await runGatewayCheck(world.deps, world.now());
    expect(textOf(alertFor("gw-legacy"))).toMatch(/recovered|Recovered/);
    expect(top().filter((m) => m.text.includes("gw-hr"))).toHaveLength(1);
  });

  it("flags integrations whose VNet connection needs a resync, with the sync command", async () => {
    await runGatewayCheck(world.deps, world.now());

    expect(textOf(alertFor("plan-platform → vnet-finance needs a network sync"))).toContain("*Fix:* `/vnet sync plan-platform vnet-finance`");
  });

  it("treats Resource Health Unavailable as down and a busy gateway as not down", async () => {
    await runGatewayCheck(world.deps, world.now());
    gateway("gw-data").provisioningState = "Updating";
    world.azure.sim.state.setHealth(gateway("gw-data").id, "Unavailable");
    world.azure.sim.state.setHealth(gateway("gw-hub").id, "Unavailable");

    world.later(0.1);
    const result = await runGatewayCheck(world.deps, world.now());

    expect(result.opened).toEqual(["Gateway gw-hub (vnet-hub)"]);
    expect(textOf(alertFor("gw-hub"))).toContain("*Apps cut off:* orders-api (plan-orders), orders-api/staging (plan-orders), orders-web (plan-orders)");
  });

  it("reminds in the thread every reminderHours while it lasts, then updates the message and the thread when it recovers", async () => {
    await runGatewayCheck(world.deps, world.now());
    world.later(3);
    await runGatewayCheck(world.deps, world.now());
    world.later(1);
    await runGatewayCheck(world.deps, world.now());
    world.later(1);
    gateway("gw-legacy").provisioningState = "Succeeded";
    world.azure.sim.state.setHealth(gateway("gw-legacy").id, "Available");
    await runGatewayCheck(world.deps, world.now());
    world.later(4);
    await runGatewayCheck(world.deps, world.now());

    const legacy = alertFor("gw-legacy");
    expect(threadOf("gw-legacy")).toEqual([
      expect.stringMatching(/^:repeat: Still down, for 4h now \(since 2026-03-01 09:00 UTC\)/),
      ":large_green_circle: Gateway gw-legacy (vnet-legacy) recovered after 5h.",
    ]);
    // Brought up to date at the reminder, then marked recovered.
    expect(legacy.edits).toBe(2);
    expect(legacy.text).toContain("Gateway gw-legacy (vnet-legacy) recovered");
    expect(textOf(legacy)).toContain("*Was down:* 2026-03-01 09:00 UTC → 2026-03-01 14:00 UTC (5h)");
    expect(buttonsOf(legacy)).toEqual([]);
  });

  it("brings the alert's message up to date at a reminder, and finds it by the gateway's name once the gateway is gone", async () => {
    world.azure.sim.state.setHealth(gateway("gw-hub").id, "Unavailable");
    await runGatewayCheck(world.deps, world.now());
    world.azure.sim.state.gateways.delete(gateway("gw-hub").id);
    world.later(4);

    await runGatewayCheck(world.deps, world.now());
    const reply = await snoozeAlert(world.deps, { ref: "gw-hub", ms: 3_600_000, reason: "being rebuilt", userId: "U0OPS", now: world.now() });

    const hub = alertFor("The gateway of vnet-hub is down");
    // The alert posted for gw-hub, updated in place (the sync alert of plan-orders → vnet-hub is another).
    expect(top().filter((m) => / is down$/.test(m.text) && m.text.includes("vnet-hub"))).toHaveLength(1);
    expect(textOf(hub)).toContain("*Why:* the VNet has no VPN gateway");
    expect(world.slack.workspace.thread(ALERTS, hub.ts).map((m) => m.text)[0]).toMatch(/^:repeat: Still down, for 4h now/);
    expect(reply.text).toMatch(/^:zzz: The gateway of vnet-hub is snoozed until/);
  });

  it("still reminds in the thread when the alert's message can no longer be updated", async () => {
    await runGatewayCheck(world.deps, world.now());
    world.later(4);
    const failing = world.slack.fail("chat.update", "message_not_found");

    await runGatewayCheck(world.deps, world.now());
    failing.restore();

    expect(threadOf("gw-legacy")).toEqual([expect.stringMatching(/^:repeat: Still down, for 4h now/)]);
  });

  it("ends the alert of a gateway no integration depends on any more without calling it recovered", async () => {
    await runGatewayCheck(world.deps, world.now());
    // billing-legacy leaves gw-legacy (migrated or disconnected) while the gateway is still Failed.
    world.azure.sim.state.connectionsOf(world.azure.sim.state.apps.named("billing-legacy").id).splice(0);
    world.later(1);

    await runGatewayCheck(world.deps, world.now());

    const legacy = alertFor("gw-legacy");
    expect(legacy.text).toContain("Gateway gw-legacy (vnet-legacy): no integration depends on it any more");
    expect(textOf(legacy)).toContain("*Apps that depended on it:* billing-legacy (plan-platform) (moved or disconnected since)");
    expect(textOf(legacy)).toContain("*Alerted:* 2026-03-01 09:00 UTC → 2026-03-01 10:00 UTC (1h)");
    expect(textOf(legacy)).toContain("This is not a recovery: vnetbot stopped watching it, and it may still be down.");
    expect(textOf(legacy)).not.toMatch(/recovered|Was down|Apps cut off/);
    expect(threadOf("gw-legacy")).toEqual([":white_circle: Gateway gw-legacy (vnet-legacy): no integration depends on it any more (alerted for 1h); vnetbot stops watching it."]);
  });

  it("honours a snooze: shown on the alert, no reminders while it lasts, announced when it ends", async () => {
    world.azure.sim.state.setHealth(gateway("gw-hub").id, "Unavailable");
    await runGatewayCheck(world.deps, world.now());

    await snoozeAlert(world.deps, { ref: hubAlertId(), ms: 6 * 3_600_000, reason: "ISP maintenance", userId: "U0OPS", now: world.now() });
    world.later(5);
    await runGatewayCheck(world.deps, world.now());
    world.later(1.5);
    await runGatewayCheck(world.deps, world.now());

    expect(threadOf("gw-hub")).toEqual([
      ":zzz: <@U0OPS> snoozed this alert until 2026-03-01 15:00 UTC: ISP maintenance",
      ":alarm_clock: The snooze ended and Gateway gw-hub (vnet-hub) is still down (since 2026-03-01 09:00 UTC, 6h 30m).",
    ]);
    expect(textOf(alertFor("gw-hub"))).not.toContain("Snoozed until");
    expect(buttonsOf(alertFor("gw-hub"))).toHaveLength(3);
  });

  it("shows the snooze on the alert itself while it lasts, and finds the alert by gateway name", async () => {
    world.azure.sim.state.setHealth(gateway("gw-hub").id, "Unavailable");
    await runGatewayCheck(world.deps, world.now());

    const reply = await snoozeAlert(world.deps, { ref: "GW-HUB", ms: 3_600_000, reason: "", userId: "U0OPS", now: world.now() });

    expect(reply.text).toBe(":zzz: Gateway gw-hub (vnet-hub) is snoozed until 2026-03-01 10:00 UTC. Reminders stop until then; a recovery is still announced.");
    expect(textOf(alertFor("gw-hub"))).toContain(":zzz: Snoozed until 2026-03-01 10:00 UTC by <@U0OPS>");
    expect(buttonsOf(alertFor("gw-hub"))).toEqual([]);
  });

  it("announces recovery even while snoozed", async () => {
    world.azure.sim.state.setHealth(gateway("gw-hub").id, "Unavailable");
    await runGatewayCheck(world.deps, world.now());
    await snoozeAlert(world.deps, { ref: hubAlertId(), ms: 24 * 3_600_000, reason: "known", userId: "U0OPS", now: world.now() });

    world.later(2);
    world.azure.sim.state.setHealth(gateway("gw-hub").id, "Available");
    await runGatewayCheck(world.deps, world.now());

    expect(threadOf("gw-hub").at(-1)).toBe(":large_green_circle: Gateway gw-hub (vnet-hub) recovered after 2h.");
  });

  it("does not alert again, nor remind early, after a restart on the same database", async () => {
    await runGatewayCheck(world.deps, world.now());
    const before = top().length;

    world.restart();
    world.later(2);
    const result = await runGatewayCheck(world.deps, world.now());

    expect(result).toEqual({ opened: [], reminded: [], snoozeEnded: [], resolved: [] });
    expect(top()).toHaveLength(before);
  });

  it("keeps open alerts open while reads fail, and says once that the check is incomplete", async () => {
    await runGatewayCheck(world.deps, world.now());
    world.azure.sim.faults.add({ method: "GET", path: /virtualNetworks\/vnet-legacy$/i, status: 403, code: "AuthorizationFailed", message: "no read" });

    world.later(1);
    const first = await runGatewayCheck(world.deps, world.now());
    world.later(1);
    await runGatewayCheck(world.deps, world.now());

    expect(first.resolved).toEqual([]);
    expect(top().filter((m) => m.text.startsWith(":warning: Part of the gateway check failed"))).toHaveLength(1);
  });
});

describe("the scheduled gateway check on the kept inventory", () => {
  let world: AlertWorld;
  beforeEach(async () => {
    world = await startAlertWorld({ reminderHours: 4 });
  });
  afterEach(() => world.close());

  it("reads only the gateways and their health, and still sees a gateway that failed since the inventory was kept", async () => {
    const keeper = createInventoryKeeper({ reader: world.azure.reader, store: world.stores.alerts, subscriptions: world.azure.subscriptions, clock: { now: () => world.now() }, locks: createLocalLocks() });
    await keeper.refresh();
    world.azure.sim.state.gateways.named("gw-hr").provisioningState = "Failed";
    const before = world.azure.sim.requests.length;

    await runGatewayCheck({ ...world.deps, inventory: keeper }, world.now());

    const paths = world.azure.sim.requests.slice(before).map((r) => r.path);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((path) => !/\/virtualNetworkGateways\/[^/]+$|\/availabilityStatuses\/current$/i.test(path))).toEqual([]);
    expect(world.slack.workspace.messages(ALERTS).map((m) => m.text)).toEqual(expect.arrayContaining([expect.stringContaining("Gateway gw-hr (vnet-hr) is down")]));
  });
});
