// Whether apps moved into a subnet of another VNet still reach the VNet they leave: the answers the demo estate has no
// VNets for (a peering not yet connected, overlapping address spaces).
import { describe, expect, it } from "vitest";
import type { PeeringInfo } from "../../src/core/model.ts";
import { leftVnetReach } from "../../src/core/migration/network-changes.ts";

const vnetId = (name: string) => `/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/${name}`;
const peering = (remote: string, extra: Partial<PeeringInfo> = {}): PeeringInfo => ({
  id: `${vnetId("vnet-hub")}/virtualNetworkPeerings/hub-to-${remote}`, name: `hub-to-${remote}`, remoteVnetId: vnetId(remote).toUpperCase(),
  allowVirtualNetworkAccess: true, allowForwardedTraffic: false, allowGatewayTransit: false, useRemoteGateways: false, peeringState: "Connected", remoteAddressSpace: ["10.50.0.0/16"], ...extra,
});
const left = { id: vnetId("vnet-hr"), addressSpace: ["10.50.0.0/16"] };

describe("the VNet an integration leaves", () => {
  it("is reached through a connected peering with VNet access, whatever the case of its id", () => {
    expect(leftVnetReach(left, { id: vnetId("vnet-hub"), addressSpace: ["10.10.0.0/16"], peerings: [peering("vnet-hr")] }).kind).toBe("peered");
  });

  it("is not reached yet through a peering only initiated, or one that denies VNet access", () => {
    expect(leftVnetReach(left, { id: vnetId("vnet-hub"), addressSpace: ["10.10.0.0/16"], peerings: [peering("vnet-hr", { peeringState: "Initiated" })] }).kind).toBe("peering-not-ready");
    expect(leftVnetReach(left, { id: vnetId("vnet-hub"), addressSpace: ["10.10.0.0/16"], peerings: [peering("vnet-hr", { allowVirtualNetworkAccess: false })] }).kind).toBe("peering-not-ready");
  });

  it("cannot be peered when the address spaces overlap, and names the ranges", () => {
    expect(leftVnetReach(left, { id: vnetId("vnet-hub"), addressSpace: ["10.0.0.0/8"], peerings: [peering("vnet-other")] })).toEqual({ kind: "overlap", ranges: ["10.50.0.0/16"] });
  });

  it("is not reached without a peering, and is no question when the subnet is in the same VNet", () => {
    expect(leftVnetReach(left, { id: vnetId("vnet-hub"), addressSpace: ["10.10.0.0/16"], peerings: [] }).kind).toBe("not-peered");
    expect(leftVnetReach(left, { id: vnetId("VNET-HR"), addressSpace: ["10.50.0.0/16"], peerings: [] }).kind).toBe("same");
  });
});
