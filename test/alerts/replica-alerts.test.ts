// Two replicas' alert checks on one database, running at the same moment: each announcement is claimed by one
// conditional write before it is posted, so the channel gets what one replica alone would post, never twice.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AlertDeps } from "../../src/core/alerts/alert-deps.ts";
import { alertIdOf, gatewayKey } from "../../src/core/alerts/alert-keys.ts";
import { claimAnnouncement, CLAIM_MS } from "../../src/core/alerts/announcement.ts";
import { runCertificateCheck } from "../../src/core/alerts/certificate-check.ts";
import { runGatewayCheck } from "../../src/core/alerts/gateway-check.ts";
import { readStoredProblem } from "../../src/core/alerts/problem-state.ts";
import { snoozeAlert } from "../../src/core/alerts/snooze-alert.ts";
import { STORE_BACKENDS, type TestDatabase } from "../store/store-backends.ts";
import { ALERTS, startAlertWorld, type AlertWorld } from "./alert-world.ts";

describe.each(STORE_BACKENDS)("two replicas' alert checks on one $name database", (backend) => {
  let world: AlertWorld;
  let database: TestDatabase | undefined;
  let replicas: [AlertDeps, AlertDeps];
  beforeEach(async (context) => {
    if (backend.unavailable) context.skip(backend.unavailable);
    world = await startAlertWorld({ reminderHours: 4 });
    database = await backend.createDatabase();
    replicas = [{ ...world.deps, store: (await database.open()).alerts }, { ...world.deps, store: (await database.open()).alerts }];
  });
  afterEach(async () => {
    await database?.dispose();
    database = undefined;
    await world?.close();
  });
  const onBoth = <T>(run: (deps: AlertDeps, now: Date) => Promise<T>) => Promise.all(replicas.map((deps) => run(deps, world.now())));
  const onBothSettled = <T>(run: (deps: AlertDeps, now: Date) => Promise<T>) => Promise.allSettled(replicas.map((deps) => run(deps, world.now())));
  const top = () => world.slack.workspace.messages(ALERTS);
  const threadOf = (subject: string) => world.slack.workspace.thread(ALERTS, top().find((m) => m.text.includes(subject))!.ts).map((m) => m.text);
  const gateway = (name: string) => world.azure.sim.state.gateways.named(name);

  it("posts each gateway alert, reminder and recovery once when both run every check at the same moment", async () => {
    await onBoth(runGatewayCheck);
    world.later(4);
    await onBoth(runGatewayCheck);
    world.later(1);
    gateway("gw-legacy").provisioningState = "Succeeded";
    world.azure.sim.state.setHealth(gateway("gw-legacy").id, "Available");
    await onBoth(runGatewayCheck);

    expect(top().map((m) => m.text.split(": ")[0]).sort()).toEqual([
      "Gateway gw-legacy (vnet-legacy) recovered",
      "plan-platform → vnet-data needs a network sync",
      "plan-platform → vnet-finance needs a network sync",
    ]);
    expect(threadOf("gw-legacy")).toEqual([expect.stringMatching(/^:repeat: Still down, for 4h now/), ":large_green_circle: Gateway gw-legacy (vnet-legacy) recovered after 5h."]);
    expect(threadOf("vnet-finance")).toEqual([expect.stringMatching(/^:repeat: Still waiting for a sync, for 4h now/)]);
  });

  it("posts one certificate digest, not one per replica nor one split between them, and the next threshold once", async () => {
    await onBoth(runCertificateCheck);
    world.later(24);
    await onBoth(runCertificateCheck);
    world.at("2026-03-31T10:00:00Z");
    await onBoth(runCertificateCheck);

    const digests = top().map((m) => m.text);
    expect(digests).toHaveLength(2);
    expect(JSON.stringify(top()[0]!.blocks)).toContain("vnet-legacy");
    expect(JSON.stringify(top()[0]!.blocks)).toContain("vnet-finance");
    expect(JSON.stringify(top()[1]!.blocks)).toContain("(59 days left)");
  });

  it("tells a failed scan once and its recovery once", async () => {
    const fault = world.azure.sim.faults.add({ method: "GET", path: /\/providers\/Microsoft\.Web\/serverfarms$/i, status: 403, code: "AuthorizationFailed", message: "no read" });
    // A scan that could read no subscription fails, on both replicas.
    const failed = [...(await onBothSettled(runCertificateCheck)), ...(await onBothSettled(runCertificateCheck))];
    expect(failed.map((outcome) => outcome.status)).toEqual(["rejected", "rejected", "rejected", "rejected"]);
    world.azure.sim.faults.remove(fault);
    await onBoth(runCertificateCheck);

    const notices = top().map((m) => m.text).filter((text) => !text.startsWith("VNet integration certificates"));
    expect(notices).toEqual([expect.stringMatching(/^:x: The certificate scan failed: vnetbot could not read any of the 2 configured subscriptions/), ":white_check_mark: The certificate scan works again: 10 integrations checked."]);
  });

  it("posts a digest that could not be posted at the next run, once", async () => {
    const failing = world.slack.fail("chat.postMessage", "fatal_error");
    const failed = await Promise.allSettled(replicas.map((deps) => runCertificateCheck(deps, world.now())));
    failing.restore();

    world.later(1);
    await onBoth(runCertificateCheck);

    expect(failed.map((outcome) => outcome.status)).toContain("rejected");
    expect(top().filter((m) => m.text.startsWith("VNet integration certificates"))).toHaveLength(1);
  });

  it("makes an announcement whose claimer died before posting once its claim has lapsed, and not before", async () => {
    // What a replica killed between claiming the gw-legacy alert and posting it leaves behind.
    const legacy = gatewayKey(world.azure.sim.state.vnets.named("vnet-legacy").id);
    const died = await claimAnnouncement(replicas[0].store, legacy, undefined, { announced: ["down"], snoozedUntil: undefined, lastResult: undefined, updatedAt: world.now() }, world.now());
    expect(died).toBeDefined();

    await onBoth(runGatewayCheck);
    const whileClaimed = top().filter((m) => m.text.includes("gw-legacy")).length;
    world.at(new Date(world.now().getTime() + CLAIM_MS));
    await onBoth(runGatewayCheck);

    expect(whileClaimed).toBe(0);
    expect(top().filter((m) => m.text.includes("gw-legacy"))).toHaveLength(1);
  });

  it("snoozes once, and keeps the reminder, when a snooze meets the reminder being posted for the same alert", async () => {
    await onBoth(runGatewayCheck);
    world.later(4);
    const held = world.slack.hold("chat.postMessage");
    const checking = runGatewayCheck(replicas[1], world.now());
    await held.reached;
    const [reminding] = (await replicas[0].store.list()).filter(({ key, state }) => state.claim && /^(gateway|resync):/.test(key));
    const alert = readStoredProblem(reminding!.state)!.message;

    const snoozing = snoozeAlert(replicas[0], { ref: alertIdOf(reminding!.key), ms: 3_600_000, reason: "ISP maintenance", userId: "U0OPS", now: world.now() });
    held.release();
    await Promise.all([checking, snoozing]);

    expect(world.slack.workspace.thread(ALERTS, alert.ts).map((m) => m.text)).toEqual([
      expect.stringMatching(/^:repeat: Still (down|waiting for a sync), for 4h now/),
      ":zzz: <@U0OPS> snoozed this alert until 2026-03-01 14:00 UTC: ISP maintenance",
    ]);
    expect((await replicas[1].store.get(reminding!.key))?.snoozedUntil).toEqual(new Date("2026-03-01T14:00:00Z"));
  });
});
