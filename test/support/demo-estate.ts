/** The demo estate (src/stand-ins/arm/estates/demo.yaml) as tests name it: its fixed clock and resource ids. */
import { ids } from "../../src/core/resource-id.ts";

/** The fixed "now" of tests on the demo estate: its relative certificate expiries and the retirement countdown depend on it. */
export const NOW = new Date("2026-03-01T09:00:00Z");
export const DAY_MS = 86_400_000;

/** The demo estate's subscriptions. */
export const PRODUCTION = "6f1c2b7e-0d4a-4c1e-9a55-3c2d1e0f9a01";
export const SHARED = "9a3e4d5c-1b2f-4e6a-8c7d-0e1f2a3b4c02";

/** Ids of demo resources. */
export const demo = {
  app: (name: string) => ids.app(PRODUCTION, "rg-apps", name),
  plan: (name: string) => ids.plan(PRODUCTION, "rg-apps", name),
  vnet: (name: string) => ids.vnet(PRODUCTION, "rg-network", name),
  gateway: (name: string) => ids.gateway(PRODUCTION, "rg-network", name),
  nsg: (name: string) => ids.nsg(PRODUCTION, "rg-network", name),
  connection: (name: string) => `/subscriptions/${PRODUCTION}/resourceGroups/rg-network/providers/Microsoft.Network/connections/${name}`,
  sharedVnet: ids.vnet(SHARED, "rg-shared", "vnet-shared"),
};
