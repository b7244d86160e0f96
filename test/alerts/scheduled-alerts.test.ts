import { afterEach, beforeEach, expect, it } from "vitest";
import { silentLogger } from "../../src/log.ts";
import { startScheduler, type Scheduler } from "../../src/schedule/scheduler.ts";
import { certificateJob } from "../../handlers/job-certificates.ts";
import { gatewayJob } from "../../handlers/job-gateways.ts";
import { ALERTS, startAlertWorld, type AlertWorld } from "./alert-world.ts";

let world: AlertWorld;
let scheduler: Scheduler | undefined;
beforeEach(async () => {
  world = await startAlertWorld({ reminderHours: 4 });
});
afterEach(async () => {
  await scheduler?.stop();
  await world.close();
});

it("with both jobs every second, the channel gets exactly the expected digest, alerts, reminders and recovery, nothing twice", async () => {
  const gateways = gatewayJob(world.deps, "* * * * * *");
  let runs = 0;
  let finished: () => void = () => {};
  const fiveRuns = new Promise<void>((resolve) => (finished = resolve));
  // Each gateway run is two hours later than the last; the legacy gateway is repaired after the third.
  const stepped = {
    ...gateways,
    async run(now: Date) {
      await gateways.run(now);
      runs += 1;
      world.later(2);
      if (runs === 3) {
        world.azure.sim.state.gateways.named("gw-legacy").provisioningState = "Succeeded";
        world.azure.sim.state.setHealth(world.azure.sim.state.gateways.named("gw-legacy").id, "Available");
      }
      if (runs === 5) finished();
    },
  };
  scheduler = startScheduler({ schedule: { timezone: "Europe/Riga" }, jobs: [certificateJob(world.deps, "* * * * * *"), stepped], logger: silentLogger, clock: { now: () => world.now() } });

  await fiveRuns;
  await scheduler.stop();

  const top = world.slack.workspace.messages(ALERTS);
  expect(top.filter((m) => m.text.startsWith("VNet integration certificates"))).toHaveLength(1);
  const alerts = top.filter((m) => !m.text.startsWith("VNet integration certificates")).map((m) => m.text.split(": ")[0]);
  // erp-connector's classic VNet cannot be read through Resource Manager: its gateway is "not checked", never "down".
  expect(alerts.sort()).toEqual([
    "Gateway gw-legacy (vnet-legacy) recovered",
    "plan-platform → vnet-data needs a network sync",
    "plan-platform → vnet-finance needs a network sync",
  ]);
  const thread = (subject: string) => world.slack.workspace.thread(ALERTS, top.find((m) => m.text.includes(subject))!.ts).map((m) => m.text);
  expect(thread("gw-legacy")).toEqual([
    expect.stringMatching(/^:repeat: Still down, for 4h now \(since 2026-03-01 09:00 UTC\)/),
    ":large_green_circle: Gateway gw-legacy (vnet-legacy) recovered after 6h.",
  ]);
  expect(thread("vnet-finance")).toEqual([expect.stringMatching(/^:repeat: Still waiting for a sync, for 4h now/), expect.stringMatching(/^:repeat: Still waiting for a sync, for 8h now/)]);
});
