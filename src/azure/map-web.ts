import type { AppServicePlan, Site, VnetInfoResource, VnetRoute } from "@azure/arm-appservice";
import { parseCertificate } from "../core/certificate.ts";
import type { AppInfo, PlanInfo, PlanRoute, VnetConnectionInfo } from "../core/model.ts";
import { scopeOf } from "../core/resource-id.ts";


/** An App Service plan as the domain sees it. */
export function toPlanInfo(plan: AppServicePlan): PlanInfo {
  return {
    id: plan.id ?? "",
    name: plan.name ?? "",
    ...scopeOf(plan.id),
    location: plan.location ?? "",
    skuName: plan.sku?.name ?? "",
    tier: plan.sku?.tier ?? "",
    isLinux: plan.reserved === true || /linux/i.test(plan.kind ?? ""),
    isWindowsContainer: plan.hyperV === true || plan.isXenon === true,
    workers: plan.sku?.capacity ?? plan.numberOfWorkers ?? 1,
  };
}

/**
 * A web app or slot as the domain sees it. siteConfig is not read: site lists leave it null and a site GET leaves
 * its vnetName null ("SiteConfig is not part of Site API which is by design", Microsoft in azure-powershell#14877).
 */
export function toAppInfo(site: Site): AppInfo {
  const kind = site.kind ?? "app";
  const slot = /\/slots\/([^/]+)$/i.exec(site.id ?? "")?.[1];
  return {
    id: site.id ?? "",
    name: site.name ?? "",
    ...scopeOf(site.id),
    location: site.location ?? "",
    planId: site.serverFarmId ?? "",
    kind,
    isLinux: site.reserved === true || /linux/i.test(kind),
    isWindowsContainer: site.hyperV === true || site.isXenon === true || /container,windows|hyperv/i.test(kind),
    state: site.state ?? "",
    slot,
    regionalSubnetId: site.virtualNetworkSubnetId || undefined,
    scmHostName: site.enabledHostNames?.find((host) => host.includes(".scm.")),
    ...(site.outboundVnetRouting?.applicationTraffic === true || site.outboundVnetRouting?.allTraffic === true ? { outboundRouteAll: true as const } : {}),
  };
}

/** A plan route as the domain sees it. */
export function toPlanRoute(route: VnetRoute): PlanRoute {
  return {
    name: route.name ?? "",
    startAddress: route.startAddress ?? "",
    endAddress: route.endAddress || undefined,
    routeType: route.routeType ?? "STATIC",
  };
}

/** A VNet connection (app or plan level) as the domain sees it. */
export function toVnetConnection(connection: VnetInfoResource): VnetConnectionInfo {
  const target = connection.vnetResourceId ?? "";
  const subnet = /\/subnets\/[^/]+$/i;
  return {
    name: connection.name ?? "",
    // Regional entries name the integration subnet; the domain wants the VNet.
    vnetId: target.replace(subnet, ""),
    // An app's regional entry says isSwift; whether the plan's does is not captured (its list holds one per subnet,
    // pulumi-azure-native#1778). A gateway-required integration is a VNet's, so an entry naming a subnet is regional.
    isRegional: connection.isSwift === true || subnet.test(target),
    certThumbprint: connection.certThumbprint || undefined,
    certBlob: connection.certBlob || undefined,
    certificate: parseCertificate(connection.certBlob),
    routes: (connection.routes ?? []).map(toPlanRoute),
    resyncRequired: connection.resyncRequired === true,
    dnsServers: (connection.dnsServers ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  };
}
