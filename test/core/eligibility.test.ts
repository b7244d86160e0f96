import { describe, expect, it } from "vitest";
import {
  assertEligible,
  checkGateway,
  checkOneVnetPerApp,
  checkPlan,
  checkPlanVnetLimit,
  checkSameSubscription,
  checkVnetGateways,
  type EligibilityRule,
} from "../../src/core/eligibility.ts";
import type { GatewayInfo, PlanInfo } from "../../src/core/model.ts";
import { BotError } from "../../src/errors.ts";

const plan = (overrides: Partial<PlanInfo> = {}): PlanInfo => ({
  id: "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/serverfarms/plan1",
  name: "plan1",
  resourceGroup: "rg",
  subscriptionId: "s1",
  location: "westeurope",
  skuName: "S1",
  tier: "Standard",
  isLinux: false,
  isWindowsContainer: false,
  workers: 1,
  ...overrides,
});

const gateway = (overrides: Partial<GatewayInfo> = {}): GatewayInfo => ({
  id: "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworkGateways/gw1",
  name: "gw1",
  resourceGroup: "rg",
  subscriptionId: "s1",
  gatewayType: "Vpn",
  vpnType: "RouteBased",
  skuName: "VpnGw1",
  provisioningState: "Succeeded",
  addressPool: ["172.16.100.0/24"],
  protocols: ["SSTP"],
  authenticationTypes: ["Certificate"],
  rootCertificates: [],
  ...overrides,
});

const rules = (problems: { rule: EligibilityRule }[]) => problems.map((p) => p.rule);

describe("plan rules", () => {
  it.each<[string, Partial<PlanInfo>, EligibilityRule[]]>([
    ["a Windows Standard plan is eligible", {}, []],
    ["Basic is supported", { tier: "Basic", skuName: "B1" }, []],
    ["PremiumV4 is supported (Jan 2026 doc)", { tier: "PremiumV4", skuName: "P1v4" }, []],
    ["a Linux plan is refused", { isLinux: true }, ["windows-only"]],
    ["a Windows container plan is refused", { isWindowsContainer: true }, ["no-windows-containers"]],
    ["Free is refused", { tier: "Free", skuName: "F1" }, ["supported-tier"]],
    ["Shared is refused", { tier: "Shared", skuName: "D1" }, ["supported-tier"]],
    ["Dynamic (consumption) is refused", { tier: "Dynamic", skuName: "Y1" }, ["supported-tier"]],
    ["ElasticPremium is refused", { tier: "ElasticPremium", skuName: "EP1" }, ["supported-tier"]],
    ["Isolated is refused", { tier: "IsolatedV2", skuName: "I1v2" }, ["supported-tier"]],
  ])("%s", (_name, overrides, expected) => {
    expect(rules(checkPlan(plan(overrides)))).toEqual(expected);
  });

  it("tells a Linux plan's owner to use regional integration", () => {
    const [problem] = checkPlan(plan({ name: "plan-linux", isLinux: true }));

    expect(`${problem?.message} ${problem?.fix}`).toBe(
      "Plan plan-linux runs Linux; gateway-required integration is Windows-only. Use regional VNet integration instead.",
    );
  });

  it("tells the owner of a Free plan to scale up", () => {
    const [problem] = checkPlan(plan({ tier: "Free", skuName: "F1" }));

    expect(problem?.message).toContain("Free tier (F1)");
    expect(problem?.fix).toMatch(/Scale plan plan1 up/);
  });
});

describe("VNet count rules", () => {
  it.each<[string, string | undefined, string, EligibilityRule[]]>([
    ["an app with no VNet may connect", undefined, "vnet1", []],
    ["reconnecting an app to its own VNet is fine", "VNET1", "vnet1", []],
    ["an app on another VNet is refused", "vnet2", "vnet1", ["one-vnet-per-app"]],
  ])("%s", (_name, current, target, expected) => {
    expect(rules(checkOneVnetPerApp({ name: "app1" }, current, target))).toEqual(expected);
  });

  it.each<[string, string[], string, EligibilityRule[]]>([
    ["four VNets leave room for a fifth", ["a", "b", "c", "d"], "e", []],
    ["apps sharing a VNet count once", ["a", "a", "b", "b", "c", "d"], "e", []],
    ["a plan with five VNets can reconnect to one it has", ["a", "b", "c", "d", "e"], "C", []],
    ["a sixth VNet is refused", ["a", "b", "c", "d", "e"], "f", ["five-vnets-per-plan"]],
  ])("%s", (_name, existing, target, expected) => {
    expect(rules(checkPlanVnetLimit(plan(), existing, target))).toEqual(expected);
  });
});

