/**
 * Estate options for regional VNet integration, where App Service's answer is unknown or has changed over time. Each
 * default is one answer the public evidence allows (the least convenient where it is open); the other is the option,
 * so that the bot is tested against both.
 */
import { z } from "zod";

export const regionalOptions = {
  /**
   * How Microsoft.Web writes its errors. Every public capture (2019-2021, e.g. azure-docs#43302) is PascalCase
   * `{"Code","Message","Target","Details":[…,{"ErrorEntity":…}],"Innererror"}`, which the SDK cannot read (its
   * RestError gets no code and the message "Unexpected status code: 400"); today's casing is unknown. Default: the
   * captured form; camelCase: the `{"error":{"code","message"}}` the SDK reads.
   */
  appServiceErrorCasing: z.enum(["camelCase", "PascalCase"]).default("PascalCase"),
  /**
   * Whether a regional PUT on an undelegated subnet delegates it. Older stamps answer 400 "… is missing a delegation
   * to Microsoft.Web/serverFarms" (Azure/terraform-azurerm-vnet#46); the 2026 docs say "If you don't delegate before
   * integration, the provisioning process configures this delegation" (configure-vnet-integration-enable.md). Default:
   * the 400; true: App Service adds the delegation itself (through Network's own checks).
   */
  appServiceDelegatesSubnet: z.boolean().default(false),
  /**
   * A regional PUT for an app that still has a gateway-required connection. "Your app can only use one form of the
   * VNet Integration feature at a time" (Microsoft in azure-docs#33186), but the server's answer is not documented:
   * the one public report is a PUT that hung with HTTP 504s until the gateway-required connection was removed
   * (azure-docs#50009). Default: a 409 Conflict saying so; gateway-timeout: 504 GatewayTimeout every time.
   */
  regionalWithGatewayRequired: z.enum(["conflict", "gateway-timeout"]).default("conflict"),
  /**
   * Regional integrations (subnets) per Linux plan. The 2023 overview says one for Linux and two for Windows; the
   * 2026 overview says two per plan with no OS split, and a user reports two on Linux (azure-docs#110746). Default 2.
   */
  regionalIntegrationsPerLinuxPlan: z.union([z.literal(1), z.literal(2)]).default(2),
  /**
   * DELETE networkConfig/virtualNetwork on an app without a regional integration. The spec declares 200 and 404, the
   * SDK accepts only 200, and no capture shows which a real app answers. Default: 404 (the SDK throws); ok: 200.
   */
  regionalDeleteWithoutIntegration: z.enum(["not-found", "ok"]).default("not-found"),
};
