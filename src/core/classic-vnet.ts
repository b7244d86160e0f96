/**
 * Classic (Service Management) VNets: a gateway-required integration may still name one, but nothing vnetbot reads
 * through Resource Manager's Microsoft.Network can see it, and regional integration cannot use it ("requires an
 * unused subnet … in an Azure Resource Manager virtual network": azure-docs
 * articles/app-service/overview-vnet-integration.md). Classic VPN gateways were retired on 31 August 2024
 * (azure-deprecation/dashboard#221), so such an integration is unlikely to carry traffic at all.
 */
import { BotError } from "../errors.ts";
import { isClassicVnetId, nameOf } from "./resource-id.ts";

/** What to do about a classic VNet, for refusals and verdicts alike. */
export const CLASSIC_VNET_ADVICE =
  "Migrate the VNet to Resource Manager first (Azure's classic-to-Resource-Manager migration, one VNet at a time, without data-path downtime), or create a Resource Manager VNet in the app's region; then run /vnet migration again.";

/** What read commands say instead of a classic VNet's gateway. */
export const CLASSIC_GATEWAY_UNREADABLE = "classic VNet: Resource Manager cannot read it or its gateway (see `/vnet migration`)";

/** The refusal for anything that needs to read or change a classic VNet. */
export function classicVnetError(vnetId: string): BotError {
  return new BotError("ineligible", `${nameOf(vnetId)} is a classic VNet (Microsoft.ClassicNetwork): vnetbot reads and changes Resource Manager VNets only, and regional integration cannot use it.`, {
    hint: CLASSIC_VNET_ADVICE,
  });
}

/** Throws the refusal when the id is a classic VNet's. */
export function requireResourceManagerVnet(vnetId: string): void {
  if (isClassicVnetId(vnetId)) throw classicVnetError(vnetId);
}
