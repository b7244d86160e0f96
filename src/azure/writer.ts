import type { Subnet, VirtualNetworkPeering, VpnClientRootCertificate } from "@azure/arm-network";
import type { AzureWriter } from "../core/ports.ts";
import type { WriteReceipt } from "../core/model.ts";
import { Secret } from "../core/secret.ts";
import { BotError } from "../errors.ts";
import type { AzureClients } from "./clients.ts";
import { catchErrorBody, regionalRefusal, withAppServiceReason } from "./app-service-errors.ts";
import { callAzure } from "./errors.ts";
import type { AzureOperation } from "./permissions.ts";
import { idParts, siteParts } from "./reader.ts";

/** Long-running operations are polled this often unless ARM says otherwise with Retry-After. */
const POLL_INTERVAL_MS = 5_000;
/** The delegation regional integration needs on its subnet. */
const APP_SERVICE_DELEGATION = "Microsoft.Web/serverFarms";
/** App Service accepts only this gateway name (VnetGateway.tsp). */
const GATEWAY_NAME = "primary";

/** Collects x-ms-request-id of every response an SDK call sees, for the audit trail. */
function receipt(): { requestIds: string[]; options: { onResponse: (r: { headers: { get(n: string): string | undefined } }) => void } } {
  const requestIds: string[] = [];
  return {
    requestIds,
    options: {
      onResponse: (response) => {
        const id = response.headers.get("x-ms-request-id");
        if (id) requestIds.push(id);
      },
    },
  };
}

// The portal and PowerShell may store the base64 wrapped over lines; compare the certificate, not the layout.
const compact = (data: string | undefined) => (data ?? "").replace(/\s+/g, "");

/**
 * GET-modify-PUT of a gateway's P2S root certificates: the PUT replaces the whole gateway, so everything else the GET
 * returned travels back with it. The Network spec declares no If-Match for this PUT (VirtualNetworkGateways_
 * CreateOrUpdate, 2026-01-01), so the caller serialises these updates per gateway and reads the result back.
 * `change` returns the new list, or undefined when there is nothing to do.
 */
async function updateRootCertificates(
  clients: AzureClients,
  gatewayId: string,
  operation: "addGatewayRootCertificate" | "removeGatewayRootCertificate",
  change: (roots: VpnClientRootCertificate[]) => VpnClientRootCertificate[] | undefined,
): Promise<WriteReceipt> {
  const { sub, rg, name } = idParts(gatewayId, "gateway");
  const r = receipt();
  const gateways = (await clients.network(sub)).virtualNetworkGateways;
  await callAzure(operation, `gateway ${rg}/${name}`, async () => {
    const gateway = await gateways.get(rg, name, r.options);
    const p2s = (gateway.vpnClientConfiguration ??= {});
    const next = change(p2s.vpnClientRootCertificates ?? []);
    if (!next) return;
    p2s.vpnClientRootCertificates = next;
    await gateways.createOrUpdate(rg, name, gateway, { ...r.options, updateIntervalInMs: POLL_INTERVAL_MS });
  });
  return { requestIds: r.requestIds };
}

/**
 * One App Service call, translated like any other but with App Service's reason kept when it answers in PascalCase
 * (app-service-errors.ts); for regional integration, its refusals are told from a busy app too.
 */
/** Gateway-required calls: App Service's reason kept, then the common mapping (a 409 is a busy app there). */
const noRefusal = (): undefined => undefined;

type SeenResponse = { status: number; headers: { get(name: string): string | undefined }; parsedBody?: unknown };

async function appServiceCall<T>(
  operation: AzureOperation,
  resource: string,
  r: ReturnType<typeof receipt>,
  call: (options: { onResponse: (response: SeenResponse) => void }) => Promise<T>,
  refusal: (error: unknown, resource: string) => BotError | undefined = regionalRefusal,
): Promise<T> {
  const caught = catchErrorBody();
  const options = {
    onResponse: (response: SeenResponse) => {
      r.options.onResponse(response);
      caught.onResponse(response);
    },
  };
  return callAzure(operation, resource, async () => {
    try {
      return await call(options);
    } catch (error) {
      const explained = withAppServiceReason(error, caught.body());
      throw refusal(explained, resource) ?? explained;
    }
  });
}

