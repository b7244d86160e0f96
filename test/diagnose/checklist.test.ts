import { describe, expect, it } from "vitest";
import { memoryMigrations } from "../support/memory-migrations.ts";
import { createLocalLocks } from "../../src/core/local-locks.ts";
import { executeChange } from "../../src/core/changes/execute-change.ts";
import { diagnoseApp } from "../../src/core/diagnose/diagnose.ts";
import { BotError } from "../../src/errors.ts";
import { checkOf, diagnoseIn, idsWith, shop, startEstate } from "./estates.ts";

describe("a healthy integration", () => {
  it.each([
    ["a database in its VNet", "sql.shop.internal:1433", ["target-route", "nsg"]],
    ["a service in a peered VNet", "catalog.shop.internal:443", ["target-route", "peering", "nsg"]],
    ["an on-premises host across the site-to-site VPN", "erp.corp.internal:443", ["target-route", "site-to-site"]],
  ])("passes clean for %s", async (_what, target, pathChecks) => {
    const diagnosis = await diagnoseIn("healthy", "shop-api", target);

    expect(idsWith(diagnosis, "fail")).toEqual([]);
    expect(idsWith(diagnosis, "warn")).toEqual([]);
    expect(diagnosis.checks.map((c) => c.id)).toEqual([
      "eligibility", "gateway-up", "p2s-pool", "certificate-on-gateway", "dns-servers", "resync", "certificate-expiry", "private-ip",
      "dns-lookup", ...pathChecks, "tcp-connect",
    ]);
  });

  it("runs the integration checks alone when no host is given, and says what a host would add", async () => {
    const diagnosis = await diagnoseIn("healthy", "shop-api");

    expect(idsWith(diagnosis, "fail")).toEqual([]);
    expect(diagnosis.checks.some((c) => c.id === "tcp-connect")).toBe(false);
    expect(diagnosis.notes.join(" ")).toMatch(/HOST\[:PORT\]/);
  });

  it("does not take a connection that reports no DNS servers for one that lost the VNet's, and still resolves through the worker (connectionDnsServers never)", async () => {
    const { harness, deps, sim } = await startEstate("healthy");
    try {
      sim.state.options.connectionDnsServers = "never";
      const diagnosis = await diagnoseApp(deps, "shop-api", "sql.shop.internal:1433");

      expect(idsWith(diagnosis, "fail")).toEqual([]);
      expect(checkOf(diagnosis, "dns-servers")).toMatchObject({ status: "warn", evidence: "VNet vnet-hub uses 10.10.0.4; Azure reports no DNS servers for the app's connection, so whether the app got them at its last sync cannot be told." });
      expect(checkOf(diagnosis, "dns-lookup").status).toBe("pass");
    } finally {
      await harness.close();
    }
  });

  it("reminds that the on-premises device must route the P2S pool back", async () => {
    const diagnosis = await diagnoseIn("healthy", "shop-api", "erp.corp.internal:443");

    expect(checkOf(diagnosis, "site-to-site").evidence).toMatch(/reached through s2s-datacenter \(Connected\), whose local network announces 192\.168\.0\.0\/16\..*must route 172\.16\.201\.0\/24 back/);
  });
});

