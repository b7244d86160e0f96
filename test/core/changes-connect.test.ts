import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { executeChange } from "../../src/core/changes/execute-change.ts";
import { previewChange } from "../../src/core/changes/preview-change.ts";
import type { ChangeRequest } from "../../src/core/changes/types.ts";
import { BotError } from "../../src/errors.ts";
import { demo, startDemo, writesIn } from "./demo.ts";

let started: Awaited<ReturnType<typeof startDemo>>;
beforeEach(async () => {
  started = await startDemo();
});
afterEach(() => started.harness.close());

const connectWorkerToHub: ChangeRequest = { kind: "connect", appId: demo.app("orders-worker"), vnetId: demo.vnet("vnet-hub") };
const connectWorkerToShared: ChangeRequest = { kind: "connect", appId: demo.app("orders-worker"), vnetId: demo.sharedVnet };

describe("connect", () => {
  it("previews the four steps and the verification, the warnings and the target, and writes nothing", async () => {
    const plan = await previewChange(started.deps, connectWorkerToHub);

    expect(plan.title).toBe("Connect orders-worker to vnet-hub");
    expect(plan.steps.map((s) => s.id)).toEqual(["app-connection", "gateway-root-certificate", "vpn-package", "app-package", "verify"]);
    expect(plan.targetKey).toBe(`${demo.plan("plan-orders")}|vnet-hub`.toLowerCase());
    expect(plan.affectedApps).toEqual(["orders-worker"]);
    expect(plan.warnings.join("\n")).toMatch(/service endpoints[\s\S]*Key Vault references[\s\S]*31 March 2027 \(in 395 days\)/);
    expect(plan.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(writesIn(started.sim.requests)).toEqual([]);
  });

  it("connects the app: it gets the VNet and the package, and the plan's certificate is already on the gateway", async () => {
    const plan = await previewChange(started.deps, connectWorkerToHub);

    const outcome = await executeChange(started.deps, connectWorkerToHub, { expectedFingerprint: plan.fingerprint });

    expect(outcome.ok).toBe(true);
    expect(outcome.results.map((r) => `${r.stepId}:${r.status}`)).toEqual([
      "app-connection:done",
      "gateway-root-certificate:skipped",
      "vpn-package:done",
      "app-package:done",
      "verify:done",
    ]);
    const app = started.sim.state.apps.named("orders-worker");
    expect(app.vnetName).toBe("vnet-hub");
    expect(started.sim.state.connectionsOf(app.id)[0]?.vpnPackageUri).toMatch(/^https:/);
  });

  it("keeps the VPN package URL out of the step results", async () => {
    const outcome = await executeChange(started.deps, connectWorkerToHub);

    const packageUri = started.sim.state.connectionsOf(started.sim.state.apps.named("orders-worker").id)[0]?.vpnPackageUri;
    expect(packageUri).toBeTruthy();
    expect(JSON.stringify(outcome.results)).not.toContain(packageUri);
  });

  it("reports steps 1-2 done and step 3 failed when the package cannot be generated, and finishes when run again", async () => {
    started.sim.faults.add({ method: "POST", path: "/generatevpnclientpackage", failOperation: true, times: 1 });
    const progress: string[] = [];

    const first = await executeChange(started.deps, connectWorkerToShared, { onStep: (i, total, r) => void progress.push(`${i + 1}/${total} ${r.status}`) });
    const second = await executeChange(started.deps, connectWorkerToShared);

    expect(first.ok).toBe(false);
    expect(progress).toEqual(["1/5 done", "2/5 done", "3/5 failed"]);
    expect(first.error?.message).toMatch(/^Step 3 of 5 \(Generate gateway gw-shared's VPN client package\) failed: .* Steps 1-2 finished before it\.$/);
    expect(first.error?.hint).toMatch(/Run the same change again/);
    expect(second.ok).toBe(true);
    expect(second.results.map((r) => r.status)).toEqual(["skipped", "skipped", "done", "done", "done"]);
    expect(started.sim.state.gateways.named("gw-shared").rootCertificates.map((c) => c.name)).toEqual([expect.stringMatching(/^AppServiceCertificate-[0-9A-F]{8}\.cer$/)]);
  });

  it("refuses a Linux app with the reason and the fix, and changes nothing", async () => {
    const request: ChangeRequest = { kind: "connect", appId: demo.app("linux-api"), vnetId: demo.vnet("vnet-hub") };

    const error = await previewChange(started.deps, request).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BotError);
    expect((error as BotError).kind).toBe("ineligible");
    expect((error as BotError).message).toContain("Plan plan-linux runs Linux; gateway-required integration is Windows-only. Use regional VNet integration instead.");
    expect(writesIn(started.sim.requests)).toEqual([]);
  });

  it.each([
    ["a sixth VNet on a plan at the limit", "platform-new", "vnet-hub", /at most 5/],
    ["a coexistence gateway", "orders-worker", "vnet-coexist", /ExpressRoute gateway gw-coexist-er/],
    ["a gateway without SSTP", "orders-worker", "vnet-ikev2", /do not include SSTP/],
    ["a VNet without a gateway", "orders-worker", "vnet-nogateway", /has no VPN gateway/],
  ])("refuses %s", async (_case, app, vnet, message) => {
    const request: ChangeRequest = { kind: "connect", appId: demo.app(app), vnetId: demo.vnet(vnet) };

    await expect(executeChange(started.deps, request)).rejects.toThrow(message);
    expect(writesIn(started.sim.requests)).toEqual([]);
  });

  it("refuses to run when Azure changed since the preview, and changes nothing", async () => {
    const plan = await previewChange(started.deps, connectWorkerToHub);
    // The pool the approvers saw (and firewalls were opened for) is not the pool the app would get.
    started.sim.state.gateways.named("gw-hub").addressPool = ["172.16.250.0/24"];

    const error = await executeChange(started.deps, connectWorkerToHub, { expectedFingerprint: plan.fingerprint }).catch((e: unknown) => e);

    expect((error as BotError).kind).toBe("conflict");
    expect((error as BotError).message).toMatch(/^Azure changed since this was requested: /);
    expect(writesIn(started.sim.requests)).toEqual([]);
  });

  it("still runs when another integration only added its own root certificate to the shared gateway meanwhile", async () => {
    const plan = await previewChange(started.deps, connectWorkerToHub);
    started.sim.state.gateways.named("gw-hub").rootCertificates.push({ name: "AddedMeanwhile", publicCertData: "AAAA" });

    const outcome = await executeChange(started.deps, connectWorkerToHub, { expectedFingerprint: plan.fingerprint });

    expect(outcome.ok).toBe(true);
    expect(started.sim.state.gateways.named("gw-hub").rootCertificates.map((c) => c.name)).toContain("AddedMeanwhile");
  });
});
