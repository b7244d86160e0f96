/** Shared set-up of the core tests that run against the ARM simulator through the real Azure adapter. */
import { startAzureHarness } from "../support/azure-harness.ts";
import type { ChangeDeps } from "../../src/core/changes/types.ts";
import { ids } from "../../src/core/resource-id.ts";

/** The fixed "now" of these tests: the demo's relative expiries and the retirement countdown depend on it. */
export const NOW = new Date("2026-03-01T09:00:00Z");

/** The demo estate's subscriptions. */
export const PRODUCTION = "6f1c2b7e-0d4a-4c1e-9a55-3c2d1e0f9a01";
export const SHARED = "9a3e4d5c-1b2f-4e6a-8c7d-0e1f2a3b4c02";

/** Ids of demo resources the tests use. */
export const demo = {
  app: (name: string) => ids.app(PRODUCTION, "rg-apps", name),
  plan: (name: string) => ids.plan(PRODUCTION, "rg-apps", name),
  vnet: (name: string) => ids.vnet(PRODUCTION, "rg-network", name),
  sharedVnet: ids.vnet(SHARED, "rg-shared", "vnet-shared"),
};

/** Starts the simulator on the demo estate and returns it with change deps at the fixed clock. */
export async function startDemo() {
  const harness = await startAzureHarness({ estate: "demo", now: () => NOW });
  const deps: ChangeDeps = { reader: harness.reader, writer: harness.writer, clock: { now: () => NOW } };
  return { harness, deps, sim: harness.sim };
}

/** The requests the simulator saw that could change something. */
export function writesIn(requests: readonly { method: string; path: string }[]): string[] {
  return requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`);
}
