/**
 * Shared by the reads that answer from the kept inventory: the --fresh switch, the line saying how old it is, and the
 * inventory of the subscriptions and plan a command asks about.
 */
import { BotError } from "../src/errors.ts";
import type { CommandContext, Flag } from "../src/core/command.ts";
import { buildInventory, compareIntegrations, type Integration, type Inventory } from "../src/core/inventory.ts";
import { readGatewayHealth } from "../src/core/inventory-keeper.ts";
import type { HealthState } from "../src/core/model.ts";
import type { Reply } from "../src/core/reply.ts";
import { countdownLine, inSubscriptions, migrationProgress, type MigrationProgress } from "../src/core/migration/countdown.ts";
import type { MigrationRecord } from "../src/core/migration/migration-records.ts";
import { usable } from "../src/core/migration/network-changes.ts";
import { nameOf, scopeOf } from "../src/core/resource-id.ts";
import { isReferredTo, notFound, type ResourceRef } from "../src/core/resolve.ts";

/** `--fresh`: read Azure now instead of the kept inventory. */
export const FRESH: Flag = { name: "--fresh", value: "", kind: "switch" };

/** The flags of the reads that cover many integrations: which subscription, which plan, and --fresh. */
export const SCOPE_FLAGS = [{ name: "--subscription", value: "ID", kind: "subscription" }, { name: "--plan", value: "PLAN", kind: "plan" }, FRESH] as const satisfies readonly Flag[];

/**
 * The reply with the kept inventory's age in its first context, when it answered from one. First, because a long
 * answer is cut from the end to fit one Slack message, and the age must survive the cut.
 */
export function withKeptNote(reply: Reply, keptNote: string | undefined): Reply {
  if (!keptNote) return reply;
  const [first, ...rest] = reply.parts;
  if (first?.kind === "context") return { ...reply, parts: [{ ...first, lines: [...first.lines, keptNote] }, ...rest] };
  return { ...reply, parts: [{ kind: "context", lines: [keptNote] }, ...reply.parts] };
}

/** The subscriptions a command asks about: --subscription ID, which must be one vnetbot manages, or all of them. */
export function askedSubscriptions(ctx: Pick<CommandContext, "subscriptions">, asked: string | undefined): readonly string[] {
  if (!asked) return ctx.subscriptions;
  if (!ctx.subscriptions.some((s) => s.toLowerCase() === asked.toLowerCase())) {
    throw new BotError("forbidden", `Subscription ${asked} is not one vnetbot manages, so it is not listed.`, {
      hint: `It manages ${ctx.subscriptions.join(", ") || "no subscription yet"} (azure.subscriptions in the configuration).`,
    });
  }
  return [asked];
}

/**
 * The inventory to answer from: the kept one unless --fresh. For one plan, its kept integrations; a plan the kept
 * inventory does not know (or --fresh) is scanned alone, which is cheap and not kept. With `neighbours` (/vnet
 * migration), the plans outside the asked scope (another subscription, another plan) that it must take in come from
 * the kept inventory of every subscription; `alone` says there was none to take them from. `health`: the gateways'
 * Resource Health, kept with the inventory and read for a plan scanned alone.
 */
export async function inventoryFor(
  ctx: CommandContext,
  subscriptions: readonly string[],
  plan: ResourceRef | undefined,
  fresh: boolean,
  options: { neighbours?: boolean; health?: boolean } = {},
): Promise<{ inventory: Inventory; keptNote: string | undefined; health: ReadonlyMap<string, HealthState>; neighbours: Integration[]; alone: boolean }> {
  const { inventory, keptNote, health } = await askedInventory(ctx, subscriptions, plan, fresh, options.health ?? false);
  const whole = !plan && subscriptions.length === ctx.subscriptions.length;
  if (!options.neighbours || whole) return { inventory, keptNote, health, neighbours: [], alone: false };
  // The estate only names the neighbours: a store that cannot be read leaves the asked plans alone, as none kept does
  // (the reply says which it may be).
  const estate = await ctx.inventory.kept(ctx.subscriptions).catch(() => undefined);
  if (!estate) return { inventory, keptNote, health, neighbours: [], alone: true };
  // Whatever the asked scope holds comes from the answer's inventory (read afresh, maybe), never from the estate's copy.
  const inSubscription = inSubscriptions(subscriptions);
  const inScope = (planId: string) => inSubscription(planId) && (!plan || isReferredTo({ id: planId, name: nameOf(planId), ...scopeOf(planId) }, plan));
  const all = [...estate.inventory.integrations.filter((i) => !inScope(i.plan.id)), ...inventory.integrations].sort(compareIntegrations);
  // The neighbours' slots count against their plans' limits as the asked plans' do.
  const outside = Object.entries(estate.inventory.planSlots ?? {}).filter(([planId]) => !inScope(planId));
  const planSlots = { ...Object.fromEntries(outside), ...inventory.planSlots };
  return { inventory: { ...inventory, planSlots }, keptNote, health, neighbours: neighboursWithPeers(all, inventory.integrations), alone: false };
}

/**
 * neighboursOf, and the plans whose gateway VNets are peered with the asked ones: a full VNet's subnet may be proposed
 * in a peer, around the ranges promised there to every plan of the estate, earlier or later (readiness.ts
 * proposeInPeers), so those plans, and the plans before them, are assessed too. A plan whose own full VNet is peered
 * with the same peer is not taken in.
 */
