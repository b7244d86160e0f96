/**
 * Large simulated estates for the benchmarks, generated from a seed so that every run sees the same estate, and the
 * fewest ARM requests a scan of it can cost, counted from the seed rather than from what the scan did.
 *
 * The shape is what a large organisation has: the plans spread over subscriptions (one per team or landing zone),
 * most Windows Standard or Premium, some Linux, a few Free or Shared; apps spread unevenly over the plans, some plans
 * empty; a share of the Windows plans with gateway-required connections (one VNet, some two), most of their apps on
 * it; deployment slots, some integrated on their own; a few apps on regional integration; one VPN gateway per VNet,
 * a couple of them failed; certificates from long-lived to already expired.
 */
import type { EstateSeedInput } from "../../src/stand-ins/arm/index.ts";

/** What to generate; every count is the total over all subscriptions. */
export interface LargeEstateOptions {
  plans: number;
  apps: number;
  /** One VNet per gateway, spread over the subscriptions. */
  gateways: number;
  subscriptions: number;
  /** The share of plans with gateway-required connections (default 0.3). */
  connectedShare?: number;
  /** The share of apps with a staging slot (default 0.2). */
  slotShare?: number;
  /** Items per page of ARM's lists (default 100). */
  pageSize?: number;
  /** The PRNG seed (default 12). */
  seed?: number;
}

/** The estate the issue names: 1,000 plans, 10,000 apps, 100 gateways, over ten subscriptions. */
export const LARGE_ESTATE: LargeEstateOptions = { plans: 1_000, apps: 10_000, gateways: 100, subscriptions: 10 };

/** Reads a "--subscriptions 1" style option of a benchmark's command line over the large estate's defaults. */
export function estateOptionsFromArgs(argv: readonly string[]): LargeEstateOptions {
  const options: LargeEstateOptions = { ...LARGE_ESTATE };
  for (const key of ["plans", "apps", "gateways", "subscriptions"] as const) {
    const at = argv.indexOf(`--${key}`);
    if (at >= 0) options[key] = Number(argv[at + 1]);
  }
  return options;
}

/** The i-th generated subscription id. */
export function subscriptionId(i: number): string {
  return `0b0b0b0b-0000-4000-8000-${String(i + 1).padStart(12, "0")}`;
}

// mulberry32: small, fast and good enough to spread resources the same way on every run.
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type PlanKind = "windows" | "linux" | "free";
type Sub = NonNullable<EstateSeedInput["subscriptions"]>[number];
type Group = NonNullable<Sub["resourceGroups"]>[number];
type AppSeed = NonNullable<Group["apps"]>[number];

/** A spread of n items into k buckets, uneven (some empty) but summing to n exactly. */
function spread(n: number, k: number, rand: () => number): number[] {
  const weights = Array.from({ length: k }, () => (rand() < 0.05 ? 0 : 0.2 + rand() * 1.8));
  const total = weights.reduce((a, b) => a + b, 0) || 1;
  const counts = weights.map((w) => Math.floor((w / total) * n));
  let left = n - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % k) {
    if (weights[i]! > 0 || weights.every((w) => w === 0)) {
      counts[i]! += 1;
      left -= 1;
    }
  }
  return counts;
}

