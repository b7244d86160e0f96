/** /vnet list [--subscription ID] [--plan PLAN]: every gateway-required integration. */
import { CLASSIC_GATEWAY_UNREADABLE } from "../src/core/classic-vnet.ts";
import { BotError } from "../src/errors.ts";
import { plural, retirementLine } from "../src/core/format.ts";
import { defineCommand, type CommandContext } from "../src/core/command.ts";
import { buildInventory, type Inventory } from "../src/core/inventory.ts";
import type { ReplyPart } from "../src/core/reply.ts";
import { isReferredTo, type ResourceRef } from "../src/core/resolve.ts";
import { rootCertificatesLine } from "../src/core/changes/root-certificates.ts";
import { certificateLine, connectionFlags, SOON_DAYS } from "./read-format.ts";
import { FRESH, withKeptNote } from "./kept-reads.ts";

/**
 * The inventory to list: the kept one unless --fresh. For one plan, its kept integrations; a plan the kept inventory
 * does not know is scanned alone, which is cheap and not kept.
 */
async function inventoryToList(ctx: CommandContext, subscriptions: readonly string[], plan: ResourceRef | undefined, fresh: boolean): Promise<{ inventory: Inventory; keptNote: string | undefined }> {
  if (!plan) return ctx.inventory.read(ctx, subscriptions, { fresh });
  const kept = fresh ? undefined : await ctx.inventory.kept(subscriptions);
  const rows = kept?.inventory.integrations.filter((i) => isReferredTo(i.plan, plan)) ?? [];
  if (!kept || rows.length === 0) return { inventory: await buildInventory(ctx.reader, subscriptions, { planFilter: (p) => isReferredTo(p, plan) }), keptNote: undefined };
  const planIds = new Set(rows.map((i) => i.plan.id.toLowerCase()));
  // What a scan of those plans alone would report: their own failures and those of listing the subscriptions.
  const failures = kept.inventory.failures.filter((f) => !f.scope.includes("/") || [...planIds].some((id) => f.scope.toLowerCase().startsWith(id)));
  return { inventory: { ...kept.inventory, integrations: rows, plansScanned: planIds.size, failures }, keptNote: kept.keptNote };
}

export const list = defineCommand({
  name: "list",
  summary: "Every gateway-required integration (plan, VNet, apps, gateway, certificate)",
  changesAzure: false,
  params: [],
  flags: [{ name: "--subscription", value: "ID", kind: "subscription" }, { name: "--plan", value: "PLAN", kind: "plan" }, FRESH],
  async run(ctx, args) {
    const asked = args.optional("--subscription");
    if (asked && !ctx.subscriptions.some((s) => s.toLowerCase() === asked.toLowerCase())) {
      throw new BotError("forbidden", `Subscription ${asked} is not one vnetbot manages, so it is not listed.`, {
        hint: `It manages ${ctx.subscriptions.join(", ") || "no subscription yet"} (azure.subscriptions in the configuration).`,
      });
    }
    const subscriptions = asked ? [asked] : ctx.subscriptions;
    const { inventory, keptNote } = await inventoryToList(ctx, subscriptions, args.optionalRef("--plan"), args.has("--fresh"));
    const now = ctx.clock.now();
    const parts: ReplyPart[] = inventory.integrations.map((i) => ({
      kind: "text",
      text: [
        `*${i.plan.name}* → *${i.vnetName}* · apps: ${i.apps.map((a) => a.name).join(", ") || "none"}`,
        `${i.classic ? `:warning: ${CLASSIC_GATEWAY_UNREADABLE}` : i.missing === "vnet" ? ":x: the VNet no longer exists in Azure" : `gateway ${i.gateway ? `${i.gateway.name} (pool ${i.gateway.addressPool.join(", ") || "none"}; ${rootCertificatesLine(i.gateway)})` : "not found"}`} · certificate ${certificateLine(i.connection, now)}${i.certOnGateway === false ? " · :warning: not on the gateway" : ""}`,
        connectionFlags(i.connection),
      ].filter(Boolean).join("\n"),
    }));
    const daysLeft = inventory.integrations.flatMap((i) => (i.connection.certificate ? [(i.connection.certificate.notAfter.getTime() - now.getTime()) / 86_400_000] : []));
    const expired = daysLeft.filter((d) => d < 0).length;
    const soon = daysLeft.filter((d) => d >= 0 && d < SOON_DAYS + 1).length;
    const certificates = expired + soon > 0 ? ` Certificates: ${expired} expired, ${soon} expiring within six months.` : "";
    const summary = `${plural(inventory.integrations.length, "gateway-required integration")} in ${plural(inventory.plansScanned, "plan")}; ${plural(inventory.regionalCount, "app")} ${inventory.regionalCount === 1 ? "uses" : "use"} regional integration.${certificates}`;
    if (inventory.failures.length > 0) parts.push({ kind: "context", lines: inventory.failures.map((f) => `:warning: ${f.scope}: ${f.message}`) });
    return withKeptNote({ title: "Gateway-required integrations", text: summary, parts: [{ kind: "context", lines: [summary, retirementLine(now, inventory.integrations.length)] }, ...parts] }, keptNote);
  },
});
