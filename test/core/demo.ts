/** Shared set-up of the core tests that run against the ARM simulator through the real Azure adapter. */
import { startAzureHarness } from "../support/azure-harness.ts";
import type { ChangeDeps } from "../../src/core/changes/types.ts";
import { createLocalLocks } from "../../src/core/local-locks.ts";
import { NOW } from "../support/demo-estate.ts";
import { memoryMigrations } from "../support/memory-migrations.ts";

export { NOW, PRODUCTION, SHARED, demo } from "../support/demo-estate.ts";

/** Starts the simulator on the demo estate and returns it with change deps at the fixed clock. */
export async function startDemo() {
  const harness = await startAzureHarness({ estate: "demo", now: () => NOW });
  const clock = { now: () => NOW };
  const deps: ChangeDeps = { reader: harness.reader, writer: harness.writer, clock, locks: createLocalLocks(), subscriptions: harness.subscriptions, migrations: memoryMigrations(clock), kudu: harness.kudu };
  return { harness, deps, sim: harness.sim, subscriptions: harness.subscriptions };
}

/** The requests the simulator saw that could change something. */
export function writesIn(requests: readonly { method: string; path: string }[]): string[] {
  return requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`);
}
