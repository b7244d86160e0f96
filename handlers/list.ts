/** /vnet list [--subscription ID] [--plan PLAN]: every gateway-required integration. */
import { CLASSIC_GATEWAY_UNREADABLE } from "../src/core/classic-vnet.ts";
import { appsLine, plural } from "../src/core/format.ts";
import { defineCommand } from "../src/core/command.ts";
import type { ReplyPart } from "../src/core/reply.ts";
import { rootCertificatesLine } from "../src/core/changes/root-certificates.ts";
import { certificateLine, connectionFlags, gatewayStateFlag, notOnGatewayFlag, SOON_DAYS } from "./read-format.ts";
import { askedSubscriptions, countdownFor, inventoryFor, SCOPE_FLAGS, withKeptNote } from "./kept-reads.ts";

export const list = defineCommand({
  name: "list",
  summary: "Every gateway-required integration (plan, VNet, apps, gateway, certificate)",
  changesAzure: false,
  params: [],
  flags: SCOPE_FLAGS,
  async run(ctx, args) {
    const subscriptions = askedSubscriptions(ctx, args.optional("--subscription"));
    const plan = args.optionalRef("--plan");
    const { inventory, keptNote, health } = await inventoryFor(ctx, subscriptions, plan, args.has("--fresh"), { health: true });
    const now = ctx.clock.now();
    const parts: ReplyPart[] = inventory.integrations.map((i) => ({
      kind: "text",
      text: [
        `*${i.plan.name}* → *${i.vnetName}* · ${appsLine(i.apps.map((a) => a.name), i.unreadApps)}`,
        `${i.classic ? `:warning: ${CLASSIC_GATEWAY_UNREADABLE}` : i.missing === "vnet" ? ":x: the VNet no longer exists in Azure" : `gateway ${i.gateway ? `${i.gateway.name} (pool ${i.gateway.addressPool.join(", ") || "none"}; ${rootCertificatesLine(i.gateway)})${gatewayStateFlag(i.gateway, health.get(i.gateway.id.toLowerCase()))}` : "not found"}`} · certificate ${certificateLine(i.connection, now)}${i.certOnGateway === false ? ` · ${notOnGatewayFlag(i.connection, i.plan.subscriptionId)}` : ""}`,
        connectionFlags(i.connection, { planSubscriptionId: i.plan.subscriptionId }),
      ].filter(Boolean).join("\n"),
    }));
    const daysLeft = inventory.integrations.flatMap((i) => (i.connection.certificate ? [(i.connection.certificate.notAfter.getTime() - now.getTime()) / 86_400_000] : []));
    const expired = daysLeft.filter((d) => d < 0).length;
    const soon = daysLeft.filter((d) => d >= 0 && d < SOON_DAYS + 1).length;
    const certificates = expired + soon > 0 ? ` Certificates: ${expired} expired, ${soon} expiring within six months.` : "";
    const plansWith = new Set(inventory.integrations.map((i) => i.plan.id.toLowerCase())).size;
    // The regional count is the subscriptions' site lists', which hold no deployment slots; one plan's answer leaves
    // it out, since the kept count is the whole subscription's.
    const regional = plan ? "" : ` ${plural(inventory.regionalCount, "app")} ${inventory.regionalCount === 1 ? "uses" : "use"} regional integration (deployment slots not counted).`;
    const summary = `${plural(inventory.integrations.length, "gateway-required integration")} in ${plural(plansWith, "plan")} (${plural(inventory.plansScanned, "plan")} scanned).${regional}${certificates}`;
    if (inventory.failures.length > 0) parts.push({ kind: "context", lines: inventory.failures.map((f) => `:warning: ${f.scope}: ${f.message}`) });
    return withKeptNote({ title: "Gateway-required integrations", text: summary, parts: [{ kind: "context", lines: [summary, await countdownFor(ctx, inventory, subscriptions, plan)] }, ...parts] }, keptNote);
  },
});
