// What real ARM does where it is undocumented, answered both ways by the simulator's estate options, and the root
// certificate limit of a VPN gateway: the bot works either way and says plainly what happened.
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

const statuses = (outcome: { results: { stepId: string; status: string }[] }) => outcome.results.map((r) => `${r.stepId}:${r.status}`);

/** Fills the gateway's root certificates up to `count`, keeping the ones it has. */
function fillRoots(gateway: string, count: number): void {
  const roots = started.sim.state.gateways.named(gateway).rootCertificates;
  for (let i = roots.length; i < count; i++) roots.push({ name: `TeamRoot${i}`, publicCertData: `MIIBteamroot${i}` });
}

async function refusal(promise: Promise<unknown>): Promise<BotError> {
  const error = await promise.catch((e: unknown) => e);
  if (!(error instanceof BotError)) throw new Error(`expected a BotError, got ${String(error)}`);
  return error;
}

describe("a gateway's twenty root certificates", () => {
  it("refuses to connect an app whose plan brings a new certificate to a full gateway, before anything is written", async () => {
    fillRoots("gw-finance", 20);

    const error = await refusal(previewChange(started.deps, { kind: "connect", appId: demo.app("orders-worker"), vnetId: demo.vnet("vnet-finance") }));

    expect(error.kind).toBe("ineligible");
    expect(error.message).toContain("Gateway gw-finance already holds 20 of 20 root certificates, the most a VPN gateway takes, and this connect adds one.");
    expect(error.message).toMatch(/Remove a root certificate no integration or VPN user needs any more from gw-finance/);
    expect(writesIn(started.sim.requests)).toEqual([]);
  });

  it("connects to a full gateway when the plan's certificate is already one of its roots", async () => {
    fillRoots("gw-hub", 20);

    const outcome = await executeChange(started.deps, { kind: "connect", appId: demo.app("orders-worker"), vnetId: demo.vnet("vnet-hub") });

    expect(outcome.ok).toBe(true);
    expect(statuses(outcome)).toContain("gateway-root-certificate:skipped");
  });

  it("stops at the root certificate when the gateway filled up after the plan was shown, and says what to do", async () => {
    const request: ChangeRequest = { kind: "connect", appId: demo.app("orders-worker"), vnetId: demo.vnet("vnet-finance") };
    const plan = await previewChange(started.deps, request);

    // Another change fills the gateway while the app's connection is being created.
    const outcome = await executeChange(started.deps, request, { expectedFingerprint: plan.fingerprint, onStep: (index) => (index === 0 ? fillRoots("gw-finance", 20) : undefined) });

    expect(statuses(outcome).slice(0, 2)).toEqual(["app-connection:done", "gateway-root-certificate:failed"]);
    expect(outcome.error?.message).toMatch(/Gateway gw-finance already holds 20 of 20 root certificates, the most a VPN gateway takes/);
    expect(started.sim.state.gateways.named("gw-finance").rootCertificates).toHaveLength(20);
  });

  it.each(["sync", "async"] as const)("turns Azure's own refusal of a 21st root (%s) into a failure that names it", async (shape) => {
    started.sim.state.options.rootCertificateLimitError = shape;
    fillRoots("gw-hub", 20);

    const error = await refusal(started.deps.writer.addGatewayRootCertificate(demo.gateway("gw-hub"), "OneTooMany.cer", "MIIBonetoomany"));

    expect(error.message).toMatch(/gw-hub/);
    expect(error.message).toMatch(/VpnClientRootCertificateCountLimitReached|cannot have more than 20/);
    expect(started.sim.state.gateways.named("gw-hub").rootCertificates).toHaveLength(20);
  });
});

describe("a sync's preview, whether or not Azure reports the connection's DNS servers", () => {
  const request: ChangeRequest = { kind: "sync", planId: demo.plan("plan-platform"), vnetName: "vnet-data" };

  it("names the apps' stale DNS servers when Azure reports them (connectionDnsServers reported, the default)", async () => {
    const plan = await previewChange(started.deps, request);

    expect(plan.warnings).toContain("The VNet's DNS servers (10.40.0.4, 10.40.0.6) differ from the apps' (10.40.0.4): the sync brings them in line.");
  });

  it("says Azure reports none, rather than that the apps use Azure-provided DNS, when it never does (never)", async () => {
    started.sim.state.options.connectionDnsServers = "never";

    const plan = await previewChange(started.deps, request);

    expect(plan.warnings).toContain("Azure reports no DNS servers for the apps' connection; the sync gives them the VNet's (10.40.0.4, 10.40.0.6).");
    expect(plan.warnings.join(" ")).not.toContain("Azure-provided");
  });
});

