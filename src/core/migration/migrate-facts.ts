/** Everything a migration's preview, checks and steps read from Azure and from its own records, read once. */
import { gatewayConnectionOf, listPlanSites, regionalSubnetsOf, sameName } from "../connections.ts";
import { findVpnGateway } from "../eligibility.ts";
import { readGateways } from "../changes/common.ts";
import type { AppInfo, GatewayInfo, NsgInfo, PlanInfo, PlanRoute, RegionalIntegrationInfo, SubnetInfo, VnetConnectionInfo, VnetInfo } from "../model.ts";
import type { AzureReader } from "../ports.ts";
import { isClassicVnetId, nameOf, sameId } from "../resource-id.ts";
import type { KnownTarget, MigrationRecord, MigrationRecords } from "./migration-records.ts";
import { needsSiteToSite, usable } from "./network-changes.ts";
import { otherPlansOn } from "./regional-rules.ts";
import { readSiteToSite, type SiteToSite } from "./site-to-site.ts";

/** One app (or slot) the migration moves, as it is now. */
export interface MovingApp {
  app: AppInfo;
  /** Its gateway-required connection to the VNet being left; undefined once deleted (a resumed migration). */
  connection: VnetConnectionInfo | undefined;
  record: MigrationRecord | undefined;
  regional: RegionalIntegrationInfo;
  routeAll: boolean;
  targets: KnownTarget[];
  /** Its deployment slots that stay behind (production apps only): they could go first. */
  slotsLeft: string[];
}

/** The facts of one migration request. */
export interface MigrationFacts {
  plan: PlanInfo;
  /** The gateway-required VNet being left; vnet is undefined for a classic one, which Resource Manager cannot read. */
  vnetId: string;
  vnetName: string;
  vnet: VnetInfo | undefined;
  gateway: GatewayInfo | undefined;
  /** The plan's connection to it (routes, DNS), or the first record's copy once the connection is gone. */
  planConnection: VnetConnectionInfo | undefined;
  apps: MovingApp[];
  /** The VNet of the integration subnet and the subnet, when it exists already. */
  targetVnet: VnetInfo;
  subnetId: string;
  subnet: SubnetInfo | undefined;
  nsg: NsgInfo | undefined;
  /** The subnets the plan's apps and slots use for regional integration now, and the plan's gateway-required VNets. */
  planRegionalSubnets: string[];
  planGatewayVnets: string[];
  /** The plan's routes into the VNet being left: its connection's, or the first record's copy once it is gone. */
  routes: PlanRoute[];
  /** The target VNet's connections to on-premises, read when a plan route can only be reached through them. */
  siteToSite: SiteToSite | undefined;
  /** The other plans on the subnet that its links name and could be read (multi-plan subnet join). */
  sharingPlans: PlanInfo[];
  /**
   * The NSGs on the subnets of the VNet left and of the subnet's VNet, with the subnets they sit on: rules there that
   * name the point-to-site pool stop matching the apps, and known targets behind them are checked from the new
   * source. One that could not be read is named in `nsgsUnread`.
   */
  subnetNsgs: Array<{ nsg: NsgInfo; subnets: SubnetInfo[] }>;
  nsgsUnread: string[];
}

/** What a migrate request names. */
export interface MigrateTarget {
  planId: string;
  vnetId: string;
  vnetName: string;
  appIds: string[];
  subnetId: string;
}

