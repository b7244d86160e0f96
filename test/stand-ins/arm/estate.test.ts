import { describe, expect, it } from "vitest";
import { loadEstate, parseEstate, startSimulator } from "../../../src/stand-ins/arm/index.ts";
import { testSimulatorTls } from "../../support/simulator-tls.ts";
import { smallEstate } from "./test-estate.ts";

describe("estate seeds", () => {
  it("loads the bundled demo estate with its failed gateway, expired certificate and full plan", async () => {
    const sim = await startSimulator({ estate: loadEstate("demo"), tls: testSimulatorTls() });
    const state = sim.state;
    await sim.close();

    expect(state.gateways.named("gw-legacy").provisioningState).toBe("Failed");
    expect(state.planVnetIds(state.plans.named("plan-platform").id)).toHaveLength(5);
    const legacy = state.apps.named("billing-legacy");
    expect(state.certificateFor(legacy.planId, state.vnets.named("vnet-legacy").id)!.notAfter.getTime()).toBeLessThan(Date.now());
  });

  it("seeds an app for each migration verdict: ready, cross-region and classic", async () => {
    const sim = await startSimulator({ estate: loadEstate("demo"), tls: testSimulatorTls() });
    const state = sim.state;
    await sim.close();
    const vnetIdOf = (app: string) => state.connectionsOf(state.apps.named(app).id)[0]!.vnetId;

    expect(state.vnets.get(vnetIdOf("inventory-api"))?.location).toBe(state.apps.named("inventory-api").location);
    expect(state.vnets.named("vnet-inventory").subnets.find((s) => s.name === "snet-inventory-apps")).toMatchObject({
      addressPrefix: "10.86.2.0/26",
      delegations: [],
      ipConfigurationIds: [],
      nsgId: expect.stringMatching(/networkSecurityGroups\/nsg-inventory-apps$/),
      routeTableId: expect.stringMatching(/routeTables\/rt-inventory$/),
    });
    expect([state.vnets.get(vnetIdOf("reports-api"))?.location, state.apps.named("reports-api").location]).toEqual(["northeurope", "westeurope"]);
    expect(vnetIdOf("erp-connector")).toMatch(/\/providers\/Microsoft\.ClassicNetwork\/virtualNetworks\/vnet-classic-erp$/);
  });

  it("lists every schema problem with where it is", () => {
    const seed = smallEstate() as { subscriptions: Array<{ resourceGroups: Array<{ plans: Array<Record<string, unknown>> }> }> };
    seed.subscriptions[0]!.resourceGroups[0]!.plans[0]!["os"] = "macos";
    delete seed.subscriptions[0]!.resourceGroups[0]!.plans[1]!["sku"];

    expect(() => parseEstate(seed, "test estate")).toThrow(/test estate is not a valid estate:[\s\S]*resourceGroups\[0\]\.plans\[0\]\.os[\s\S]*plans\[1\]\.sku/);
  });

  it("names a broken reference and how to fix it", async () => {
    const seed = smallEstate();
    seed.subscriptions[0]!.resourceGroups![0]!.apps![0]!.plan = "plan-missing";

    await expect(startSimulator({ estate: parseEstate(seed), tls: testSimulatorTls() })).rejects.toThrow(/app app-a: no serverfarms named "plan-missing"/);
  });

  it("says what to give when an estate name or file does not exist", () => {
    expect(() => loadEstate("no-such-estate")).toThrow(/bundled name \(e\.g\. "demo"\) or the path/);
  });
});