describe("sync network, whichever call Azure honours", () => {
  const request: ChangeRequest = { kind: "sync", planId: demo.plan("plan-platform"), vnetName: "vnet-data" };
  const dns = () => started.sim.state.connectionsOf(started.sim.state.apps.named("platform-data").id)[0]?.dnsServers;

  it("gives each app Azure still flags the package itself when the plan-level update reaches no app (syncScope app, the default)", async () => {
    const outcome = await executeChange(started.deps, request);

    expect(statuses(outcome)).toEqual(["gateway-root-certificate:skipped", "vpn-package:done", "plan-package:done", "apps-in-sync:done"]);
    expect(outcome.results[3]?.detail).toBe("the plan-level update left platform-data flagged; each got the package itself");
    expect(dns()).toEqual(["10.40.0.4", "10.40.0.6"]);
  });

  it("stops at the plan-level update when it reaches every app (syncScope plan)", async () => {
    started.sim.state.options.syncScope = "plan";

    const outcome = await executeChange(started.deps, request);

    expect(outcome.results[3]?.detail).toBe("the plan-level update brought every app in sync");
    expect(writesIn(started.sim.requests).filter((w) => w.includes("/sites/"))).toEqual([]);
    expect(dns()).toEqual(["10.40.0.4", "10.40.0.6"]);
  });

  it.each([false, true])("finds the certificate whether or not the plan's connection carries it (planConnectionCertBlob %s)", async (carried) => {
    started.sim.state.options.planConnectionCertBlob = carried;
    const finance: ChangeRequest = { kind: "sync", planId: demo.plan("plan-platform"), vnetName: "vnet-finance" };
    const certificate = started.sim.state.certificateFor(demo.plan("plan-platform"), demo.vnet("vnet-finance"))!;

    const outcome = await executeChange(started.deps, finance);

    expect(statuses(outcome)[0]).toBe("gateway-root-certificate:done");
    expect(started.sim.state.gateways.named("gw-finance").rootCertificates.map((r) => r.publicCertData)).toContain(certificate.blob);
  });
});

describe("renewal, whether or not Azure issues a new certificate", () => {
  const request: ChangeRequest = { kind: "renew", appId: demo.app("payments-api"), vnetName: "vnet-finance" };

  it("replaces the certificate and takes the old one off the gateway when Azure issues a new one", async () => {
    const before = started.sim.state.certificateFor(demo.plan("plan-basic"), demo.vnet("vnet-finance"))!;
    const roots = started.sim.state.gateways.named("gw-finance").rootCertificates.length;

    const outcome = await executeChange(started.deps, request);

    const after = started.sim.state.certificateFor(demo.plan("plan-basic"), demo.vnet("vnet-finance"))!;
    expect(outcome.ok).toBe(true);
    expect(statuses(outcome).slice(-2)).toEqual(["new-certificate:done", "gateway-root-certificate-removal:done"]);
    expect(outcome.results.at(-2)?.detail).toMatch(new RegExp(`^certificate ${after.thumbprint}, valid until \\d{4}-\\d{2}-\\d{2}$`));
    const onGateway = started.sim.state.gateways.named("gw-finance").rootCertificates.map((r) => r.publicCertData);
    expect(onGateway).toContain(after.blob);
    expect(onGateway).not.toContain(before.blob);
    expect(onGateway).toHaveLength(roots);
  });

  it("says plainly that Azure kept the old certificate, and that the app works as before (reconnectCertificate keep)", async () => {
    started.sim.state.options.reconnectCertificate = "keep";
    const before = started.sim.state.certificateFor(demo.plan("plan-basic"), demo.vnet("vnet-finance"))!;

    const outcome = await executeChange(started.deps, request);

    expect(statuses(outcome).at(-1)).toBe("new-certificate:failed");
    expect(outcome.error?.message).toContain(`Azure reconnected payments-api to vnet-finance but kept its certificate ${before.thumbprint}`);
    expect(outcome.error?.message).toMatch(/payments-api works as before\. Try again closer to the expiry/);
    expect(outcome.error?.hint).toBe("payments-api is connected to vnet-finance and works as before; running the renewal again now would restart it for the same answer.");
    expect(started.sim.state.apps.named("payments-api").vnetName).toBe("vnet-finance");
    expect(started.sim.state.gateways.named("gw-finance").rootCertificates.map((r) => r.publicCertData)).toContain(before.blob);
  });

  it("refuses before the app restarts when a new certificate would not fit on the gateway", async () => {
    fillRoots("gw-finance", 20);

    const error = await refusal(previewChange(started.deps, request));

    expect(error.message).toContain("Gateway gw-finance already holds 20 of 20 root certificates");
    expect(started.sim.state.apps.named("payments-api").restarts).toBe(0);
  });
});

describe("the end of SSTP and of gateway-required integration", () => {
  it("refuses a gateway without SSTP with the reason and regional integration, not with 'enable SSTP'", async () => {
    const error = await refusal(previewChange(started.deps, { kind: "connect", appId: demo.app("orders-worker"), vnetId: demo.vnet("vnet-ikev2") }));

    expect(error.message).toMatch(/do not include SSTP, which App Service connects with\. SSTP can no longer be enabled on a gateway since 31 March 2026 .*use regional VNet integration instead\./);
    expect(error.message).not.toMatch(/Select SSTP/);
  });

  it("refuses to connect anything after 31 March 2027", async () => {
    const deps = { ...started.deps, clock: { now: () => new Date("2027-04-01T09:00:00Z") } };

    const error = await refusal(previewChange(deps, { kind: "connect", appId: demo.app("orders-worker"), vnetId: demo.vnet("vnet-hub") }));

    expect(error.message).toContain("Gateway-required integration was retired on 31 March 2027");
  });
});