function neighboursWithPeers(all: readonly Integration[], asked: readonly Integration[]): Integration[] {
  const planOf = (i: Integration) => i.plan.id.toLowerCase();
  const askedPlans = new Set(asked.map(planOf));
  const peers = new Set(asked.flatMap((i) => (i.vnet?.peerings ?? []).filter(usable).map((p) => p.remoteVnetId.toLowerCase())));
  const peerPlans = new Set(all.filter((i) => !askedPlans.has(planOf(i)) && peers.has(i.vnetId.toLowerCase())).map(planOf));
  const onPeers = all.filter((i) => peerPlans.has(planOf(i)));
  const linked = neighboursOf(all, [...asked, ...onPeers]);
  return [...onPeers, ...linked.filter((i) => !peerPlans.has(planOf(i)))];
}

async function askedInventory(ctx: CommandContext, subscriptions: readonly string[], plan: ResourceRef | undefined, fresh: boolean, health: boolean): Promise<{ inventory: Inventory; keptNote: string | undefined; health: ReadonlyMap<string, HealthState> }> {
  if (!plan) return ctx.inventory.read(ctx, subscriptions, { fresh });
  const kept = fresh ? undefined : await ctx.inventory.kept(subscriptions);
  const rows = kept?.inventory.integrations.filter((i) => isReferredTo(i.plan, plan)) ?? [];
  if (!kept || rows.length === 0) {
    // Every plan the name fits is scanned (one name may be a plan in two groups); a name no plan has is a typo to
    // say, not a plan with nothing to list. Subscriptions that could not be listed may hold it: their failure is said.
    let named = 0;
    const inventory = await buildInventory(ctx.reader, subscriptions, { planFilter: (p) => isReferredTo(p, plan) && ++named > 0 });
    if (named === 0 && inventory.failures.length === 0) throw notFound("plan", plan.text);
    // Its gateways' Resource Health when the answer shows it, as a scan that is kept reads it: a few reads.
    return { inventory, keptNote: undefined, health: health ? new Map(Object.entries(await readGatewayHealth(ctx.reader, inventory))) : new Map() };
  }
  const planIds = new Set(rows.map((i) => i.plan.id.toLowerCase()));
  // What a scan of those plans alone would report: their own failures and those of listing the subscriptions.
  const failures = kept.inventory.failures.filter((f) => !f.scope.includes("/") || [...planIds].some((id) => f.scope.toLowerCase().startsWith(id)));
  return { inventory: { ...kept.inventory, integrations: rows, plansScanned: planIds.size, failures }, keptNote: kept.keptNote, health: kept.health };
}

/**
 * The plans /vnet migration assesses before the asked ones whose proposals can reach them: linked through a gateway
 * VNet, plan after plan (a range one plan is promised in a VNet, or a VNet it sends to share a hub, is what the next
 * one is told around). Plans assessed after the asked ones change nothing for them. Plans linked only through a
 * regional subnet they use already are not seen: the kept inventory holds gateway-required integrations only.
 */
function neighboursOf(all: readonly Integration[], asked: readonly Integration[]): Integration[] {
  const planOf = (i: Integration) => i.plan.id.toLowerCase();
  // /vnet migration takes plans in the order of their first integration; the kept inventory is in that order.
  const firstAt = new Map<string, number>();
  all.forEach((integration, at) => firstAt.has(planOf(integration)) || firstAt.set(planOf(integration), at));
  const askedPlans = new Set(asked.map(planOf));
  const lastAsked = Math.max(...[...askedPlans].map((plan) => firstAt.get(plan) ?? -1));
  const earlier = all.filter((i) => !askedPlans.has(planOf(i)) && (firstAt.get(planOf(i)) ?? Infinity) < lastAsked);
  const vnets = new Set(asked.map((i) => i.vnetId.toLowerCase()));
  const linked = new Set<string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const integration of earlier) {
      if (linked.has(planOf(integration)) || !vnets.has(integration.vnetId.toLowerCase())) continue;
      linked.add(planOf(integration));
      for (const other of earlier) if (planOf(other) === planOf(integration)) vnets.add(other.vnetId.toLowerCase());
      grew = true;
    }
  }
  return earlier.filter((i) => linked.has(planOf(i)));
}

/** The retirement countdown for what the command asked about: these subscriptions, or one plan of them. */
export async function countdownFor(ctx: CommandContext, inventory: Inventory, subscriptions: readonly string[], plan?: ResourceRef): Promise<string> {
  return (await progressFor(ctx, inventory, subscriptions, plan)).line;
}

/** The countdown line, with the progress it counts. */
export async function progressFor(ctx: CommandContext, inventory: Inventory, subscriptions: readonly string[], plan?: ResourceRef, records?: readonly MigrationRecord[]): Promise<{ line: string; progress: MigrationProgress }> {
  const inScope = inSubscriptions(subscriptions);
  const asked = (planId: string) => inScope(planId) && (!plan || isReferredTo({ id: planId, name: nameOf(planId), ...scopeOf(planId) }, plan));
  const progress = migrationProgress(records ?? (await ctx.migrations.list()), inventory, asked);
  return { line: countdownLine(ctx.clock.now(), progress), progress };
}