describe("gateway rules", () => {
  it.each<[string, Partial<GatewayInfo>, EligibilityRule[]]>([
    ["a route-based SSTP gateway with a private pool is eligible", {}, []],
    ["a policy-based gateway is refused", { vpnType: "PolicyBased" }, ["gateway-route-based"]],
    ["a gateway still updating is refused", { provisioningState: "Updating" }, ["gateway-provisioned"]],
    ["a failed gateway is refused", { provisioningState: "Failed" }, ["gateway-provisioned"]],
    ["a gateway without P2S is refused", { addressPool: [], protocols: [] }, ["p2s-configured"]],
    ["a public P2S pool is refused", { addressPool: ["20.1.0.0/24"] }, ["p2s-pool-private"]],
    ["a P2S pool that cannot be read is refused", { addressPool: ["nonsense"] }, ["p2s-pool-private"]],
    ["a gateway without SSTP is refused", { protocols: ["OpenVPN"] }, ["sstp-enabled"]],
    ["IKEv2 above the Basic SKU is refused", { protocols: ["SSTP", "IkeV2"] }, ["no-ikev2"]],
    ["IKEv2 on the Basic SKU is fine", { skuName: "Basic", protocols: ["SSTP", "IkeV2"] }, []],
    ["IKEv2 without SSTP is refused for the missing SSTP alone, never told to keep an SSTP it lacks", { protocols: ["IkeV2"] }, ["sstp-enabled"]],
    ["a gateway that authenticates only with Entra ID is refused", { authenticationTypes: ["AAD"] }, ["certificate-auth"]],
    ["certificate authentication beside RADIUS is fine", { authenticationTypes: ["Radius", "Certificate"] }, []],
    ["a gateway that does not state its authentication is taken as certificate-based", { authenticationTypes: [] }, []],
  ])("%s", (_name, overrides, expected) => {
    expect(rules(checkGateway(gateway(overrides)))).toEqual(expected);
  });

  it("refuses a VNet without a gateway, pointing to regional integration since a new gateway cannot enable SSTP", () => {
    const problems = checkVnetGateways("vnet1", []);

    expect(rules(problems)).toEqual(["gateway-exists"]);
    expect(problems[0]?.fix).toMatch(/SSTP can no longer be enabled since 31 March 2026\): use regional VNet integration/);
  });

  it("refuses a VNet with an ExpressRoute gateway even beside a VPN gateway (coexistence)", () => {
    const expressRoute = gateway({ name: "er1", gatewayType: "ExpressRoute", vpnType: "RouteBased" });

    const problems = checkVnetGateways("vnet1", [gateway(), expressRoute]);

    expect(rules(problems)).toEqual(["no-expressroute"]);
    expect(problems[0]?.message).toMatch(/ExpressRoute gateway er1.*coexistence/);
  });

  it("checks the VPN gateway of a VNet", () => {
    expect(rules(checkVnetGateways("vnet1", [gateway({ vpnType: "PolicyBased" })]))).toEqual(["gateway-route-based"]);
  });
});

describe("subscription rule for sync", () => {
  it.each<[string, string, EligibilityRule[]]>([
    ["the same subscription (any case) is fine", "S1", []],
    ["different subscriptions are refused", "s2", ["same-subscription"]],
  ])("%s", (_name, vnetSubscription, expected) => {
    expect(rules(checkSameSubscription(plan(), { name: "vnet1", subscriptionId: vnetSubscription }))).toEqual(expected);
  });
});

describe("assertEligible", () => {
  it("returns quietly when nothing is wrong", () => {
    expect(() => assertEligible([], "connect app1")).not.toThrow();
  });

  it("throws an ineligible BotError listing every problem with its fix", () => {
    const problems = checkPlan(plan({ name: "plan-linux", isLinux: true, tier: "Free", skuName: "F1" }));

    const error = (() => {
      try {
        assertEligible(problems, "connect app1 to vnet1");
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();

    expect(error).toBeInstanceOf(BotError);
    expect((error as BotError).kind).toBe("ineligible");
    expect((error as BotError).message).toMatch(/^Cannot connect app1 to vnet1:\n• Plan plan-linux runs Linux.*regional VNet integration instead\.\n• Plan plan-linux is on the Free tier.*Scale plan/s);
  });
});
