/** Reads, warnings and steps that several change kinds share. */
import { createHash } from "node:crypto";
import { BotError, isBotError } from "../../errors.ts";
import type { GatewayInfo, VnetInfo } from "../model.ts";
import type { AzureReader } from "../ports.ts";
import type { Secret } from "../secret.ts";
import type { ExecutableStep } from "./runner.ts";
import type { ChangeDeps } from "./types.ts";

/** Shown with every connect: what gateway-required integration cannot do. */
export const LIMITATION_WARNINGS: readonly string[] = [
  "Resources secured with service endpoints cannot be reached over gateway-required integration.",
  "Key Vault references do not work over gateway-required integration.",
];

/**
 * Every gateway of the VNet (a VPN gateway and maybe an ExpressRoute one). The VNet names its gateways through their
 * IP configurations in GatewaySubnet, which can outlive a gateway being deleted: one that ARM answers 404 for is
 * gone, not a failed read, so that a change says the VNet has no gateway and a diagnosis shows it down.
 */
export async function readGateways(reader: AzureReader, vnet: VnetInfo): Promise<GatewayInfo[]> {
  const read = await Promise.all(
    vnet.gatewayIds.map((id) =>
      reader.getGateway(id).catch((error: unknown) => {
        if (isBotError(error) && error.kind === "not-found") return undefined;
        throw error;
      }),
    ),
  );
  return read.filter((gateway) => gateway !== undefined);
}

/** The gateway facts a plan depends on (for the fingerprint). */
export function gatewayState(gateway: GatewayInfo | undefined): unknown {
  if (!gateway) return null;
  // What decides whether the plan still holds. Root certificates and provisioning state are left out: another plan's
  // connect changes both, and each step checks its own certificate; eligibility is re-checked before running.
  const { id, gatewayType, vpnType, skuName, addressPool, protocols } = gateway;
  return { id: id.toLowerCase(), gatewayType, vpnType, skuName, addressPool, protocols };
}

/** SHA-1 of the DER certificate, upper-case hex: the Windows thumbprint. */
export function thumbprintOf(certBlob: string): string {
  return createHash("sha1").update(Buffer.from(certBlob, "base64")).digest("hex").toUpperCase();
}

/** The root certificate name vnetbot gives an App Service certificate on a gateway. */
export function rootCertificateName(thumbprint: string): string {
  return `AppServiceCertificate-${thumbprint.slice(0, 8).toUpperCase()}.cer`;
}

/** Values steps hand to later steps of the same run. */
export interface StepContext {
  certBlob?: string;
  thumbprint?: string;
  /** The expiry of the certificate in certBlob, when it could be read. */
  certificateNotAfter?: Date;
  packageUri?: Secret;
}

/** Generates a fresh VPN client package; its URL (a secret) is kept for the next step only. */
export function generatePackageStep(deps: ChangeDeps, gateway: GatewayInfo, context: StepContext): ExecutableStep {
  return {
    id: "vpn-package",
    description: `Generate gateway ${gateway.name}'s VPN client package`,
    run: async () => {
      const result = await deps.writer.generateVpnPackage(gateway.id);
      context.packageUri = result.packageUri;
      return { status: "done", requestIds: result.requestIds };
    },
  };
}

/** The package URL from the previous step, or an error if it is missing. */
export function requirePackage(context: StepContext): Secret {
  if (context.packageUri) return context.packageUri;
  throw new BotError("unavailable", "The VPN client package was not generated.", { hint: "Run the change again." });
}
