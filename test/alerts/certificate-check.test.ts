import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCertificateCheck } from "../../src/core/alerts/certificate-check.ts";
import { issueCertificateFor } from "../../src/stand-ins/arm/integration.ts";
import { ALERTS, buttonsOf, startAlertWorld, textOf, type AlertWorld } from "./alert-world.ts";

describe("the scheduled certificate check", () => {
  let world: AlertWorld;
  beforeEach(async () => {
    world = await startAlertWorld();
  });
  afterEach(() => world.close());
  const posts = () => world.slack.workspace.messages(ALERTS);

  it("posts one digest grouped by urgency, naming plan, VNet, apps, expiry and days left, with a Renew button each", async () => {
    await runCertificateCheck(world.deps, world.now());

    expect(posts()).toHaveLength(1);
    const digest = textOf(posts()[0]!);
    expect(digest).toContain(":red_circle: *Expired*\n• *plan-platform* → *vnet-legacy*: expired on 2026-02-09 (20 days ago). Apps: billing-legacy");
    expect(digest).toContain(":large_yellow_circle: *Expiring within 6 months*\n• *plan-basic* → *vnet-finance*: expires on 2026-05-30 (90 days left). Apps: payments-api");
    expect(digest.indexOf("Expired")).toBeLessThan(digest.indexOf("Expiring within 6 months"));
    // Slack refuses repeated action ids in one block: the second Renew is told apart by a suffix.
    expect(buttonsOf(posts()[0]!)).toEqual([expect.stringMatching(/^vnet:alert-renew=[0-9a-f]{6}:[0-9A-F]{40}$/), expect.stringMatching(/^vnet:alert-renew#2=[0-9a-f]{6}:[0-9A-F]{40}$/)]);
    expect(digest).toContain("0 of 10 integrations migrated to regional VNet integration, 395 days left");
  });

  it("warns once when a gateway the integrations use reaches 18 of its 20 root certificates, and again after it dropped below", async () => {
    const roots = world.azure.sim.state.gateways.named("gw-hub").rootCertificates;
    const fill = (count: number) => {
      for (let i = roots.length; i < count; i++) roots.push({ name: `TeamRoot${i}`, publicCertData: `MIIBteamroot${i}` });
    };
    await runCertificateCheck(world.deps, world.now());
    fill(18);

    await runCertificateCheck(world.deps, world.now());
    await runCertificateCheck(world.deps, world.now());
    roots.splice(5);
    await runCertificateCheck(world.deps, world.now());
    fill(20);
    await runCertificateCheck(world.deps, world.now());

    const warnings = posts().map(textOf).filter((t) => t.includes("running out of root certificates"));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain("• *gw-hub* holds 18 of 20 root certificates: 2 more plans can connect before it is full.");
    expect(warnings[1]).toContain("• *gw-hub* holds 20 of 20 root certificates: no plan can connect to it with a new certificate until one is removed.");
  });

  it("announces each threshold once: the next scans say nothing until a certificate crosses the next one", async () => {
    await runCertificateCheck(world.deps, world.now());
    world.later(24);
    await runCertificateCheck(world.deps, world.now());
    world.at("2026-03-31T10:00:00Z");
    await runCertificateCheck(world.deps, world.now());

    expect(posts()).toHaveLength(2);
    const second = textOf(posts()[1]!);
    expect(second).toContain("• *plan-basic* → *vnet-finance*: expires on 2026-05-30 (59 days left)");
    expect(second).not.toContain("vnet-legacy");
    expect(second).toContain("1 other certificate expiring or expired, announced before");
  });

  it("does not repeat announcements after a restart on the same database", async () => {
    await runCertificateCheck(world.deps, world.now());

    world.restart();
    world.later(1);
    const result = await runCertificateCheck(world.deps, world.now());

    expect(result.digestPosted).toBe(false);
    expect(posts()).toHaveLength(1);
  });

  it("announces a certificate whose thumbprint changed as renewed, and not as expiring", async () => {
    await runCertificateCheck(world.deps, world.now());
    const plan = world.azure.sim.state.plans.named("plan-basic");
    const vnet = world.azure.sim.state.vnets.named("vnet-finance");
    await issueCertificateFor(world.azure.sim.state, plan.id, vnet.id, world.now(), new Date("2034-03-01T00:00:00Z"));

    world.later(1);
    await runCertificateCheck(world.deps, world.now());

    expect(posts()).toHaveLength(2);
    const renewed = textOf(posts()[1]!);
    expect(renewed).toContain(":white_check_mark: *Renewed*\n• *plan-basic* → *vnet-finance*: new certificate, valid until 2034-03-01 (was 2026-05-30). Apps: payments-api");
    expect(buttonsOf(posts()[1]!)).toEqual([]);
  });

  it("does not call a certificate issued again with the same expiry renewed, nor announce it again", async () => {
    await runCertificateCheck(world.deps, world.now());
    const plan = world.azure.sim.state.plans.named("plan-basic");
    const vnet = world.azure.sim.state.vnets.named("vnet-finance");
    const before = world.azure.sim.state.certificateFor(plan.id, vnet.id)!;
    await issueCertificateFor(world.azure.sim.state, plan.id, vnet.id, world.now(), before.notAfter);

    world.later(1);
    const result = await runCertificateCheck(world.deps, world.now());

    expect(world.azure.sim.state.certificateFor(plan.id, vnet.id)!.thumbprint).not.toBe(before.thumbprint);
    expect(result.digestPosted).toBe(false);
    expect(posts()).toHaveLength(1);
  });

  it("tells the channel once when the scan fails, and once when it works again", async () => {
    await runCertificateCheck(world.deps, world.now());
    const fault = world.azure.sim.faults.add({ method: "GET", path: /\/providers\/Microsoft\.Web\/serverfarms$/i, status: 403, code: "AuthorizationFailed", message: "no read" });

    // No subscription can be read: the scan failed (and says so), it did not find "0 integrations".
    await expect(runCertificateCheck(world.deps, world.now())).rejects.toThrow(/could not read any of the 2 configured subscriptions/);
    await expect(runCertificateCheck(world.deps, world.now())).rejects.toThrow();
    world.azure.sim.faults.remove(fault);
    await runCertificateCheck(world.deps, world.now());

    const texts = posts().slice(1).map((m) => m.text);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toMatch(/^:x: The certificate scan failed: vnetbot could not read any of the 2 configured subscriptions, so it cannot tell which integrations exist: .*Microsoft\.Web\/serverfarms\/read/);
    expect(texts[1]).toBe(":white_check_mark: The certificate scan works again: 10 integrations checked.");
  });

  it("says so when a scan suddenly sees none of the integrations it saw before", async () => {
    await runCertificateCheck(world.deps, world.now());
    world.azure.sim.state.appConnections.clear();

    await runCertificateCheck(world.deps, world.now());
    await runCertificateCheck(world.deps, world.now());

    expect(posts().slice(1).map((m) => m.text)).toEqual([
      ":warning: The certificate scan found no gateway-required integrations, but the last one found 10. Check that the bot can still read the subscriptions (Reader role), or confirm they were all moved.",
    ]);
  });
});
