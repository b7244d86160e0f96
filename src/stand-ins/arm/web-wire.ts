/** Microsoft.Web wire shapes (api-version 2025-05-01): resources nest their fields under `properties`. */
import { resourceGuidOf } from "./network-wire.ts";
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

/** The host-name label of a site: "app", or "app-slot" for a slot (as App Service names slot hosts). */
export function siteHostLabel(app: Pick<SimApp, "name">): string {
  return app.name.replace("/", "-");
}

/**
 * GET sites/{name} (or sites/{name}/slots/{slot}). siteConfig is null in lists and has vnetName null in a GET, as
 * ARM answers ("SiteConfig is not part of Site API which is by design", Microsoft in azure-powershell#14877); the
 * estate option siteConfigVnetName fills it in.
 */
export function siteWire(state: SimulatorState, app: SimApp, options: { inList?: boolean } = {}): unknown {
  const plan = state.plans.get(app.planId);
  const host = `${siteHostLabel(app)}.azurewebsites.net`;
  const friendly = state.options.siteConfigVnetName;
  const siteConfig = options.inList && !friendly ? null : { vnetName: friendly ? (app.vnetName ?? "") : null, numberOfWorkers: null, linuxFxVersion: null, windowsFxVersion: null, alwaysOn: null };
  return {
    id: app.id,
    name: app.name,
    type: app.slotOf ? "Microsoft.Web/sites/slots" : "Microsoft.Web/sites",
    kind: app.kind,
    location: app.location,
    properties: {
      state: app.state,
      hostNames: [host],
      enabled: true,
      enabledHostNames: [host, `${siteHostLabel(app)}.scm.azurewebsites.net`],
      hostNameSslStates: [
        { name: host, hostType: "Standard", sslState: "Disabled" },
        { name: `${siteHostLabel(app)}.scm.azurewebsites.net`, hostType: "Repository", sslState: "Disabled" },
      ],
      serverFarmId: app.planId,
      reserved: plan?.os === "linux",
      isXenon: false,
      hyperV: plan?.os === "windows" && plan.container,
      siteConfig,
      virtualNetworkSubnetId: app.regionalSubnetId ?? null,
      ...(app.outboundRouting ? { outboundVnetRouting: app.outboundRouting } : {}),
      defaultHostName: host,
      outboundIpAddresses: "20.50.2.10,20.50.2.11",
      resourceGroup: app.resourceGroup,
      sku: plan?.sku.tier,
      httpsOnly: true,
    },
  };
}

/**
 * The name App Service gives a regional integration: `{VNet resourceGuid}_{subnet}` (hashicorp/terraform-provider-
 * azurerm#2325, #4372; pulumi/pulumi-azure-nextgen#97), both as the connection's name and as config/web's vnetName.
 */
export function regionalVnetName(state: SimulatorState, app: SimApp): string | undefined {
  if (!app.regionalSubnetId) return undefined;
  const vnetId = app.regionalSubnetId.replace(/\/subnets\/[^/]+$/i, "");
  const guid = resourceGuidOf(state.vnets.get(vnetId) ?? { id: vnetId });
  return `${guid}_${app.regionalSubnetId.split("/").pop()}`;
}

/**
 * GET sites/{name}/config/web: vnetName is "" when the app has no VNet (azure-rest-api-specs#8158), and the regional
 * integration's `{guid}_{subnet}` name when it is regionally integrated, so a vnetName is no sign of a gateway.
 */
export function siteConfigWire(state: SimulatorState, app: SimApp): unknown {
  return {
    id: `${app.id}/config/web`,
    name: "web",
    type: app.slotOf ? "Microsoft.Web/sites/slots/config" : "Microsoft.Web/sites/config",
    location: app.location,
    properties: {
      numberOfWorkers: 1,
      netFrameworkVersion: "v4.0",
      vnetName: app.vnetName ?? regionalVnetName(state, app) ?? "",
      vnetRouteAllEnabled: app.routeAll,
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
  const isPlan = ownerId.toLowerCase().includes("/serverfarms/");
  // Whether a plan's connection carries the certificate is an estate option; an app's always does.
  const cert = isPlan && !state.options.planConnectionCertBlob ? undefined : state.certificateFor(planId, connection.vnetId);
  return {
    id: `${ownerId}/virtualNetworkConnections/${connection.vnetName}`,
    name: connection.vnetName,
    type: isPlan ? "Microsoft.Web/serverfarms/virtualNetworkConnections" : ownerId.includes("/slots/") ? "Microsoft.Web/sites/slots/virtualNetworkConnections" : "Microsoft.Web/sites/virtualNetworkConnections",
    location: (state.vnets.get(connection.vnetId) ?? state.classicVnets.get(connection.vnetId))?.location,
    properties: {
      vnetResourceId: connection.vnetId,
      certThumbprint: cert?.thumbprint ?? null,
      certBlob: cert?.blob ?? null,
      routes: state.routesOf(planId, connection.vnetName).map((r) => routeWire(planId, connection.vnetName, r)),
      resyncRequired,
      dnsServers: state.options.connectionDnsServers === "never" ? null : connection.dnsServers.join(","),
      isSwift: false,
    },
  };
}

/**
 * A regional (swift) integration as it shows in the app's connection list: named `{guid}_{subnet}`, vnetResourceId
 * the subnet, isSwift true (pulumi/pulumi-azure-nextgen#97, ansible-collections/azure azure_rm_webappvnetconnection).
 * What it carries for certificate, routes and DNS is not
 * captured anywhere; null here.
 */
export function regionalConnectionWire(state: SimulatorState, app: SimApp, plan?: { id: string }): unknown {
  const subnetId = app.regionalSubnetId!;
  const name = regionalVnetName(state, app)!;
  // Under the plan, whether the entry says isSwift is an estate option (estate.ts, planRegionalEntries).
  const isSwift = plan && state.options.planRegionalEntries === "no-flag" ? {} : { isSwift: true };
  return {
    id: `${plan?.id ?? app.id}/virtualNetworkConnections/${name}`,
    name,
    type: plan ? "Microsoft.Web/serverfarms/virtualNetworkConnections" : app.slotOf ? "Microsoft.Web/sites/slots/virtualNetworkConnections" : "Microsoft.Web/sites/virtualNetworkConnections",
    location: app.location,
    properties: { vnetResourceId: subnetId, certThumbprint: null, certBlob: null, routes: null, resyncRequired: false, dnsServers: null, ...isSwift },
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

/**
 * GET sites/{app}/networkConfig/virtualNetwork: 200 with subnetResourceId null when the app has none (azure-cli#11454
 * capture). That capture is of the older config/virtualNetwork path; the id and type at this path are not captured.
 */
export function swiftWire(state: SimulatorState, app: SimApp): unknown {
  return {
    id: `${app.id}/networkConfig/virtualNetwork`,
    name: "virtualNetwork",
    type: app.slotOf ? "Microsoft.Web/sites/slots/networkConfig" : "Microsoft.Web/sites/networkConfig",
    location: app.location,
    properties: { subnetResourceId: app.regionalSubnetId ?? null, swiftSupported: state.plans.get(app.planId)?.regionalIntegration ?? true },
  };
}
