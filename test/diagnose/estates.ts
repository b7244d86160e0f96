/** Shared set-up of the diagnose tests: a diagnose-* estate behind the real Azure adapter, at a fixed clock. */
import { diagnoseApp, type DiagnoseDeps } from "../../src/core/diagnose/diagnose.ts";
import type { Diagnosis, DiagnosisCheck } from "../../src/core/diagnose/diagnosis.ts";
import type { LiveOptions } from "../../src/core/diagnose/live-tests.ts";
import { ids } from "../../src/core/resource-id.ts";
import { startAzureHarness } from "../support/azure-harness.ts";

/** The fixed "now": seeded certificates are issued relative to it. */
export const NOW = new Date("2026-05-04T08:00:00Z");

/** The diagnose estates' subscription and ids. */
export const SHOP = "3b6d2f4a-7c1e-4e9b-a0d5-5f2c8e1b9d10";
export const shop = {
  app: ids.app(SHOP, "rg-shop", "shop-api"),
  plan: ids.plan(SHOP, "rg-shop", "plan-shop"),
  hub: ids.vnet(SHOP, "rg-shop", "vnet-hub"),
  spoke: ids.vnet(SHOP, "rg-shop", "vnet-spoke"),
};

/** Starts the simulator on a diagnose estate ("healthy", "nsg-deny", ...) or, given "demo", on the demo estate. */
export async function startEstate(fault: string) {
  const harness = await startAzureHarness({ estate: fault === "demo" ? "demo" : `diagnose-${fault}`, now: () => NOW });
  const deps: DiagnoseDeps = { reader: harness.reader, kudu: harness.kudu, clock: { now: () => NOW }, subscriptions: harness.subscriptions };
  return { harness, deps, sim: harness.sim };
}

/** Diagnoses an app of a diagnose estate and closes the simulator. */
export async function diagnoseIn(fault: string, app: string, target?: string, options?: LiveOptions): Promise<Diagnosis> {
  const { harness, deps } = await startEstate(fault);
  try {
    return await diagnoseApp(deps, app, target, options);
  } finally {
    await harness.close();
  }
}

/** The ids of the checks with a status, in checklist order. */
export function idsWith(diagnosis: Diagnosis, status: DiagnosisCheck["status"]): string[] {
  return diagnosis.checks.filter((c) => c.status === status).map((c) => c.id);
}

/** The check with this id; fails the test when it is missing. */
export function checkOf(diagnosis: Diagnosis, id: DiagnosisCheck["id"]): DiagnosisCheck {
  const found = diagnosis.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no ${id} check in ${diagnosis.checks.map((c) => c.id).join(", ")}`);
  return found;
}
