/**
 * An estate of plans with more gateway VNets than the two regional integrations a plan takes, for the ways
 * /vnet migration has them share a subnet: peerings that exist, are only initiated or are missing, VNets without room,
 * subnets the plan already uses, and address spaces that overlap (which Azure will not peer).
 */
import type { EstateSeedInput } from "../../src/stand-ins/arm/index.ts";

export const SUB = "33333333-4444-5555-6666-777777777777";

type Peering = { name: string; remoteVnet: string; allowVirtualNetworkAccess: boolean; peeringState?: "Initiated" | "Connected" | "Disconnected" };
const peer = (from: string, to: string, peeringState: Peering["peeringState"] = "Connected"): Peering => ({ name: `${from}-to-${to}`, remoteVnet: to, allowVirtualNetworkAccess: true, peeringState });
const withGateway = (name: string, space: string, gatewaySubnet: string, peerings: Peering[] = []) => ({ name, addressSpace: [space], subnets: [{ name: "GatewaySubnet", addressPrefix: gatewaySubnet }], peerings });
const sku = (name: string, tier: string, capacity = 1) => ({ name, tier, capacity });
const GATEWAY_VNETS = ["m-hub", "m-one", "m-two", "m-three", "m-four", "f-a", "f-b", "f-c", "p-g1", "p-g2", "p-g3", "p-g4", "t-hub", "t-x", "t-y", "t-z", "h", "ha1", "ha2", "hb1", "hb2", "ch", "c1", "c2", "c3", "dh", "d1", "sa1", "sa2", "sx", "pz1", "pz2"];

/**
 * plan-many reaches five VNets through gateways: vnet-m-hub is peered with vnet-m-one and vnet-m-four, vnet-m-three's
 * peering with it is only initiated, and vnet-m-two overlaps it. plan-fullpeers' three VNets are peered with each other
 * and only vnet-f-c has room for a subnet. plan-pair uses two regional subnets already (in vnet-p-p and vnet-p-q) and
 * still reaches four VNets through gateways: vnet-p-g1 and vnet-p-g2 overlap each other, vnet-p-g3 overlaps vnet-p-p
 * and is peered with vnet-p-q, vnet-p-g4 overlaps both. plan-twins reaches four VNets, two of which (vnet-t-y,
 * vnet-t-z) overlap. plan-ha and plan-hb both centre on vnet-h, and vnet-ha2 and vnet-hb2 overlap. plan-c's vnet-c2
 * is peered with vnet-cz, which has vnet-ch's address space; vnet-ch's peering with vnet-cy, which has vnet-c3's,
 * is only initiated. plan-d's vnet-d2 is in North Europe and overlaps vnet-dh.
 * plan-pa sends vnet-sx to share vnet-sa1; plan-pb centres on vnet-sx, and its vnet-pz2 has vnet-sa1's space.
 */
export function sharingEstate(options: { plans?: readonly string[] } = {}): EstateSeedInput {
  const seed = fullSharingEstate();
  if (!options.plans) return seed;
  // Only these plans and their apps: a whole-estate answer small enough for one Slack message, for tests that compare
  // it with one plan's. The VNets stay: a VNet without an integration is in no answer.
  const web = seed.subscriptions[0]!.resourceGroups![0]!;
  web.plans = web.plans!.filter((plan) => options.plans!.includes(plan.name));
  web.apps = web.apps!.filter((app) => options.plans!.includes(app.plan));
  return seed;
}