/** Generates the estate; throttling stays ARM's (the estate default). */
export function generateEstate(options: LargeEstateOptions): EstateSeedInput {
  const rand = random(options.seed ?? 12);
  const connectedShare = options.connectedShare ?? 0.3;
  const slotShare = options.slotShare ?? 0.2;
  const subs = options.subscriptions;
  const appsPerPlan = spread(options.apps, options.plans, rand);
  const subscriptions: Sub[] = [];
  let planIndex = 0;
  let appIndex = 0;
  for (let s = 0; s < subs; s++) {
    const planCount = Math.floor(options.plans / subs) + (s < options.plans % subs ? 1 : 0);
    const vnetCount = Math.floor(options.gateways / subs) + (s < options.gateways % subs ? 1 : 0);
    const vnets = Array.from({ length: vnetCount }, (_, v) => `vnet-${s}-${v}`);
    // Regional integration takes one subnet per plan (ARM links a subnet to one plan), so each plan with an app on it
    // gets a /26 of its own: 1,024 of them fit in the /16.
    const regionalOctet = (200 + s) % 256;
    const regional = { name: `vnet-${s}-regional`, addressSpace: [`10.${regionalOctet}.0.0/16`], subnets: [] as { name: string; addressPrefix: string }[] };
    const regionalSubnetOf = (plan: string) => {
      let subnet = regional.subnets.find((candidate) => candidate.name === `apps-${plan}`);
      if (!subnet) {
        const r = regional.subnets.length;
        regional.subnets.push((subnet = { name: `apps-${plan}`, addressPrefix: `10.${regionalOctet}.${Math.floor(r / 4)}.${(r % 4) * 64}/26` }));
      }
      return subnet.name;
    };
    const network: Group = {
      name: "rg-network",
      vnets: [
        ...vnets.map((name, v) => ({
          name,
          addressSpace: [`10.${(s * 16 + v) % 250}.0.0/16`],
          dnsServers: v % 3 === 0 ? [`10.${(s * 16 + v) % 250}.0.4`] : [],
          subnets: [{ name: "GatewaySubnet", addressPrefix: `10.${(s * 16 + v) % 250}.255.0/27` }],
        })),
        // Its subnets are added below, one per plan that has an app on regional integration.
        regional,
      ],
      gateways: vnets.map((vnet, v) => ({
        name: `gw-${s}-${v}`,
        vnet,
        addressPool: [`172.${16 + (s % 16)}.${v % 250}.0/24`],
        protocols: ["SSTP" as const],
        // A couple of failed gateways in the whole estate, as a large estate always has.
        provisioningState: s === 0 && v < 2 && vnetCount > 2 ? ("Failed" as const) : ("Succeeded" as const),
      })),
    };
    const apps: Group = { name: "rg-apps", plans: [], apps: [] };
    for (let p = 0; p < planCount; p++, planIndex++) {
      const roll = rand();
      const kind: PlanKind = roll < 0.1 ? "linux" : roll < 0.15 ? "free" : "windows";
      const name = `plan-${s}-${p}`;
      apps.plans!.push(
        kind === "linux"
          ? { name, os: "linux", sku: { name: "P1v3", tier: "PremiumV3" } }
          : kind === "free"
            ? { name, sku: { name: "F1", tier: "Free" } }
            : rand() < 0.5 ? { name, sku: { name: "S1", tier: "Standard" } } : { name, sku: { name: "P1v3", tier: "PremiumV3" } },
      );
      // Windows plans are 85% of all, and a few of those hold no app, or none that connects: asked this often, the
      // share of all plans with a gateway-required connection comes out near connectedShare (29% for 0.3).
      const connected = kind === "windows" && vnets.length > 0 && rand() < connectedShare / 0.8;
      const planVnets = connected ? [vnets[Math.floor(rand() * vnets.length)]!, ...(rand() < 0.2 ? [vnets[Math.floor(rand() * vnets.length)]!] : [])] : [];
      // One expiry per (plan, VNet) pair: App Service issues one certificate per pair, whatever the app.
      const expiries = new Map(planVnets.map((vnet) => [vnet, expiryDays(rand)]));
      for (let a = 0; a < appsPerPlan[planIndex]!; a++, appIndex++) {
        const vnet = planVnets.length > 0 && rand() < 0.9 ? planVnets[Math.floor(rand() * planVnets.length)]! : undefined;
        const app: AppSeed = { name: `app-${s}-${appIndex}`, plan: name };
        if (vnet) app.vnetConnection = { vnet, certificateExpiresInDays: expiries.get(vnet)! };
        else if (kind !== "free" && rand() < 0.1) app.regionalIntegration = { vnet: regional.name, subnet: regionalSubnetOf(name) };
        if (rand() < slotShare) app.slots = [{ name: "staging", ...(vnet && rand() < 0.5 ? { vnetConnection: { vnet, certificateExpiresInDays: expiries.get(vnet)! } } : {}) }];
        apps.apps!.push(app);
      }
    }
    subscriptions.push({ id: subscriptionId(s), name: `landing-zone-${s}`, resourceGroups: [apps, network] });
  }
  return { pageSize: options.pageSize ?? 100, subscriptions };
}

function expiryDays(rand: () => number): number {
  const roll = rand();
  // Mostly years ahead; some within the six-month warning, a few expired.
  return roll < 0.03 ? -Math.floor(rand() * 60) - 1 : roll < 0.1 ? Math.floor(rand() * 180) : 200 + Math.floor(rand() * 2000);
}

/** The fewest ARM requests of each kind a scan can make, for one subscription's bucket. */
export interface MinimumRequests {
  /** Plan list and site list pages. */
  listPages: number;
  /** One VNet-connection list per plan that can hold integrations (Windows, not Free or Shared, with apps). */
  planConnectionLists: number;
  /** On plans with a gateway-required connection: each app's connection list and slot list, each slot's connection list. */
  perAppReads: number;
  /** Each VNet and gateway the connections reference, once. */
  networkReads: number;
  total: number;
}

