import { describe, expect, it } from "vitest";
import type { PlanInfo, SubnetInfo, VnetInfo } from "../../src/core/model.ts";
import { chooseSubnet, roomForRecommended } from "../../src/core/migration/subnet-choice.ts";
import { findFreeBlock, ipv4Space, neededPrefixLength, usedRanges } from "../../src/core/migration/subnet-plan.ts";

const SUB = "00000000-0000-0000-0000-00000000000a";
const NET = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-x`;
const planId = (name: string) => `/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.Web/serverfarms/${name}`;

function subnet(name: string, prefixes: string[], extra: Partial<SubnetInfo> = {}): SubnetInfo {
  return {
    id: `${NET}/subnets/${name}`, name, addressPrefixes: prefixes, nsgId: undefined, routeTableId: undefined, delegations: [], serviceAssociationLinks: [],
    serviceEndpoints: [], hasServiceEndpointPolicies: false, ipConfigurationCount: 0, ...extra,
  };
}

function vnet(addressSpace: string[], subnets: SubnetInfo[]): VnetInfo {
  return { id: NET, name: "vnet-x", resourceGroup: "rg-net", subscriptionId: SUB, location: "westeurope", addressSpace, dnsServers: [], subnets, peerings: [], gatewayIds: [] };
}

const plan = (name: string, workers = 1): Pick<PlanInfo, "id" | "name" | "workers"> => ({ id: planId(name), name, workers });
const used = (name: string, prefix: string) => subnet(name, [prefix], { ipConfigurationCount: 3 });
const appServiceLink = (plan: string) => ({ name: "AppServiceLink", linkedResourceType: "Microsoft.Web/serverfarms", link: planId(plan) });

describe("the prefix length a plan needs (twice its instances plus Azure's five, at least a /28)", () => {
  it.each([
    { instances: 0, prefix: 28 },
    { instances: 1, prefix: 28 },
    { instances: 5, prefix: 28 },
    { instances: 6, prefix: 27 },
    { instances: 13, prefix: 27 },
    { instances: 14, prefix: 26 },
    { instances: 30, prefix: 25 },
    { instances: 100, prefix: 24 },
  ])("$instances instances need a /$prefix", ({ instances, prefix }) => {
    expect(neededPrefixLength(instances)).toBe(prefix);
  });
});

describe("finding a free range", () => {
  it("finds the first free /28 in a /8 holding ten thousand /24 subnets", () => {
    const subnets = Array.from({ length: 10_000 }, (_, i) => used(`s${i}`, `10.${Math.floor(i / 256)}.${i % 256}.0/24`));
    const x = vnet(["10.0.0.0/8"], subnets);

    expect(findFreeBlock(ipv4Space(x), usedRanges(x), 28)).toBe("10.39.16.0/28");
  });

  it("skips an address space block too small for the range and takes the next", () => {
    const x = vnet(["10.1.0.0/29", "10.2.0.0/24"], []);

    expect(findFreeBlock(ipv4Space(x), usedRanges(x), 28)).toBe("10.2.0.0/28");
  });
});

describe("choosing the integration subnet", () => {
  it("says how many addresses are missing in a full VNet: the largest free block against the one needed", () => {
    const x = vnet(["10.1.0.0/24"], [used("a", "10.1.0.0/25"), used("b", "10.1.0.128/26"), used("c", "10.1.0.192/27"), used("d", "10.1.0.224/28"), used("e", "10.1.0.240/29")]);

    const choice = chooseSubnet(x, plan("plan-a", 2));

    expect(choice).toEqual({ kind: "none", neededPrefix: 28, missingAddresses: 8, largestFree: 29 });
  });

  it("counts every needed address as missing when not one is free", () => {
    const x = vnet(["10.1.0.0/24"], [used("all", "10.1.0.0/24")]);

    expect(chooseSubnet(x, plan("plan-a", 10))).toEqual({ kind: "none", neededPrefix: 27, missingAddresses: 32, largestFree: undefined });
  });

  it("gives two plans in one VNet ranges that do not overlap, when the first's is passed as reserved", () => {
    const x = vnet(["10.1.0.0/24"], [used("vms", "10.1.0.0/27")]);

    const first = chooseSubnet(x, plan("plan-a"));
    const second = chooseSubnet(x, plan("plan-b", 6), first.kind === "new" ? [first.prefix] : []);

    expect(first).toMatchObject({ kind: "new", prefix: "10.1.0.64/26", name: "snet-plan-a" });
    expect(second).toMatchObject({ kind: "new", prefix: "10.1.0.128/26", name: "snet-plan-b" });
  });

  it("gives each of three plans the /28 it needs where the VNet has no /26 for each, rather than two /26s and nothing", () => {
    const x = vnet(["10.1.0.0/25"], []);
    const placed: string[] = [];
    const choices = ["plan-a", "plan-b", "plan-c"].map((name) => {
      const choice = chooseSubnet(x, plan(name), placed, [], { recommended: roomForRecommended(x, 3) });
      if (choice.kind === "new") placed.push(choice.prefix);
      return choice;
    });

    expect(roomForRecommended(x, 2)).toBe(true);
    expect(roomForRecommended(x, 3)).toBe(false);
    expect(choices.map((c) => (c.kind === "new" ? c.prefix : c.kind))).toEqual(["10.1.0.0/28", "10.1.0.16/28", "10.1.0.32/28"]);
  });

  it("proposes a /26, the size Microsoft recommends, where one is free, else the smallest range that fits the plan", () => {
    const roomy = vnet(["10.1.0.0/24"], [used("vms", "10.1.0.0/27")]);
    const tight = vnet(["10.1.0.0/26"], [used("vms", "10.1.0.0/27")]);

    expect(chooseSubnet(roomy, plan("plan-a"))).toMatchObject({ kind: "new", prefix: "10.1.0.64/26" });
    expect(chooseSubnet(tight, plan("plan-a"))).toMatchObject({ kind: "new", prefix: "10.1.0.32/28" });
    expect(chooseSubnet(tight, plan("plan-b", 6))).toMatchObject({ kind: "new", prefix: "10.1.0.32/27" });
    expect(chooseSubnet(roomy, plan("plan-c", 30))).toMatchObject({ kind: "new", prefix: "10.1.0.128/25" });
  });

  it("gives an empty subnet to the first plan and a new range to the second", () => {
    const x = vnet(["10.1.0.0/24"], [subnet("snet-empty", ["10.1.0.0/26"])]);

    const first = chooseSubnet(x, plan("plan-a"));
    const second = chooseSubnet(x, plan("plan-b"), first.kind === "existing" ? first.subnet.addressPrefixes : []);

    expect(first).toMatchObject({ kind: "existing", subnet: { name: "snet-empty" } });
    expect(second).toMatchObject({ kind: "new", prefix: "10.1.0.64/26" });
  });

  it("ignores IPv6 prefixes of the address space and of dual-stack subnets", () => {
    const x = vnet(["fd00:db8::/48", "10.2.0.0/24"], [used("dual", "10.2.0.0/26"), subnet("v6-only", ["fd00:db8::/64"], { ipConfigurationCount: 1 })]);
    x.subnets[0]!.addressPrefixes.push("fd00:db8:0:1::/64");

    const choice = chooseSubnet(x, plan("plan-a"));

    expect(choice).toMatchObject({ kind: "new", prefix: "10.2.0.64/26" });
  });

  it("never proposes the GatewaySubnet, even an empty one", () => {
    const x = vnet(["10.3.0.0/24"], [subnet("GatewaySubnet", ["10.3.0.0/27"])]);

    expect(chooseSubnet(x, plan("plan-a"))).toMatchObject({ kind: "new", prefix: "10.3.0.64/26" });
    expect(chooseSubnet(vnet(["10.3.0.0/27"], [subnet("GatewaySubnet", ["10.3.0.0/27"])]), plan("plan-a"))).toMatchObject({ kind: "none" });
  });

  it.each(["AzureBastionSubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "RouteServerSubnet"])("never proposes %s, which Azure reserves for its service, even empty", (name) => {
    const x = vnet(["10.3.0.0/24"], [subnet(name, ["10.3.0.0/26"])]);

    expect(chooseSubnet(x, plan("plan-a"))).toMatchObject({ kind: "new", prefix: "10.3.0.64/26" });
  });

  it("never proposes a subnet another plan holds, and does propose the one this plan holds", () => {
    const delegated = { delegations: ["Microsoft.Web/serverFarms"] };
    const x = vnet(["10.4.0.0/24"], [subnet("snet-other", ["10.4.0.0/26"], { ...delegated, serviceAssociationLinks: [appServiceLink("plan-other")] }), subnet("snet-mine", ["10.4.0.64/26"], { ...delegated, serviceAssociationLinks: [appServiceLink("plan-a")] })]);

    expect(chooseSubnet(x, plan("plan-a"))).toMatchObject({ kind: "existing", subnet: { name: "snet-mine" } });
    expect(chooseSubnet(x, plan("plan-b"))).toMatchObject({ kind: "new", prefix: "10.4.0.128/26" });
  });

  it("prefers the subnet the plan already holds to another delegated one", () => {
    const delegated = { delegations: ["Microsoft.Web/serverFarms"] };
    const x = vnet(["10.5.0.0/24"], [subnet("snet-first", ["10.5.0.0/26"], delegated), subnet("snet-mine", ["10.5.0.64/26"], { ...delegated, serviceAssociationLinks: [appServiceLink("plan-a")] })]);

    expect(chooseSubnet(x, plan("plan-a"))).toMatchObject({ kind: "existing", subnet: { name: "snet-mine" } });
  });
});
