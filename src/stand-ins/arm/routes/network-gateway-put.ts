/** PUT virtualNetworkGateways/{name}: an LRO that stores exactly what the client sent (GET-modify-PUT matters). */
import { randomUUID } from "node:crypto";
import { propertiesOf, SimError, type Reply, type RouteContext } from "../http.ts";
import { gatewayWire } from "../network-wire.ts";
import type { SimGateway, SimRootCertificate } from "../state.ts";
import { gatewayOf, lroStart } from "./lookup.ts";

function stringsOf(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? (value as string[]) : undefined;
}

function rootCertificatesOf(value: unknown): SimRootCertificate[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new SimError(400, "InvalidRequestFormat", "vpnClientConfiguration.vpnClientRootCertificates must be an array.");
  return value.map((item, i) => {
    const cert = item as { name?: unknown; properties?: { publicCertData?: unknown } };
    const data = cert.properties?.publicCertData;
    if (typeof data !== "string" || data.length === 0) {
      throw new SimError(400, "InvalidRequestFormat", `vpnClientRootCertificates[${i}].properties.publicCertData is required (base64 DER of the certificate).`);
    }
    return { name: typeof cert.name === "string" ? cert.name : `RootCert${i}`, publicCertData: data };
  });
}

/** What the PUT body says the gateway should become. */
function desiredFrom(gateway: SimGateway, body: unknown): Partial<SimGateway> {
  const props = propertiesOf(body);
  const p2s = props["vpnClientConfiguration"] as Record<string, unknown> | undefined;
  const sku = (props["sku"] as { name?: unknown } | undefined)?.name;
  return {
    gatewayType: typeof props["gatewayType"] === "string" ? props["gatewayType"] : gateway.gatewayType,
    vpnType: typeof props["vpnType"] === "string" ? props["vpnType"] : gateway.vpnType,
    sku: typeof sku === "string" ? sku : gateway.sku,
    addressPool: stringsOf((p2s?.["vpnClientAddressPool"] as { addressPrefixes?: unknown } | undefined)?.addressPrefixes) ?? [],
    protocols: stringsOf(p2s?.["vpnClientProtocols"]) ?? [],
    rootCertificates: rootCertificatesOf(p2s?.["vpnClientRootCertificates"]),
  };
}

/**
 * A VPN gateway takes at most 20 P2S root certificates (azure-docs includes/azure-virtual-network-limits.md). How
 * ARM refuses a 21st is not documented; this follows the shape of Network RP's other count limits (code
 * "…LimitReached", e.g. StaticPublicIPCountLimitReached in Azure/data-management-zone#314), synchronously or, with the
 * estate option rootCertificateLimitError: async, as the operation's failure.
 */
const MAX_ROOT_CERTIFICATES = 20;

function rootLimitError(gateway: SimGateway): SimError {
  return new SimError(400, "VpnClientRootCertificateCountLimitReached", `Virtual network gateway ${gateway.name} cannot have more than ${MAX_ROOT_CERTIFICATES} VPN client root certificates.`);
}

function errorOf(error: SimError): { code: string; message: string } {
  return { code: error.code, message: error.message };
}

/** Starts the update: provisioningState is Updating until the operation finishes. */
export function putGateway(ctx: RouteContext): Reply {
  const gateway = gatewayOf(ctx);
  if (gateway.provisioningState === "Updating") {
    throw new SimError(429, "RetryableErrorDueToAnotherOperation", `Operation on gateway ${gateway.name} cannot be performed because another operation is in progress on it. Retry once it finishes.`);
  }
  // No If-Match: the Network spec declares none for this PUT, so an If-Match header changes nothing, as on ARM.
  const desired = desiredFrom(gateway, ctx.body);
  const overLimit = (desired.rootCertificates?.length ?? 0) > MAX_ROOT_CERTIFICATES;
  if (overLimit && ctx.state.options.rootCertificateLimitError === "sync") throw rootLimitError(gateway);
  const before = gateway.provisioningState === "Failed" ? "Succeeded" : gateway.provisioningState;
  const previous = gateway.provisioningState;
  gateway.provisioningState = "Updating";
  const complete = (succeeded: boolean) => {
    if (succeeded && !overLimit) {
      Object.assign(gateway, desired, { provisioningState: before, etag: `W/"${randomUUID()}"` });
    } else {
      gateway.provisioningState = previous;
    }
    return undefined;
  };
  const start = lroStart(ctx, gateway.location, complete);
  const headers = ctx.lro.start(overLimit ? { ...start, failure: errorOf(rootLimitError(gateway)) } : start, false);
  return { status: 200, body: gatewayWire({ ...gateway, ...desired }), headers };
}