const NO_INTEGRATION_TIERS = new Set(["free", "shared"]);

/**
 * What the discovery cannot do without, per subscription (whose bucket a read is charged to), counted from the seed:
 * it mirrors what ARM can tell, not what the scan does.
 */
export function minimumScanRequests(seed: EstateSeedInput): Map<string, MinimumRequests> {
  const pageSize = seed.pageSize ?? 50;
  const pages = (n: number) => Math.max(1, Math.ceil(n / pageSize));
  const out = new Map<string, MinimumRequests>();
  const bucket = (sub: string) => {
    let counts = out.get(sub);
    if (!counts) out.set(sub, (counts = { listPages: 0, planConnectionLists: 0, perAppReads: 0, networkReads: 0, total: 0 }));
    return counts;
  };
  const referencedVnets = new Set<string>();
  for (const sub of seed.subscriptions ?? []) {
    const counts = bucket(sub.id);
    const groups = sub.resourceGroups ?? [];
    const plans = groups.flatMap((g) => g.plans ?? []);
    const apps = groups.flatMap((g) => g.apps ?? []);
    counts.listPages += pages(plans.length) + pages(apps.length);
    const planOf = new Map(plans.map((p) => [p.name, p]));
    const candidates = new Set(
      plans
        .filter((p) => p.os !== "linux" && !p.container && !NO_INTEGRATION_TIERS.has(p.sku.tier.toLowerCase()) && apps.some((a) => a.plan === p.name))
        .map((p) => p.name),
    );
    counts.planConnectionLists += candidates.size;
    const sites = apps.flatMap((a) => [{ plan: a.plan, connection: a.vnetConnection }, ...(a.slots ?? []).map((slot) => ({ plan: slot.plan ?? a.plan, connection: slot.vnetConnection }))]);
    const connected = new Set(sites.filter((site) => site.connection && candidates.has(site.plan) && planOf.has(site.plan)).map((site) => site.plan));
    for (const app of apps.filter((a) => connected.has(a.plan))) {
      counts.perAppReads += 2 + (app.slots ?? []).filter((slot) => connected.has(slot.plan ?? app.plan)).length;
    }
    for (const site of sites) if (site.connection && connected.has(site.plan)) referencedVnets.add(`${sub.id}|${site.connection.vnet}`);
  }
  for (const sub of seed.subscriptions ?? []) {
    for (const group of sub.resourceGroups ?? []) {
      for (const vnet of group.vnets ?? []) {
        if (!referencedVnets.has(`${sub.id}|${vnet.name}`)) continue;
        bucket(sub.id).networkReads += 1 + (group.gateways ?? []).filter((g) => g.vnet === vnet.name).length;
      }
    }
  }
  for (const counts of out.values()) counts.total = counts.listPages + counts.planConnectionLists + counts.perAppReads + counts.networkReads;
  return out;
}

/** The token-bucket bound: N requests of one type in a bucket of `burst` refilling at `refillPerSecond`, from full. */
export function bucketBoundSeconds(requests: number, limits: { burst: number; refillPerSecond: number }): number {
  return Math.max(0, requests - limits.burst) / limits.refillPerSecond;
}

/** One line about an estate: plans by kind, apps, slots, and the share of plans with gateway-required connections. */
export function describeEstate(seed: EstateSeedInput): string {
  const groups = (seed.subscriptions ?? []).flatMap((s) => s.resourceGroups ?? []);
  const plans = groups.flatMap((g) => g.plans ?? []);
  const apps = groups.flatMap((g) => g.apps ?? []);
  const slots = apps.flatMap((a) => a.slots ?? []);
  const connected = new Set(groups.flatMap((g) => (g.apps ?? []).flatMap((a) => [a, ...(a.slots ?? []).map((s) => ({ ...s, plan: s.plan ?? a.plan }))]).filter((s) => s.vnetConnection).map((s) => `${g.name}/${s.plan}`)));
  const linux = plans.filter((p) => p.os === "linux").length;
  const free = plans.filter((p) => NO_INTEGRATION_TIERS.has(p.sku.tier.toLowerCase())).length;
  const share = plans.length > 0 ? Math.round((connected.size / plans.length) * 100) : 0;
  return `${plans.length} plans (${linux} Linux, ${free} Free or Shared), ${apps.length} apps with ${slots.length} slots; ${connected.size} plans (${share}%) with gateway-required connections`;
}
