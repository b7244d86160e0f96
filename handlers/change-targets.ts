/** Shared by the change handlers: from what the user typed to the ids a ChangeRequest needs. */
import { BotError } from "../src/errors.ts";
import type { CommandContext } from "../src/core/command.ts";
import type { AppInfo } from "../src/core/model.ts";
import { nameOf } from "../src/core/resource-id.ts";

/** A VNet's name from a name, rg/name or resource id (a plan's connection is named after its VNet). */
export function vnetNameOf(text: string): string {
  return text.startsWith("/") ? nameOf(text) : text.slice(text.lastIndexOf("/") + 1);
}

/** The VNet the app's gateway-required integration uses; BotError when it has none. */
export function connectedVnetOf(app: AppInfo, command: string): string {
  if (app.gatewayVnetName) return app.gatewayVnetName;
  throw new BotError("ineligible", `${app.name} has no gateway-required VNet integration, so there is nothing to ${command}.`, {
    hint: `\`/vnet show ${app.name}\` shows its connections; \`/vnet connect ${app.name} VNET\` connects it.`,
  });
}

/** What the resolvers need, from the command context. */
export function resolveDeps(ctx: CommandContext) {
  return { reader: ctx.reader, subscriptions: ctx.subscriptions };
}
