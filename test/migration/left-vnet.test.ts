// Whether apps moved into a subnet of another VNet still reach the VNet they leave: the answers the demo estate has no
// VNets for (a peering one side of which is not ready, a side that could not be read, overlapping address spaces).
import { describe, expect, it } from "vitest";
import type { PeeringInfo } from "../../src/core/model.ts";
import { leftVnetReach, routeFates, type PeeringSide } from "../../src/core/migration/network-changes.ts";

const vnetId = (name: string) => `/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/${name}`;
const peering = (from: string, to: string, extra: Partial<PeeringInfo> = {}): PeeringInfo => ({
  id: `${vnetId(from)}/virtualNetworkPeerings/${from}-to-${to}`, name: `${from}-to-${to}`, remoteVnetId: vnetId(to).toUpperCase(),
  allowVirtualNetworkAccess: true, allowForwardedTraffic: false, allowGatewayTransit: false, useRemoteGateways: false, peeringState: "Connected", remoteAddressSpace: [], ...extra,
});
const hr = (peerings?: PeeringInfo[]): PeeringSide => ({ id: vnetId("vnet-hr"), name: "vnet-hr", addressSpace: ["10.50.0.0/16"], ...(peerings ? { peerings } : {}) });
const hub = (peerings: PeeringInfo[], addressSpace = ["10.10.0.0/16"]): PeeringSide => ({ id: vnetId("vnet-hub"), name: "vnet-hub", addressSpace, peerings });

describe("the VNet an integration leaves", () => {
  it("is reached through a peering Connected with VNet access on both sides, whatever the case of the ids", () => {
    expect(leftVnetReach(hr([peering("vnet-hr", "vnet-hub")]), hub([peering("vnet-hub", "vnet-hr")])).kind).toBe("peered");
  });

  it("is taken on the word of the side that was read when the other could not be", () => {
    expect(leftVnetReach(hr(), hub([peering("vnet-hub", "vnet-hr")])).kind).toBe("peered");
  });

  it("is not reached yet through a peering only initiated, naming whose side it is", () => {
    expect(leftVnetReach(hr([peering("vnet-hr", "vnet-hub", { peeringState: "Initiated" })]), hub([]))).toMatchObject({ kind: "peering-not-ready", owner: "vnet-hr", why: "is Initiated" });
  });

  it("is not reached when one side denies VNet access, though both are Connected", () => {
    const reach = leftVnetReach(hr([peering("vnet-hr", "vnet-hub", { allowVirtualNetworkAccess: false })]), hub([peering("vnet-hub", "vnet-hr")]));
    expect(reach).toMatchObject({ kind: "peering-not-ready", owner: "vnet-hr", why: "does not allow VNet access" });
  });

  it("cannot be peered when the address spaces overlap, and names the ranges", () => {
    expect(leftVnetReach(hr([]), hub([], ["10.0.0.0/8"]))).toEqual({ kind: "overlap", ranges: ["10.50.0.0/16"] });
  });

  it("is not reached without a peering, and is no question when the subnet is in the same VNet", () => {
    expect(leftVnetReach(hr([]), hub([])).kind).toBe("not-peered");
    expect(leftVnetReach(hr([]), { ...hr([]), id: vnetId("VNET-HR") }).kind).toBe("same");
  });
});

describe("a plan route into a peer of the subnet's VNet", () => {
  const route = { name: "to-hr", startAddress: "10.50.0.0", endAddress: "10.50.255.255", routeType: "STATIC" };

  it("is still reached through a connected peering with VNet access, and not through one only initiated", () => {
    const vnet = (extra: Partial<PeeringInfo>) => ({ addressSpace: ["10.10.0.0/16"], peerings: [peering("vnet-hub", "vnet-hr", { remoteAddressSpace: ["10.50.0.0/16"], ...extra })] });

    expect(routeFates([route], vnet({}), false)[0]!.fate).toBe("covered");
    expect(routeFates([route], vnet({ peeringState: "Initiated" }), false)[0]!.fate).toBe("vnet-routing");
    expect(routeFates([route], vnet({ allowVirtualNetworkAccess: false }), false)[0]!.fate).toBe("vnet-routing");
  });
});