/** AzureWriter over the SDK clients: exactly the calls of the documented connect, sync, route and peering flows. */
export function createAzureWriter(clients: AzureClients): AzureWriter {
  return {
    async putAppVnetConnection(appId, vnetId) {
      const { sub, rg, name, slot, shown } = siteParts(appId);
      const vnetName = idParts(vnetId, "VNet").name;
      const r = receipt();
      const web = (await clients.web(sub)).webApps;
      const envelope = { vnetResourceId: vnetId };
      const connection = slot
        ? await appServiceCall("putSlotVnetConnection", shown, r, (options) => web.createOrUpdateVnetConnectionSlot(rg, name, vnetName, slot, envelope, options), noRefusal)
        : await appServiceCall("putAppVnetConnection", shown, r, (options) => web.createOrUpdateVnetConnection(rg, name, vnetName, envelope, options), noRefusal);
      if (!connection.certBlob) {
        // Without the certificate the gateway cannot trust the app: stop here rather than add an empty root.
        throw new BotError("unavailable", `Azure connected ${shown} to ${vnetName} but returned no client certificate.`, {
          hint: "Run the same change again; if it keeps happening, disconnect and reconnect the app in the portal.",
          ...(r.requestIds[0] ? { azureRequestId: r.requestIds[0] } : {}),
        });
      }
      return { requestIds: r.requestIds, certBlob: connection.certBlob, certThumbprint: connection.certThumbprint || undefined };
    },

    async deleteAppVnetConnection(appId, vnetName) {
      const { sub, rg, name, slot, shown } = siteParts(appId);
      const r = receipt();
      const web = (await clients.web(sub)).webApps;
      const what = `the connection of ${shown} to ${vnetName}`;
      if (slot) await appServiceCall("deleteSlotVnetConnection", what, r, (options) => web.deleteVnetConnectionSlot(rg, name, vnetName, slot, options), noRefusal);
      else await appServiceCall("deleteAppVnetConnection", what, r, (options) => web.deleteVnetConnection(rg, name, vnetName, options), noRefusal);
      return { requestIds: r.requestIds };
    },

    async addGatewayRootCertificate(gatewayId, certName, publicCertData): Promise<WriteReceipt> {
      return updateRootCertificates(clients, gatewayId, "addGatewayRootCertificate", (roots) => {
        if (roots.some((c) => compact(c.publicCertData) === compact(publicCertData))) return undefined;
        return [...roots, { name: certName, publicCertData }];
      });
    },

    async removeGatewayRootCertificate(gatewayId, publicCertData): Promise<WriteReceipt> {
      return updateRootCertificates(clients, gatewayId, "removeGatewayRootCertificate", (roots) => {
        const kept = roots.filter((c) => compact(c.publicCertData) !== compact(publicCertData));
        return kept.length === roots.length ? undefined : kept;
      });
    },

    async generateVpnPackage(gatewayId) {
      const { sub, rg, name } = idParts(gatewayId, "gateway");
      const r = receipt();
      const result = await callAzure("generateVpnPackage", `gateway ${rg}/${name}`, async () =>
        (await clients.network(sub)).virtualNetworkGateways.generatevpnclientpackage(
          rg,
          name,
          { processorArchitecture: "Amd64" },
          { ...r.options, updateIntervalInMs: POLL_INTERVAL_MS },
        ),
      );
      // Older ARM answers wrapped the URL in quotes (azure-powershell#3391).
      const url = typeof result.body === "string" ? result.body.trim().replace(/^"|"$/g, "") : "";
      if (!/^https:\/\//i.test(url)) {
        // E.g. an answer without a Location header, where the SDK returns the operation status instead of the URL.
        throw new BotError("unavailable", `Gateway ${name} generated no VPN client package URL.`, {
          hint: "Check that the gateway's point-to-site configuration is complete, then run the same change again.",
          ...(r.requestIds[0] ? { azureRequestId: r.requestIds[0] } : {}),
        });
      }
      return { requestIds: r.requestIds, packageUri: new Secret(url) };
    },

    async putAppVnetGateway(appId, vnetName, packageUri) {
      const { sub, rg, name, slot, shown } = siteParts(appId);
      const r = receipt();
      const web = (await clients.web(sub)).webApps;
      const envelope = { vnetName, vpnPackageUri: packageUri.reveal() };
      const what = `the connection of ${shown} to ${vnetName}`;
      if (slot) await appServiceCall("putSlotVnetGateway", what, r, (options) => web.createOrUpdateVnetConnectionGatewaySlot(rg, name, vnetName, GATEWAY_NAME, slot, envelope, options), noRefusal);
      else await appServiceCall("putAppVnetGateway", what, r, (options) => web.createOrUpdateVnetConnectionGateway(rg, name, vnetName, GATEWAY_NAME, envelope, options), noRefusal);
      return { requestIds: r.requestIds };
    },

    async putPlanVnetGateway(planId, vnetName, packageUri) {
      const { sub, rg, name } = idParts(planId, "plan");
      const r = receipt();
      const plans = (await clients.web(sub)).appServicePlans;
      await appServiceCall("putPlanVnetGateway", `the connection of plan ${rg}/${name} to ${vnetName}`, r, (options) =>
        plans.updateVnetGateway(rg, name, vnetName, GATEWAY_NAME, { vnetName, vpnPackageUri: packageUri.reveal() }, options), noRefusal,
      );
      return { requestIds: r.requestIds };
    },

    async putPlanRoute(planId, vnetName, route) {
      const { sub, rg, name } = idParts(planId, "plan");
      const r = receipt();
      const plans = (await clients.web(sub)).appServicePlans;
      const body = { startAddress: route.startAddress, ...(route.endAddress ? { endAddress: route.endAddress } : {}), routeType: route.routeType };
      await appServiceCall("putPlanRoute", `route ${route.name} of plan ${rg}/${name}`, r, (options) => plans.createOrUpdateVnetRoute(rg, name, vnetName, route.name, body, options), noRefusal);
      return { requestIds: r.requestIds };
    },

    async deletePlanRoute(planId, vnetName, routeName) {
      const { sub, rg, name } = idParts(planId, "plan");
      const r = receipt();
      const plans = (await clients.web(sub)).appServicePlans;
      await appServiceCall("deletePlanRoute", `route ${routeName} of plan ${rg}/${name}`, r, (options) => plans.deleteVnetRoute(rg, name, vnetName, routeName, options), noRefusal);
      return { requestIds: r.requestIds };
    },

    async delegateSubnet(subnetId, addressPrefix) {
      const { sub, rg, names } = idParts(subnetId, "subnet");
      const [vnet = "", name = ""] = names;
      const r = receipt();
      const subnets = (await clients.network(sub)).subnets;
      await callAzure("delegateSubnet", `subnet ${vnet}/${name}`, async () => {
        // GET-modify-PUT: a subnet PUT replaces its NSG, route table, service endpoints and delegations with what it
        // carries (azure-powershell#1551, azure-sdk-for-python#28350), so everything the GET returned goes back.
        const existing: Subnet | undefined = await subnets.get(rg, vnet, name, r.options).catch((error: unknown) => {
          if ((error as { statusCode?: number }).statusCode === 404 && addressPrefix) return undefined;
          throw error;
        });
        const subnet: Subnet = existing ?? { addressPrefix };
        const delegations = subnet.delegations ?? [];
        if (delegations.some((d) => d.serviceName?.toLowerCase() === APP_SERVICE_DELEGATION.toLowerCase())) return;
        subnet.delegations = [...delegations, { name: "Microsoft.Web.serverFarms", serviceName: APP_SERVICE_DELEGATION }];
        await subnets.createOrUpdate(rg, vnet, name, subnet, { ...r.options, updateIntervalInMs: POLL_INTERVAL_MS });
      });
      return { requestIds: r.requestIds };
    },

    async putRegionalIntegration(appId, subnetId) {
      const { sub, rg, name, slot, shown } = siteParts(appId);
      const r = receipt();
      const web = (await clients.web(sub)).webApps;
      // "This requires that 1) swiftSupported is true … and 2) that the target Subnet has already been delegated"
      // (SwiftVirtualNetwork.tsp, createOrUpdateSwiftVirtualNetworkConnectionWithCheck).
      const envelope = { subnetResourceId: subnetId, swiftSupported: true };
      await appServiceCall(slot ? "putSlotRegionalIntegration" : "putRegionalIntegration", shown, r, (options) =>
        slot
          ? web.createOrUpdateSwiftVirtualNetworkConnectionWithCheckSlot(rg, name, slot, envelope, options)
          : web.createOrUpdateSwiftVirtualNetworkConnectionWithCheck(rg, name, envelope, options),
      );
      return { requestIds: r.requestIds };
    },

    async joinSharedSubnet(appId, subnetId) {
      const { sub, rg, name, slot, shown } = siteParts(appId);
      const r = receipt();
      const web = (await clients.web(sub)).webApps;
      await appServiceCall(slot ? "joinSlotSharedSubnet" : "joinSharedSubnet", shown, r, (options) =>
        slot ? web.updateSlot(rg, name, slot, { virtualNetworkSubnetId: subnetId }, options) : web.update(rg, name, { virtualNetworkSubnetId: subnetId }, options),
      );
      return { requestIds: r.requestIds };
    },

    async deleteRegionalIntegration(appId) {
      const { sub, rg, name, slot, shown } = siteParts(appId);
      const r = receipt();
      const web = (await clients.web(sub)).webApps;
      await appServiceCall(slot ? "deleteSlotRegionalIntegration" : "deleteRegionalIntegration", shown, r, (options) =>
        slot ? web.deleteSwiftVirtualNetworkSlot(rg, name, slot, options) : web.deleteSwiftVirtualNetwork(rg, name, options),
      );
      return { requestIds: r.requestIds };
    },

    async setRouteAll(appId, enabled) {
      const { sub, rg, name, slot, shown } = siteParts(appId);
      const r = receipt();
      const web = (await clients.web(sub)).webApps;
      // A PATCH of config/web changes only what it carries (webApps.updateConfiguration).
      await appServiceCall(slot ? "setSlotRouteAll" : "setRouteAll", shown, r, (options) =>
        slot ? web.updateConfigurationSlot(rg, name, slot, { vnetRouteAllEnabled: enabled }, options) : web.updateConfiguration(rg, name, { vnetRouteAllEnabled: enabled }, options),
      );
      return { requestIds: r.requestIds };
    },

    async putPeering(vnetId, peeringName, settings) {
      const { sub, rg, name } = idParts(vnetId, "VNet");
      const r = receipt();
      const peerings = (await clients.network(sub)).virtualNetworkPeerings;
      await callAzure("putPeering", `peering ${peeringName} of VNet ${rg}/${name}`, async () => {
        // Keep what the existing peering already says (address spaces, sync level) and change only the flags.
        const existing: VirtualNetworkPeering = await peerings.get(rg, name, peeringName, r.options).catch((error: unknown) => {
          if ((error as { statusCode?: number }).statusCode === 404) return {};
          throw error;
        });
        await peerings.createOrUpdate(
          rg,
          name,
          peeringName,
          {
            ...existing,
            remoteVirtualNetwork: { id: settings.remoteVnetId },
            allowVirtualNetworkAccess: settings.allowVirtualNetworkAccess,
            allowForwardedTraffic: settings.allowForwardedTraffic,
            allowGatewayTransit: settings.allowGatewayTransit,
            useRemoteGateways: settings.useRemoteGateways,
          },
          { ...r.options, updateIntervalInMs: POLL_INTERVAL_MS },
        );
      });
      return { requestIds: r.requestIds };
    },
  };
}
