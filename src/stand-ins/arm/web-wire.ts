/** Microsoft.Web wire shapes (api-version 2025-05-01): resources nest their fields under `properties`. */
import type { SimApp, SimAppConnection, SimPlan, SimRoute, SimulatorState } from "./state.ts";

/** GET serverfarms/{name}, shaped like the GetAppServicePlan example. */
export function planWire(state: SimulatorState, plan: SimPlan): unknown {
  const kind = plan.os === "linux" ? "linux" : plan.container ? "windows" : "app";
  return {
    id: plan.id,
    name: plan.name,
    type: "Microsoft.Web/serverfarms",
    kind,
    location: plan.location,
    properties: {
      geoRegion: plan.location,
      isSpot: false,
      maximumNumberOfWorkers: 30,
      numberOfSites: state.appsOf(plan.id).length,
      numberOfWorkers: plan.sku.capacity,
      provisioningState: "Succeeded",
      reserved: plan.os === "linux",
      hyperV: plan.os === "windows" && plan.container,
      isXenon: false,
      status: "Ready",
      targetWorkerCount: 0,
      targetWorkerSizeId: 0,
      resourceGroup: plan.resourceGroup,
    },
    sku: { name: plan.sku.name, tier: plan.sku.tier, size: plan.sku.name, family: plan.sku.name.replace(/\d.*$/, ""), capacity: plan.sku.capacity },
  };
}

/** GET sites/{name}. */
export function siteWire(state: SimulatorState, app: SimApp, options: { inList?: boolean } = {}): unknown {
  const plan = state.plans.get(app.planId);
  const host = `${app.name}.azurewebsites.net`;
  return {
    id: app.id,
    name: app.name,
    type: "Microsoft.Web/sites",
    kind: app.kind,
    location: app.location,
    properties: {
      state: app.state,
      hostNames: [host],
      enabled: true,
      enabledHostNames: [host, `${app.name}.scm.azurewebsites.net`],
      hostNameSslStates: [
        { name: host, hostType: "Standard", sslState: "Disabled" },
        { name: `${app.name}.scm.azurewebsites.net`, hostType: "Repository", sslState: "Disabled" },
      ],
      serverFarmId: app.planId,
      reserved: plan?.os === "linux",
      isXenon: false,
      hyperV: plan?.os === "windows" && plan.container,
      siteConfig: options.inList && !state.siteConfigInLists ? null : { vnetName: app.vnetName ?? "", numberOfWorkers: 1, linuxFxVersion: "", windowsFxVersion: null },
      virtualNetworkSubnetId: app.regionalSubnetId ?? null,
      defaultHostName: host,
      outboundIpAddresses: "20.50.2.10,20.50.2.11",
      resourceGroup: app.resourceGroup,
      sku: plan?.sku.tier,
      httpsOnly: true,
    },
  };
}

/** GET sites/{name}/config/web: vnetName is "" when the app has no gateway-required VNet. */
export function siteConfigWire(app: SimApp): unknown {
  return {
    id: `${app.id}/config/web`,
    name: "web",
    type: "Microsoft.Web/sites/config",
    location: app.location,
    properties: {
      numberOfWorkers: 1,
      netFrameworkVersion: "v4.0",
      vnetName: app.vnetName ?? "",
      vnetRouteAllEnabled: false,
      vnetPrivatePortsCount: 0,
      http20Enabled: true,
      alwaysOn: false,
    },
  };
}

/** One plan route. */
export function routeWire(planId: string, vnetName: string, route: SimRoute): unknown {
  return {
    id: `${planId}/virtualNetworkConnections/${vnetName}/routes/${route.name}`,
    name: route.name,
    type: "Microsoft.Web/serverfarms/virtualNetworkConnections/routes",
    properties: { startAddress: route.startAddress, endAddress: route.endAddress ?? null, routeType: route.routeType },
  };
}

/** A gateway-required connection (VnetInfoResource) under an app or a plan. */
export function connectionWire(state: SimulatorState, ownerId: string, planId: string, connection: SimAppConnection, resyncRequired: boolean): unknown {
  const cert = state.certificateFor(planId, connection.vnetId);
  const isPlan = ownerId.toLowerCase().includes("/serverfarms/");
  return {
    id: `${ownerId}/virtualNetworkConnections/${connection.vnetName}`,
    name: connection.vnetName,
    type: isPlan ? "Microsoft.Web/serverfarms/virtualNetworkConnections" : "Microsoft.Web/sites/virtualNetworkConnections",
    location: state.vnets.get(connection.vnetId)?.location,
    properties: {
      vnetResourceId: connection.vnetId,
      certThumbprint: cert?.thumbprint ?? null,
      certBlob: cert?.blob ?? null,
      routes: state.routesOf(planId, connection.vnetName).map((r) => routeWire(planId, connection.vnetName, r)),
      resyncRequired,
      dnsServers: connection.dnsServers.join(","),
      isSwift: false,
    },
  };
}

/** A regional (swift) integration as it shows in the app's connection list. */
export function regionalConnectionWire(app: SimApp): unknown {
  const subnetId = app.regionalSubnetId!;
  const name = `00000000-0000-0000-0000-000000000000_${subnetId.split("/").pop()}`;
  return {
    id: `${app.id}/virtualNetworkConnections/${name}`,
    name,
    type: "Microsoft.Web/sites/virtualNetworkConnections",
    location: app.location,
    properties: { vnetResourceId: subnetId, certThumbprint: null, certBlob: null, routes: null, resyncRequired: false, dnsServers: null, isSwift: true },
  };
}

/** The gateways/primary resource of a connection; the package URL is write-only and never read back. */
export function vnetGatewayWire(ownerId: string, vnetName: string): unknown {
  const isPlan = ownerId.toLowerCase().includes("/serverfarms/");
  return {
    id: `${ownerId}/virtualNetworkConnections/${vnetName}/gateways/primary`,
    name: "primary",
    type: isPlan ? "Microsoft.Web/serverfarms/virtualNetworkConnections/gateways" : "Microsoft.Web/sites/virtualNetworkConnections/gateways",
    properties: { vnetName },
  };
}
