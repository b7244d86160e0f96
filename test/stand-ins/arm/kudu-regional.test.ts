import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { regionalEstate, subnetId } from "./regional-estate.ts";
import { startTestSimulator } from "./test-estate.ts";

let t: Awaited<ReturnType<typeof startTestSimulator>>;
beforeEach(async () => {
  t = await startTestSimulator(regionalEstate());
  await t.web.webApps.createOrUpdateSwiftVirtualNetworkConnectionWithCheck("rg-web", "app-ready", { subnetResourceId: subnetId("vnet-apps", "snet-ready") });
});
afterEach(async () => {
  await t.sim.close();
});

async function tcpping(app: string, target: string): Promise<boolean> {
  const response = await fetch(`${t.sim.url}/kudu/${app}/api/command`, {
    method: "POST",
    headers: { authorization: "Bearer test-token", "content-type": "application/json" },
    body: JSON.stringify({ command: `tcpping.exe ${target}`, dir: "site\\wwwroot" }),
  });
  return ((await response.json()) as { ExitCode: number }).ExitCode === 0;
}

describe("what a regionally integrated app's worker reaches", () => {
  it.each([
    { row: "its own VNet", target: "cache.contoso.internal:6380", reached: true },
    { row: "a peered VNet", target: "sql.contoso.internal:1433", reached: true },
    { row: "on-premises RFC 1918 behind the peer's gateway it uses", target: "mainframe.corp.contoso.com:443", reached: true },
    { row: "a non-RFC 1918 range a plan route sent through the VNet", target: "partner.fabrikam.example:443", reached: false },
    { row: "the internet", target: "www.microsoft.com:443", reached: true },
  ])("without route-all: $row ($reached)", async ({ target, reached }) => {
    expect(await tcpping("app-ready", target)).toBe(reached);
  });

  it("reaches the non-RFC 1918 range once route-all is on", async () => {
    await t.web.webApps.updateConfiguration("rg-web", "app-ready", { vnetRouteAllEnabled: true });

    expect(await tcpping("app-ready", "partner.fabrikam.example:443")).toBe(true);
  });

  it("reaches the same range through the gateway-required integration it had, and loses the VNet once it leaves", async () => {
    const before = await tcpping("app-gw", "partner.fabrikam.example:443");
    await t.web.webApps.deleteSwiftVirtualNetwork("rg-web", "app-ready");

    expect(before).toBe(true);
    expect(await tcpping("app-ready", "cache.contoso.internal:6380")).toBe(false);
  });

  it("loses the peered VNet when the peering no longer allows access", async () => {
    t.sim.state.vnets.named("vnet-hub").peerings[0]!.allowVirtualNetworkAccess = false;

    expect(await tcpping("app-ready", "sql.contoso.internal:1433")).toBe(false);
  });
});