/** Reads the facts; app reads run side by side. */
export async function readMigrationFacts(azure: AzureReader, records: MigrationRecords, request: MigrateTarget): Promise<MigrationFacts> {
  // The plan's sites and each moving app's "slot first" both list an app's slots: each list is read once.
  const slotLists = new Map<string, Promise<AppInfo[]>>();
  const reader: AzureReader = {
    ...azure,
    listSlots: (appId) => slotLists.get(appId.toLowerCase()) ?? slotLists.set(appId.toLowerCase(), azure.listSlots(appId)).get(appId.toLowerCase())!,
  };
  const targetVnetId = request.subnetId.slice(0, request.subnetId.toLowerCase().lastIndexOf("/subnets/"));
  const classic = isClassicVnetId(request.vnetId);
  const [plan, planConnections, planSites, vnet, targetVnet, apps] = await Promise.all([
    reader.getPlan(request.planId),
    reader.listPlanVnetConnections(request.planId),
    listPlanSites(reader, request.planId),
    classic ? undefined : reader.getVnet(request.vnetId),
    reader.getVnet(targetVnetId),
    Promise.all(request.appIds.map((appId) => readMovingApp(reader, records, appId, request.vnetName))),
  ]);
  const gateway = vnet ? findVpnGateway(await readGateways(reader, vnet)) : undefined;
  const subnet = targetVnet.subnets.find((s) => sameId(s.id, request.subnetId));
  const [nsg, sharingPlans] = await Promise.all([subnet?.nsgId ? reader.getNsg(subnet.nsgId) : undefined, subnet ? readSharingPlans(reader, subnet, request.planId) : []]);
  const gatewayConnections = planConnections.filter((c) => !c.isRegional);
  const planConnection = gatewayConnections.find((c) => sameName(c.name, request.vnetName));
  const routes = planConnection?.routes ?? apps.find((a) => a.record)?.record?.routes ?? [];
  const siteToSite = needsSiteToSite(routes, targetVnet) ? await readSiteToSite(reader, targetVnet) : undefined;
  // The apps reach the VNet left and its peers (gateway transit): rules naming the pool live on their subnets.
  const peers = await Promise.all(
    (vnet?.peerings ?? []).filter((peering) => usable(peering) && !sameId(peering.remoteVnetId, targetVnet.id)).map((peering) => reader.getVnet(peering.remoteVnetId).catch(() => nameOf(peering.remoteVnetId))),
  );
  const read = await readSubnetNsgs(reader, [vnet, targetVnet, ...peers.filter((peer) => typeof peer !== "string")], nsg);
  const subnetNsgs = read.subnetNsgs;
  const nsgsUnread = [...peers.filter((peer) => typeof peer === "string").map((name) => `Peered VNet ${name}`), ...read.nsgsUnread];
  return {
    plan,
    vnetId: request.vnetId,
    vnetName: request.vnetName,
    vnet,
    gateway,
    planConnection,
    apps,
    targetVnet,
    subnetId: subnet?.id ?? request.subnetId,
    subnet,
    nsg,
    subnetNsgs,
    nsgsUnread,
    planRegionalSubnets: regionalSubnetsOf(planSites),
    planGatewayVnets: gatewayConnections.map((c) => c.name),
    routes,
    siteToSite,
    sharingPlans,
  };
}

/** Each NSG on a subnet of the VNets, read once (the integration subnet's is read already). */
async function readSubnetNsgs(reader: AzureReader, vnets: ReadonlyArray<VnetInfo | undefined>, known: NsgInfo | undefined): Promise<{ subnetNsgs: MigrationFacts["subnetNsgs"]; nsgsUnread: string[] }> {
  const bySubnet = new Map<string, SubnetInfo[]>();
  for (const vnet of vnets) {
    for (const subnet of vnet?.subnets ?? []) {
      if (!subnet.nsgId) continue;
      const list = bySubnet.get(subnet.nsgId.toLowerCase()) ?? [];
      if (!list.some((s) => sameId(s.id, subnet.id))) list.push(subnet);
      bySubnet.set(subnet.nsgId.toLowerCase(), list);
    }
  }
  const nsgsUnread: string[] = [];
  const read = await Promise.all(
    [...bySubnet].map(async ([id, subnets]) => {
      if (known && sameId(known.id, id)) return { nsg: known, subnets };
      const nsg = await reader.getNsg(subnets[0]!.nsgId!).catch(() => {
        nsgsUnread.push(`NSG ${nameOf(subnets[0]!.nsgId!)}`);
        return undefined;
      });
      return nsg ? { nsg, subnets } : undefined;
    }),
  );
  return { subnetNsgs: read.filter((entry) => entry !== undefined), nsgsUnread };
}

/** The other plans the subnet's links name (multi-plan subnet join), for their instances; one that cannot be read is left out. */
async function readSharingPlans(reader: AzureReader, subnet: SubnetInfo, planId: string): Promise<PlanInfo[]> {
  const plans = await Promise.all(otherPlansOn(subnet, { id: planId }).map((id) => reader.getPlan(id).catch(() => undefined)));
  return plans.filter((plan) => plan !== undefined);
}

async function readMovingApp(reader: AzureReader, records: MigrationRecords, appId: string, vnetName: string): Promise<MovingApp> {
  const [app, connection, record, regional, routeAll, targets] = await Promise.all([
    reader.getApp(appId),
    gatewayConnectionOf(reader, appId),
    records.get(appId),
    reader.getRegionalIntegration(appId),
    reader.getRouteAll(appId),
    records.targets(appId),
  ]);
  // "Slot first" only for slots still on a gateway connection to this VNet: one moved already needs no advice.
  const listed = app.slot === undefined ? await reader.listSlots(app.id) : [];
  // A slot whose connections cannot be read keeps the advice: better said once too often than not at all.
  const slotConnections = await Promise.all(listed.map((slot) => gatewayConnectionOf(reader, slot.id).then((c) => c?.name, () => vnetName)));
  const slots = listed.filter((_, i) => sameName(slotConnections[i], vnetName));
  return {
    app,
    connection: connection && sameName(connection.name, vnetName) ? connection : undefined,
    record,
    regional,
    routeAll,
    targets,
    slotsLeft: slots.map((slot) => slot.name),
  };
}