function fullSharingEstate(): EstateSeedInput {
  return {
    subscriptions: [
      {
        id: SUB,
        resourceGroups: [
          {
            name: "rg-web",
            location: "westeurope",
            plans: [
              { name: "plan-many", sku: sku("P1v3", "PremiumV3", 2) },
              { name: "plan-fullpeers", sku: sku("S1", "Standard") },
              { name: "plan-pair", sku: sku("S1", "Standard") },
              { name: "plan-twins", sku: sku("S1", "Standard") },
              ...["plan-ha", "plan-hb", "plan-c", "plan-d", "plan-pa", "plan-pb"].map((name) => ({ name, sku: sku("S1", "Standard") })),
            ],
            apps: [
              ...["hub", "one", "two", "three", "four"].map((n) => ({ name: `app-m-${n}`, plan: "plan-many", vnetConnection: { vnet: `vnet-m-${n}` } })),
              ...["a", "b", "c"].map((n) => ({ name: `app-f-${n}`, plan: "plan-fullpeers", vnetConnection: { vnet: `vnet-f-${n}` } })),
              { name: "app-p-p", plan: "plan-pair", regionalIntegration: { vnet: "vnet-p-p", subnet: "snet-p" } },
              { name: "app-p-q", plan: "plan-pair", regionalIntegration: { vnet: "vnet-p-q", subnet: "snet-q" } },
              ...["g1", "g2", "g3", "g4"].map((n) => ({ name: `app-p-${n}`, plan: "plan-pair", vnetConnection: { vnet: `vnet-p-${n}` } })),
              { name: "app-t-hub", plan: "plan-twins", vnetConnection: { vnet: "vnet-t-hub" } },
              { name: "app-t-hub2", plan: "plan-twins", vnetConnection: { vnet: "vnet-t-hub" } },
              ...["x", "y", "z"].map((n) => ({ name: `app-t-${n}`, plan: "plan-twins", vnetConnection: { vnet: `vnet-t-${n}` } })),
              // Each plan's hub has two apps, so that it is ranked first.
              ...[["plan-ha", ["h", "h", "ha1", "ha2"]], ["plan-hb", ["h", "h", "hb1", "hb2"]], ["plan-c", ["ch", "ch", "c1", "c2", "c3"]], ["plan-d", ["dh", "dh", "d1", "d2"]], ["plan-pa", ["sa1", "sa1", "sa2", "sx"]], ["plan-pb", ["sx", "sx", "pz1", "pz2"]]].flatMap(([plan, vnets]) =>
                (vnets as string[]).map((vnet, i) => ({ name: `app-${plan}-${vnet}-${i}`, plan: plan as string, vnetConnection: { vnet: `vnet-${vnet}` } })),
              ),
            ],
          },
          {
            name: "rg-net",
            location: "westeurope",
            vnets: [
              withGateway("vnet-m-hub", "10.80.0.0/16", "10.80.255.0/27", [peer("vnet-m-hub", "vnet-m-one"), peer("vnet-m-hub", "vnet-m-four"), peer("vnet-m-hub", "vnet-m-three", "Initiated")]),
              withGateway("vnet-m-one", "10.81.0.0/16", "10.81.255.0/27", [peer("vnet-m-one", "vnet-m-hub")]),
              withGateway("vnet-m-two", "10.80.128.0/20", "10.80.128.0/27"),
              withGateway("vnet-m-three", "10.83.0.0/16", "10.83.255.0/27", [peer("vnet-m-three", "vnet-m-hub", "Initiated")]),
              withGateway("vnet-m-four", "10.84.0.0/16", "10.84.255.0/27", [peer("vnet-m-four", "vnet-m-hub")]),
              // Each /27 of vnet-f-a and vnet-f-b is its gateway subnet: no room for an integration subnet.
              withGateway("vnet-f-a", "10.90.0.0/27", "10.90.0.0/27", [peer("vnet-f-a", "vnet-f-b"), peer("vnet-f-a", "vnet-f-c")]),
              withGateway("vnet-f-b", "10.90.1.0/27", "10.90.1.0/27", [peer("vnet-f-b", "vnet-f-a"), peer("vnet-f-b", "vnet-f-c")]),
              withGateway("vnet-f-c", "10.90.2.0/24", "10.90.2.0/27", [peer("vnet-f-c", "vnet-f-a"), peer("vnet-f-c", "vnet-f-b")]),
              { name: "vnet-p-p", addressSpace: ["10.91.0.0/16"], subnets: [{ name: "snet-p", addressPrefix: "10.91.1.0/26" }] },
              { name: "vnet-p-q", addressSpace: ["10.92.0.0/16"], subnets: [{ name: "snet-q", addressPrefix: "10.92.1.0/26" }], peerings: [peer("vnet-p-q", "vnet-p-g3")] },
              withGateway("vnet-p-g1", "10.93.0.0/16", "10.93.255.0/27"),
              withGateway("vnet-p-g2", "10.93.0.0/16", "10.93.255.0/27"),
              withGateway("vnet-p-g3", "10.91.128.0/17", "10.91.255.0/27", [peer("vnet-p-g3", "vnet-p-q")]),
              withGateway("vnet-p-g4", "10.88.0.0/13", "10.88.255.0/27"),
              withGateway("vnet-t-hub", "10.94.0.0/16", "10.94.255.0/27"),
              withGateway("vnet-t-x", "10.95.0.0/16", "10.95.255.0/27"),
              withGateway("vnet-t-y", "10.96.0.0/16", "10.96.255.0/27"),
              withGateway("vnet-t-z", "10.96.0.0/16", "10.96.254.0/27"),
              withGateway("vnet-h", "10.20.0.0/16", "10.20.255.0/27"),
              withGateway("vnet-ha1", "10.21.0.0/16", "10.21.255.0/27"),
              withGateway("vnet-ha2", "10.30.0.0/16", "10.30.255.0/27"),
              withGateway("vnet-hb1", "10.22.0.0/16", "10.22.255.0/27"),
              withGateway("vnet-hb2", "10.30.0.0/16", "10.30.254.0/27"),
              withGateway("vnet-ch", "10.50.0.0/16", "10.50.255.0/27", [peer("vnet-ch", "vnet-cy", "Initiated")]),
              { name: "vnet-cy", addressSpace: ["10.53.0.0/16"], subnets: [] },
              withGateway("vnet-c3", "10.53.0.0/16", "10.53.255.0/27"),
              withGateway("vnet-c1", "10.51.0.0/16", "10.51.255.0/27"),
              withGateway("vnet-c2", "10.52.0.0/16", "10.52.255.0/27", [peer("vnet-c2", "vnet-cz")]),
              { name: "vnet-cz", addressSpace: ["10.50.0.0/16"], subnets: [], peerings: [peer("vnet-cz", "vnet-c2")] },
              withGateway("vnet-dh", "10.60.0.0/16", "10.60.255.0/27", [peer("vnet-dh", "vnet-d1")]),
              withGateway("vnet-d1", "10.61.0.0/16", "10.61.255.0/27", [peer("vnet-d1", "vnet-dh")]),
              withGateway("vnet-sa1", "10.110.0.0/16", "10.110.255.0/27"),
              withGateway("vnet-sa2", "10.111.0.0/16", "10.111.255.0/27"),
              withGateway("vnet-sx", "10.112.0.0/16", "10.112.255.0/27"),
              withGateway("vnet-pz1", "10.113.0.0/16", "10.113.255.0/27"),
              withGateway("vnet-pz2", "10.110.0.0/16", "10.110.254.0/27"),
            ],
            gateways: GATEWAY_VNETS.map((n, i) => ({ name: `gw-${n}`, vnet: `vnet-${n}`, addressPool: [`172.16.${80 + i}.0/24`], protocols: ["SSTP" as const] })),
          },
          {
            name: "rg-net-ne",
            location: "northeurope",
            vnets: [withGateway("vnet-d2", "10.60.128.0/17", "10.60.255.32/27")],
            gateways: [{ name: "gw-d2", vnet: "vnet-d2", addressPool: ["172.16.120.0/24"], protocols: ["SSTP" as const] }],
          },
        ],
      },
    ],
  };
}
