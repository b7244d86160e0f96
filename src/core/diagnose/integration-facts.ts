/** Reads what the checklist needs about one app's gateway-required integration. */
import { BotError, isBotError } from "../../errors.ts";
import { readGateways } from "../changes/common.ts";
import { gatewayConnectionOf } from "../connections.ts";
import { findVpnGateway } from "../eligibility.ts";
import type { AppInfo, GatewayInfo, HealthState, PlanInfo, VnetConnectionInfo, VnetInfo } from "../model.ts";
import type { AzureReader } from "../ports.ts";
import { strandedHint, strandedText, type MigrationRecord, type MigrationRecords } from "../migration/migration-records.ts";

/** The app, its plan, its connection, the VNet and its gateways, as Azure has them now. */
export interface IntegrationFacts {
  app: AppInfo;
  plan: PlanInfo;
  connection: VnetConnectionInfo;
  vnet: VnetInfo;
  /** Every gateway of the VNet (an ExpressRoute gateway may sit beside the VPN one). */
  gateways: GatewayInfo[];
  /** The gateway App Service connects through; undefined when the VNet has none. */
  gateway: GatewayInfo | undefined;
  /** Resource Health of that gateway; "Unknown" when Resource Health did not answer. */
  gatewayHealth: HealthState;
}

/** Reads the integration, or throws a BotError that says why the app has none to diagnose. */
export async function readIntegration(reader: AzureReader, app: AppInfo, migrations?: Pick<MigrationRecords, "get">): Promise<IntegrationFacts> {
  const [plan, connection] = await Promise.all([reader.getPlan(app.planId), readAppConnection(reader, app, migrations)]);
  const vnet = await reader.getVnet(connection.vnetId);
  const gateways = await readGateways(reader, vnet);
  const gateway = findVpnGateway(gateways);
  const gatewayHealth = gateway ? await healthOf(reader, gateway.id) : "Unknown";
  return { app, plan, connection, vnet, gateways, gateway, gatewayHealth };
}

/** The app's gateway-required connection, or a BotError that says why it has none. */
export async function readAppConnection(reader: AzureReader, app: AppInfo, migrations?: Pick<MigrationRecords, "get">): Promise<VnetConnectionInfo> {
  const connection = await gatewayConnectionOf(reader, app.id);
  if (!connection) throw noIntegration(app, app.regionalSubnetId ? undefined : await migrations?.get(app.id));
  return connection;
}

async function healthOf(reader: AzureReader, id: string): Promise<HealthState> {
  try {
    return await reader.getResourceHealth(id);
  } catch (error) {
    // Resource Health is a second opinion; the provider may not be registered on the subscription.
    if (isBotError(error)) return "Unknown";
    throw error;
  }
}

function noIntegration(app: AppInfo, record: MigrationRecord | undefined): BotError {
  if (record?.status === "moving") return new BotError("conflict", strandedText(app.name, record), { hint: strandedHint(app.name) });
  return new BotError("not-found", `App ${app.name} has no gateway-required VNet integration.`, {
    hint: "/vnet list shows the apps that have one. An app that needs a VNet now should use regional integration: gateway-required integration is retired on 31 March 2027.",
  });
}