describe("a seeded fault", () => {
  it.each([
    { estate: "nsg-deny", target: "sql.shop.internal:1433", failing: ["nsg", "tcp-connect"], named: /deny-p2s-sql \(priority 150\)/, change: undefined },
    { estate: "peering-flag", target: "catalog.shop.internal:443", failing: ["peering", "tcp-connect"], named: /spoke-to-hub lacks useRemoteGateways/, change: "peer" },
    { estate: "missing-route", target: "catalog.shop.internal:443", failing: ["target-route", "tcp-connect"], named: /no route for it/, change: "route-add" },
    { estate: "resync-needed", target: undefined, failing: ["resync"], named: /needing a resync/, change: "sync" },
    { estate: "dns-drift", target: "sql.shop.internal:1433", failing: ["dns-servers", "dns-lookup"], named: /uses 10\.10\.0\.4 but the app still has 10\.10\.0\.5/, change: "sync" },
    { estate: "cert-missing", target: "10.10.1.4:1433", failing: ["certificate-on-gateway", "tcp-connect"], named: /does not have the plan's certificate/, change: "sync" },
    { estate: "gateway-failed", target: "10.10.1.4:1433", failing: ["gateway-up", "tcp-connect"], named: /gw-hub is down \(provisioning Failed, Resource Health Unavailable\)/, change: undefined },
    { estate: "unreachable-host", target: "sql.shop.internal:1433", failing: ["tcp-connect"], named: /timed out/, change: undefined },
  ])("$estate: names the fault and its fix", async ({ estate, target, failing, named, change }) => {
    const diagnosis = await diagnoseIn(estate, "shop-api", target);

    const fault = checkOf(diagnosis, failing[0] as never);
    expect(idsWith(diagnosis, "fail")).toEqual(failing);
    expect(idsWith(diagnosis, "warn")).toEqual([]);
    expect(fault.evidence).toMatch(named);
    expect(fault.fix).toBeTruthy();
    expect(fault.change?.kind).toBe(change);
  });

  it("a VNet whose gateway was deleted: says so and points to regional integration, since a new gateway could not have SSTP", async () => {
    const { harness, deps, sim } = await startEstate("healthy");
    try {
      for (const gateway of sim.state.gateways.values()) sim.state.gateways.delete(gateway.id);

      const diagnosis = await diagnoseApp(deps, "shop-api", "10.10.1.4:1433");

      const gatewayUp = checkOf(diagnosis, "gateway-up");
      expect(gatewayUp.status).toBe("fail");
      expect(gatewayUp.evidence).toBe("VNet vnet-hub has no VPN gateway.");
      expect(gatewayUp.fix).toContain("SSTP can no longer be enabled");
      expect(gatewayUp.fix).toContain("`/vnet migrate shop-api`");
      expect(gatewayUp.fix).not.toMatch(/create .*gateway/i);
    } finally {
      await harness.close();
    }
  });

  it("offers the exact route the peered VNet needs", async () => {
    const diagnosis = await diagnoseIn("missing-route", "shop-api", "catalog.shop.internal:443");

    expect(checkOf(diagnosis, "target-route").change).toEqual({ kind: "route-add", planId: shop.plan, vnetName: "vnet-hub", range: "10.20.0.0/16" });
  });

  it("offers the peering between the integration's VNet and the peered one", async () => {
    const diagnosis = await diagnoseIn("peering-flag", "shop-api", "catalog.shop.internal:443");

    const change = checkOf(diagnosis, "peering").change;
    expect(change).toMatchObject({ kind: "peer", planId: shop.plan });
    expect(change?.kind === "peer" ? [change.vnetId.toLowerCase(), change.remoteVnetId.toLowerCase()] : []).toEqual([shop.hub.toLowerCase(), shop.spoke.toLowerCase()]);
  });
});

describe("bad input", () => {
  it.each([
    ["an unknown app", "no-such-app", undefined, "not-found", /No app "no-such-app"/],
    ["an app without gateway-required integration", "shop-worker", undefined, "not-found", /shop-worker has no gateway-required VNet integration/],
    ["a host that does not parse", "shop-api", "sql.shop.internal:99999", "usage", /port must be a number/],
  ])("answers %s with a clear message", async (_what, app, target, kind, message) => {
    const { harness, deps } = await startEstate("healthy");
    try {
      const attempt = diagnoseApp(deps, app, target);

      await expect(attempt).rejects.toBeInstanceOf(BotError);
      await expect(attempt).rejects.toMatchObject({ kind, message: expect.stringMatching(message) });
    } finally {
      await harness.close();
    }
  });
});

describe("an app without an integration to diagnose", () => {
  it("is pointed to regional integration, not to a gateway-required connect that is being retired", async () => {
    const { harness, deps } = await startEstate("healthy");
    try {
      const error = await diagnoseApp(deps, "shop-worker").catch((e: unknown) => e);

      expect(error).toMatchObject({ kind: "not-found", hint: expect.stringContaining("should use regional integration") });
      expect((error as BotError).hint).not.toContain("/vnet connect");
    } finally {
      await harness.close();
    }
  });
});

describe("the fix a diagnosis offers", () => {
  it.each([
    ["missing-route", "catalog.shop.internal:443", "target-route"],
    ["peering-flag", "catalog.shop.internal:443", "peering"],
    ["dns-drift", "sql.shop.internal:1433", "dns-servers"],
    ["cert-missing", "sql.shop.internal:1433", "certificate-on-gateway"],
    ["resync-needed", "sql.shop.internal:1433", "resync"],
  ])("%s: clears the fault once the offered change has run", async (estate, target, id) => {
    const { harness, deps } = await startEstate(estate);
    try {
      const before = await diagnoseApp(deps, "shop-api", target);
      const change = checkOf(before, id as never).change!;

      const outcome = await executeChange({ reader: deps.reader, writer: harness.writer, clock: deps.clock, locks: createLocalLocks(), subscriptions: deps.subscriptions, migrations: memoryMigrations(deps.clock) }, change);
      const after = await diagnoseApp(deps, "shop-api", target);

      expect(outcome.ok).toBe(true);
      expect(idsWith(after, "fail")).toEqual([]);
      expect(idsWith(after, "warn")).toEqual([]);
    } finally {
      await harness.close();
    }
  });

  it("blames a failed lookup on the stale DNS servers, and offers the sync for it too", async () => {
    const diagnosis = await diagnoseIn("dns-drift", "shop-api", "sql.shop.internal:1433");

    const lookup = checkOf(diagnosis, "dns-lookup");
    expect(lookup.evidence).toMatch(/timed out \(server 10\.10\.0\.5\)/);
    expect(lookup.fix).toMatch(/still asks its old DNS servers: Sync network/);
    expect(lookup.change?.kind).toBe("sync");
  });
});

describe("the certificate's lifetime", () => {
  it.each([
    ["payments-api", "warn", /expires on 2026-08-02 \(in 90 days\)/],
    ["billing-legacy", "fail", /expired on \d{4}-\d\d-\d\d; the tunnel cannot authenticate/],
  ])("%s: %s, with renewal offered", async (app, status, evidence) => {
    const diagnosis = await diagnoseIn("demo", app);

    const expiry = checkOf(diagnosis, "certificate-expiry");
    expect(expiry.status).toBe(status);
    expect(expiry.evidence).toMatch(evidence);
    expect(expiry.change).toMatchObject({ kind: "renew", vnetName: expect.any(String) });
  });
});

describe("across a site-to-site VPN", () => {
  it("passes a host behind a tunnel that is up, whatever other tunnels do, naming the one that announces it", async () => {
    // The demo's gw-hub: s2s-amsterdam (Connected) announces 192.168.0.0/16, s2s-dublin (NotConnected) 172.20.0.0/16.
    const diagnosis = await diagnoseIn("demo", "orders-api", "192.168.10.20:443");

    const s2s = checkOf(diagnosis, "site-to-site");
    expect(s2s.status).toBe("pass");
    expect(s2s.evidence).toMatch(/^192\.168\.10\.20 is reached through s2s-amsterdam \(Connected\), whose local network announces 192\.168\.0\.0\/16\. .*must route 172\.16\.201\.0\/24 back/);
  });

  it.each([false, true])("reads each tunnel's status whether or not ARM's list of connections carries it (connectionListStatus %s)", async (listed) => {
    const { harness, deps, sim } = await startEstate("demo");
    try {
      sim.state.options.connectionListStatus = listed;
      const diagnosis = await diagnoseApp(deps, "orders-api", "192.168.10.20:443");

      expect(checkOf(diagnosis, "site-to-site")).toMatchObject({ status: "pass", evidence: expect.stringMatching(/^192\.168\.10\.20 is reached through s2s-amsterdam \(Connected\)/) });
      // A GET of each connection only where the list leaves its status out.
      const gets = sim.requests.filter((r) => r.method === "GET" && /\/providers\/Microsoft\.Network\/connections\/[^/]+$/i.test(r.path));
      expect(gets.length).toBe(listed ? 0 : 2);
    } finally {
      await harness.close();
    }
  });

  it("keeps a tunnel whose own read is refused, as Unknown, rather than fail the diagnosis (a role without connections/read)", async () => {
    const { harness, deps, sim } = await startEstate("demo");
    try {
      sim.faults.add({ method: "GET", path: /\/providers\/Microsoft\.Network\/connections\/s2s-amsterdam$/i, status: 403, code: "AuthorizationFailed", message: "The client does not have authorization to perform action 'Microsoft.Network/connections/read'." });
      const diagnosis = await diagnoseApp(deps, "orders-api", "192.168.10.20:443");

      expect(checkOf(diagnosis, "site-to-site")).toMatchObject({ status: "warn", evidence: "192.168.10.20 is behind s2s-amsterdam (Unknown), whose local network announces 192.168.0.0/16." });
    } finally {
      await harness.close();
    }
  });

  it("warns, without blaming the tunnel, when Azure gives the status of the one that announces the host as Unknown", async () => {
    const { harness, deps, sim } = await startEstate("demo");
    try {
      sim.state.gatewayConnections.values().find((c) => c.name === "s2s-amsterdam")!.connectionStatus = "Unknown";
      const diagnosis = await diagnoseApp(deps, "orders-api", "192.168.10.20:443");

      const s2s = checkOf(diagnosis, "site-to-site");
      expect(s2s.status).toBe("warn");
      expect(s2s.evidence).toBe("192.168.10.20 is behind s2s-amsterdam (Unknown), whose local network announces 192.168.0.0/16.");
      expect(s2s.fix).toMatch(/^Azure gives no status for s2s-amsterdam: see the connection's page in the portal, or the on-premises device\. .*must route 172\.16\.201\.0\/24 back/);
    } finally {
      await harness.close();
    }
  });

  it("names the tunnel that is down when it is the one that announces the host", async () => {
    const { harness, deps } = await startEstate("demo");
    const diagnosis = await (async () => {
      try {
        await harness.writer.putPlanRoute(harness.sim.state.plans.named("plan-orders").id, "vnet-hub", { name: "dublin", startAddress: "172.20.0.0/16", endAddress: undefined, routeType: "STATIC" });
        return await diagnoseApp(deps, "orders-api", "172.20.1.5:443");
      } finally {
        await harness.close();
      }
    })();

    const s2s = checkOf(diagnosis, "site-to-site");
    expect(s2s.status).toBe("fail");
    expect(s2s.evidence).toBe("172.20.1.5 is behind s2s-dublin (NotConnected), whose local network announces 172.20.0.0/16, which is down.");
    expect(s2s.fix).toMatch(/Bring s2s-dublin back up.*must route 172\.16\.201\.0\/24 back/);
  });
});

describe("an app on regional VNet integration", () => {
  it("is diagnosed through its subnet: the integration, the worker's address in it, and no gateway checks", async () => {
    const diagnosis = await diagnoseIn("demo", "catalog-regional");

    expect(diagnosis.vnetName).toBe("vnet-spoke (regional, snet-integration)");
    expect(checkOf(diagnosis, "regional-integration")).toMatchObject({ status: "pass", evidence: "Subnet vnet-spoke/snet-integration (10.20.1.0/24); route-all is off: only RFC 1918 traffic enters the VNet." });
    expect(checkOf(diagnosis, "private-ip")?.title).toBe("The app's worker has an address in subnet vnet-spoke/snet-integration");
    expect(diagnosis.checks.map((c) => c.id)).not.toContain("gateway-up");
  });

  it("checks a target's route and the NSG where it lives with the subnet as the source, and blames the subnet, not a pool", async () => {
    const diagnosis = await diagnoseIn("demo", "catalog-regional", "10.10.1.4:6380");
    const outside = await diagnoseIn("demo", "catalog-regional", "100.64.20.5:443");

    expect(checkOf(diagnosis, "target-route")).toMatchObject({ status: "pass", evidence: "10.10.1.4 is in RFC 1918, which regional integration sends into vnet-spoke." });
    // nsg-data lets only the pool in by name; from the spoke's subnet, Azure's AllowVnetInBound decides.
    expect(checkOf(diagnosis, "nsg")).toMatchObject({ status: "pass", title: "NSG nsg-data on vnet-hub/snet-data lets 10.20.1.0/24 in to 10.10.1.4:6380", evidence: "Allowed by `AllowVnetInBound`." });
    expect(checkOf(diagnosis, "tcp-connect")?.fix).toContain("allows subnet vnet-spoke/snet-integration");
    expect(checkOf(outside, "target-route")).toMatchObject({ status: "warn" });
    expect(checkOf(outside, "target-route")?.evidence).toContain("outside RFC 1918 and route-all is off");
  });
});
