import { describe, expect, it } from "vitest";
import { diagnoseApp, resolveFromApp, tcppingFromApp } from "../../src/core/diagnose/diagnose.ts";
import { checkOf, startEstate } from "./estates.ts";

const KUDU = "/kudu/shop-api/api/command";

async function withEstate<T>(fault: string, run: (started: Awaited<ReturnType<typeof startEstate>>) => Promise<T>): Promise<T> {
  const started = await startEstate(fault);
  try {
    return await run(started);
  } finally {
    await started.harness.close();
  }
}

describe("live tests on the app's worker", () => {
  it("say that tcpping timed out when the worker does not answer within the TCP deadline", async () => {
    const report = await withEstate("healthy", async ({ deps, sim }) => {
      sim.faults.add({ method: "POST", path: KUDU, delayMs: 1_000 });
      return tcppingFromApp(deps, "shop-api", "sql.shop.internal:1433", { tcpTimeoutMs: 30 });
    });

    expect(report.check).toMatchObject({ id: "tcp-connect", status: "fail", evidence: "tcpping got no answer within 30 ms (timed out)." });
    // Run on its own, the test names the diagnosis that checks the gateway, routes and NSGs its fix speaks of.
    expect(report.check.fix).toContain("`/vnet diagnose shop-api sql.shop.internal:1433` runs those checks too, the gateway's state first.");
    // A stalled worker looks the same from the bot: the fix says how to tell.
    expect(report.check.fix).toContain("If `/vnet tcpping shop-api HOST:PORT` also times out for a host and port known to answer, the app's worker (Kudu) is what does not answer.");
  });

  it("give DNS the per-server deadline times the number of DNS servers, and say when it ran out", async () => {
    const report = await withEstate("healthy", async ({ deps, sim }) => {
      sim.faults.add({ method: "POST", path: KUDU, delayMs: 1_000 });
      return resolveFromApp(deps, "shop-api", "sql.shop.internal", { dnsTimeoutPerServerMs: 25 });
    });

    expect(report.check.evidence).toBe("No DNS server (10.10.0.4) answered within 25 ms (timed out).");
    expect(report.check.status).toBe("fail");
  });

  it("resolve answers with the addresses the VNet's DNS gave the worker", async () => {
    const report = await withEstate("healthy", ({ deps }) => resolveFromApp(deps, "shop-api", "catalog.shop.internal"));

    expect(report.check).toMatchObject({ status: "pass", evidence: "catalog.shop.internal is 10.20.2.10 (server 10.10.0.4)." });
  });

  it("tcpping tells a refused port from a dropped one", async () => {
    const report = await withEstate("healthy", ({ deps }) => tcppingFromApp(deps, "shop-api", "sql.shop.internal:1434"));

    expect(report.check.status).toBe("fail");
    expect(report.check.evidence).toBe("sql.shop.internal answered but refused port 1434 (0/4 attempts).");
  });

  it("keep the checklist when Kudu refuses the bot, and say why the live tests did not run", async () => {
    const diagnosis = await withEstate("healthy", async ({ deps, sim }) => {
      sim.faults.add({ method: "POST", path: KUDU, status: 403, code: "Forbidden" });
      return diagnoseApp(deps, "shop-api", "10.10.1.4:1433");
    });

    const tcp = checkOf(diagnosis, "tcp-connect");
    expect(tcp.status).toBe("warn");
    expect(tcp.evidence).toMatch(/Could not run the test on the app's worker: .*publish\/Action/);
    expect(checkOf(diagnosis, "nsg").status).toBe("pass");
  });

  it("do not say a host name did not resolve when the lookup could not run", async () => {
    const diagnosis = await withEstate("healthy", async ({ deps, sim }) => {
      sim.faults.add({ method: "POST", path: KUDU, status: 502, code: "BadGateway" });
      return diagnoseApp(deps, "shop-api", "sql.shop.internal:1433");
    });

    expect(checkOf(diagnosis, "dns-lookup").status).toBe("warn");
    expect(diagnosis.notes).toContain("sql.shop.internal could not be looked up from the app's worker, so the route and NSG checks were skipped.");
    expect(diagnosis.notes.join(" ")).not.toContain("did not resolve");
  });

  it("refuse tcpping without a port, and resolve with one, before calling Azure", async () => {
    await withEstate("healthy", async ({ deps, sim }) => {
      await expect(tcppingFromApp(deps, "shop-api", "sql.shop.internal")).rejects.toThrow(/has no port/);
      await expect(resolveFromApp(deps, "shop-api", "sql.shop.internal:1433")).rejects.toThrow(/resolve takes a host name only/);
      expect(sim.requests).toEqual([]);
    });
  });
});
