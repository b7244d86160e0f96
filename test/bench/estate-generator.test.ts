/**
 * The benchmarks' generated estate must stay one the simulator accepts: the benchmarks are not run by CI, so a rule
 * added to the simulator (one plan per regional subnet, say) would otherwise break them unnoticed.
 */
import { describe, expect, it } from "vitest";
import { buildState } from "../../src/stand-ins/arm/build-state.ts";
import { parseEstate } from "../../src/stand-ins/arm/index.ts";
import { describeEstate, generateEstate, LARGE_ESTATE, minimumScanRequests } from "./estate-generator.ts";

describe("the benchmarks' large estate", () => {
  const seed = generateEstate(LARGE_ESTATE);

  it("builds in the simulator without a broken reference", async () => {
    const state = await buildState(parseEstate(seed, "large estate"), new Date("2026-12-01T00:00:00Z"));
    expect(state.plans.values().length).toBe(1_000);
    expect(describeEstate(seed)).toMatch(/^1000 plans .* 10000 apps .*; \d+ plans \(2\d%\) with gateway-required connections$/);
  });

  it("gives every plan with an app on regional integration a subnet of its own", () => {
    const byPlan = new Map<string, Set<string>>();
    for (const sub of seed.subscriptions ?? []) {
      for (const app of (sub.resourceGroups ?? []).flatMap((g) => g.apps ?? [])) {
        if (!app.regionalIntegration) continue;
        const subnet = `${sub.id}/${app.regionalIntegration.vnet}/${app.regionalIntegration.subnet}`;
        byPlan.set(subnet, (byPlan.get(subnet) ?? new Set()).add(app.plan));
      }
    }
    expect(byPlan.size).toBeGreaterThan(50);
    expect([...byPlan.values()].filter((plans) => plans.size > 1)).toEqual([]);
  });

  it("counts a minimum that covers every subscription", () => {
    const minimum = minimumScanRequests(seed);
    expect(minimum.size).toBe(10);
    for (const counts of minimum.values()) expect(counts.total).toBe(counts.listPages + counts.planConnectionLists + counts.perAppReads + counts.networkReads);
  });
});
