/**
 * What the readiness assessment reads live about each plan, with the fewest calls: the plan's apps (which regional
 * subnets they already use, for the limit of regional integrations per plan) and, for ONE app, whether the scale unit
 * supports regional integration at all. The plan's slots are not listed again: the scan that found the integrations
 * listed them (Inventory.planSlots). Every app of a plan runs on the plan's scale unit, so one app answers for
 * all (azure-docs articles/app-service/overview-vnet-integration.md: the portal's "Regional VNET Integration is
 * unsupported in this scale unit" is the plan's, and a new plan is the way out).
 */
import { isBotError } from "../../errors.ts";
import { regionalSubnetsOf } from "../connections.ts";
import type { Integration, PlanSlots } from "../inventory.ts";
import { createLimiter } from "../limiter.ts";
import type { AppInfo, PlanInfo } from "../model.ts";
import type { AzureReader } from "../ports.ts";

/** One plan's live facts, or why they could not be read. */
export type PlanRegionalFacts =
  | { read: true; regionalSubnetIds: string[]; swiftSupported: boolean; askedApp: string }
  | { read: false; reason: string };

/** Reads the facts of each plan the predicate lets through (plans it refuses need none); keyed by lower-case plan id. */
export async function readPlanRegionalFacts(
  reader: AzureReader,
  integrations: readonly Integration[],
  needsFacts: (plan: PlanInfo) => boolean,
  planSlots: Readonly<Record<string, PlanSlots>> = {},
  concurrency = 4,
): Promise<Map<string, PlanRegionalFacts>> {
  const limit = createLimiter(concurrency);
  const plans = new Map<string, { plan: PlanInfo; integrated: AppInfo[] }>();
  for (const integration of integrations) {
    if (!needsFacts(integration.plan)) continue;
    const entry = plans.get(integration.plan.id.toLowerCase()) ?? { plan: integration.plan, integrated: [] };
    entry.integrated.push(...integration.apps);
    plans.set(integration.plan.id.toLowerCase(), entry);
  }
  const facts = new Map<string, PlanRegionalFacts>();
  await Promise.all(
    [...plans].map(async ([key, { plan, integrated }]) => {
      const slots = planSlots[key];
      // A plan whose slots are not all known cannot be counted against its limit: unknown, rather than a guess.
      facts.set(key, slots?.unlisted ? { read: false, reason: slots.unlisted } : await readOne(reader, limit, plan, integrated, slots?.regionalSubnets ?? []));
    }),
  );
  return facts;
}

async function readOne(reader: AzureReader, limit: ReturnType<typeof createLimiter>, plan: PlanInfo, integrated: readonly AppInfo[], slotSubnets: readonly string[]): Promise<PlanRegionalFacts> {
  // An app the inventory already names is asked at once, beside the list; a production app rather than a slot.
  const known = integrated.find((app) => app.slot === undefined) ?? integrated[0];
  const ask = (app: AppInfo) => settle(limit(() => reader.getRegionalIntegration(app.id)));
  const [listed, early] = await Promise.all([settle(limit(() => reader.listPlanApps(plan.id))), known ? ask(known) : undefined]);
  if (!listed.ok) return { read: false, reason: `the apps of plan ${plan.name} could not be read: ${reasonOf(listed.error)}` };
  const asked = known ?? listed.value[0];
  if (!asked) return { read: false, reason: `plan ${plan.name} has no app to ask whether its scale unit supports regional integration` };
  const regional = early ?? (await ask(asked));
  if (!regional.ok) return { read: false, reason: `whether plan ${plan.name}'s scale unit supports regional integration could not be read (asked ${asked.name}): ${reasonOf(regional.error)}` };
  // The plan's apps come from the list; its slots from the inventory, which listed every app's slots.
  const subnets = [...regionalSubnetsOf([...listed.value, ...integrated]), ...slotSubnets.map((id) => id.toLowerCase())];
  return { read: true, regionalSubnetIds: [...new Set(subnets)], swiftSupported: regional.value.swiftSupported, askedApp: asked.name };
}

async function settle<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

/** What a failed read says to the user: a BotError's words; anything else is not Azure's answer to show. */
export function reasonOf(error: unknown): string {
  return isBotError(error) ? error.message : "the read failed unexpectedly";
}
