import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveApp, resolvePlan, resolveVnet, type ResolveDeps } from "../../src/core/resolve.ts";
import { BotError } from "../../src/errors.ts";
import { parseEstate } from "../../src/stand-ins/arm/index.ts";
import { startAzureHarness } from "../support/azure-harness.ts";
import { PRODUCTION, SHARED, demo } from "./demo.ts";

async function failure(promise: Promise<unknown>): Promise<BotError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BotError) return error;
    throw error;
  }
  throw new Error("expected a BotError");
}

describe("resolving what users type, against the demo estate", () => {
  let harness: Awaited<ReturnType<typeof startAzureHarness>>;
  let deps: ResolveDeps;
  beforeAll(async () => {
    harness = await startAzureHarness({ estate: "demo" });
    deps = { reader: harness.reader, subscriptions: [PRODUCTION, SHARED] };
  });
  afterAll(() => harness.close());

  it.each([
    ["a bare name", "orders-api"],
    ["a bare name in another case", "Orders-API"],
    ["rg/name", "rg-apps/orders-api"],
    ["a full resource id", demo.app("orders-api")],
  ])("finds an app by %s", async (_how, text) => {
    const app = await resolveApp(deps, text);

    expect(app.id.toLowerCase()).toBe(demo.app("orders-api").toLowerCase());
  });

  it("finds a plan and a VNet of another subscription by name", async () => {
    const [plan, vnet] = await Promise.all([resolvePlan(deps, "plan-orders"), resolveVnet(deps, "vnet-shared")]);

    expect(plan.tier).toBe("Standard");
    expect(vnet.subscriptionId).toBe(SHARED);
  });

  it("says an unknown app is not found and points to /vnet list", async () => {
    const error = await failure(resolveApp(deps, "no-such-app"));

    expect(error.kind).toBe("not-found");
    expect(error.message).toContain('"no-such-app"');
    expect(error.hint).toContain("/vnet list");
  });

  it.each([
    ["an app name with an underscore", () => resolveApp(deps, "orders_api"), /not a valid app name: Azure allows 2-60 characters/],
    ["a one-letter app name", () => resolveApp(deps, "a"), /not a valid app name/],
    ["a VNet name ending with a hyphen", () => resolveVnet(deps, "vnet-"), /not a valid vnet name.*ending with a letter, digit or underscore/],
    ["a plan name with a space", () => resolvePlan(deps, "plan orders"), /not a valid plan name/],
    ["a resource group ending with a period", () => resolveApp(deps, "rg-apps./orders-api"), /not a valid resource group name/],
    ["too many slashes", () => resolveApp(deps, "a/b/c/d"), /neither an app name, rg\/name, app\/slot, nor a full resource id/],
    ["a VNet id given for an app", () => resolveApp(deps, demo.vnet("vnet-hub")), /not the resource id of an app/],
  ])("refuses %s before calling Azure", async (_case, act, message) => {
    const before = harness.sim.requests.length;

    const error = await failure(act());

    expect(error.kind).toBe("usage");
    expect(error.message).toMatch(message);
    expect(harness.sim.requests.length).toBe(before);
  });

  it("refuses an id in a subscription vnetbot does not manage, without calling Azure", async () => {
    const before = harness.sim.requests.length;

    const error = await failure(resolveApp({ ...deps, subscriptions: [SHARED] }, demo.app("orders-api")));

    expect(error.kind).toBe("not-found");
    expect(error.message).toContain(PRODUCTION);
    expect(harness.sim.requests.length).toBe(before);
  });
});

describe("resolving a name that several resources share", () => {
  // App names are global in Azure (they are host names); plan names repeat across resource groups and subscriptions.
  const seed = parseEstate({
    subscriptions: [
      {
        id: "1b7d7c0e-5f0e-4e7a-9d0c-2a4b6c8d0e11",
        resourceGroups: [{ name: "rg-one", plans: [{ name: "plan-api", sku: { name: "S1", tier: "Standard" } }] }],
      },
      {
        id: "2c8e8d1f-6a1f-4f8b-8e1d-3b5c7d9e1f22",
        resourceGroups: [{ name: "rg-two", plans: [{ name: "plan-api", sku: { name: "S1", tier: "Standard" } }] }],
      },
    ],
  });
  let harness: Awaited<ReturnType<typeof startAzureHarness>>;
  beforeAll(async () => {
    harness = await startAzureHarness({ estate: seed });
  });
  afterAll(() => harness.close());

  it("lists the candidates as rg/name and asks which one", async () => {
    const deps = { reader: harness.reader, subscriptions: harness.subscriptions };

    const error = await failure(resolvePlan(deps, "plan-api"));

    expect(error.kind).toBe("ambiguous");
    expect(error.message).toBe('"plan-api" matches 2 plans: rg-one/plan-api, rg-two/plan-api.');
    expect(error.hint).toMatch(/rg\/name/);
  });

  it("resolves the same name once the resource group is given", async () => {
    const deps = { reader: harness.reader, subscriptions: harness.subscriptions };

    const plan = await resolvePlan(deps, "rg-two/plan-api");

    expect(plan.resourceGroup).toBe("rg-two");
  });
});

describe("resolving deployment slots", () => {
  // "shop/staging" reads as the app staging of resource group shop, or as the slot staging of app shop.
  const seed = parseEstate({
    subscriptions: [
      {
        id: "3d9f9e2a-7b2a-4a9c-8f2e-4c6d8e0f2a33",
        resourceGroups: [
          {
            name: "shop",
            plans: [{ name: "plan-shop", sku: { name: "S1", tier: "Standard" } }],
            apps: [{ name: "staging", plan: "plan-shop" }, { name: "shop", plan: "plan-shop", slots: [{ name: "staging" }, { name: "canary" }] }],
          },
        ],
      },
    ],
  });
  let harness: Awaited<ReturnType<typeof startAzureHarness>>;
  let deps: ResolveDeps;
  beforeAll(async () => {
    harness = await startAzureHarness({ estate: seed });
    deps = { reader: harness.reader, subscriptions: harness.subscriptions };
  });
  afterAll(() => harness.close());

  it("finds a slot as APP/SLOT when no resource group has that app", async () => {
    const slot = await resolveApp(deps, "shop/canary");

    expect(slot).toMatchObject({ name: "shop/canary", slot: "canary", id: expect.stringMatching(/\/sites\/shop\/slots\/canary$/) });
  });

  it("finds a slot as rg/app/slot and by its id", async () => {
    const byPath = await resolveApp(deps, "shop/shop/staging");
    const byId = await resolveApp(deps, byPath.id);

    expect(byPath.name).toBe("shop/staging");
    expect(byId.id).toBe(byPath.id);
  });

  it("asks which one when APP/SLOT is also a resource group's app", async () => {
    const error = await failure(resolveApp(deps, "shop/staging"));

    expect(error.kind).toBe("ambiguous");
    expect(error.message).toContain("matches 2 apps");
  });

  it("says which slot an app lacks", async () => {
    const error = await failure(resolveApp(deps, "shop/shop/blue"));

    expect(error).toMatchObject({ kind: "not-found", message: 'App shop has no deployment slot "blue".' });
  });
});
