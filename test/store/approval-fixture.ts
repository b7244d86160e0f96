/** A change request as the approval flow creates it, at a fixed clock. */
import type { NewApproval } from "../../src/core/approvals/approval-store.ts";

/** The fixed clock of the store tests. */
export const T0 = new Date("2026-03-01T09:00:00Z");
/** T0 plus n minutes. */
export const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

/** A pending sync request; createdAt as given so that ordering can be tested. */
export function approval(id: string, targetKey = "plan-1|vnet-hub", createdAt = T0): NewApproval {
  return {
    id,
    request: { kind: "sync", planId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/serverfarms/plan-1", vnetName: "vnet-hub" },
    plan: { request: { kind: "sync", planId: "p", vnetName: "vnet-hub" }, title: "Sync plan-1 with vnet-hub", targetKey, steps: [{ id: "a", description: "A" }], affectedApps: [], restartingApps: [], outage: undefined, warnings: [], fingerprint: "f" },
    commandText: "sync plan-1 vnet-hub",
    requestedBy: "U0REQ",
    requestedIn: "C0ASK",
    createdAt,
    expiresAt: minutes(30),
    appKeys: [],
  };
}
