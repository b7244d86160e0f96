// A deployment slot on regional integration spends one of its plan's two regional integrations, like an app. Whether
// the plan's site list holds slots is not known (planSiteListIncludesSlots), so each answer is tried.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { regionalEstate } from "../stand-ins/arm/regional-estate.ts";
import { loadEstate } from "../../src/stand-ins/arm/index.ts";
import { PEOPLE, refusedChange, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";

/**
 * plan-std: app-gw on vnet-hub through its gateway; app-ready's staging slot on snet-second and app-two on snet-third
 * by regional integration, so the plan uses both of its regional integrations, one of them only through a slot.
 * (app-classic, on a classic VNet, is moved to a plan of its own so that vnet-hub is the plan's only gateway VNet.)
 */
function estate(planSiteListIncludesSlots: boolean) {
  const seed = regionalEstate();
  const web = seed.subscriptions[0]!.resourceGroups![0]!;
  web.plans!.push({ name: "plan-classic", sku: { name: "S1", tier: "Standard" } });
  web.apps!.find((app) => app.name === "app-classic")!.plan = "plan-classic";
  web.apps!.find((app) => app.name === "app-ready")!.slots = [{ name: "staging", regionalIntegration: { vnet: "vnet-apps", subnet: "snet-second" } }];
  web.apps!.find((app) => app.name === "app-two")!.regionalIntegration = { vnet: "vnet-apps", subnet: "snet-third" };
  return { ...seed, planSiteListIncludesSlots };
}

describe.each([
  ["lists apps only", false],
  ["lists slots too", true],
])("a plan whose slot uses a regional subnet, when the plan's site list %s", (_case, planSiteListIncludesSlots) => {
  let slack: SlackHarness;
  beforeAll(async () => {
    slack = await startSlackHarness({ estate: estate(planSiteListIncludesSlots) });
  });
  afterAll(() => slack.close());

  it("refuses, before approval, a migration into a third subnet, naming the slot's subnet among the two in use", async () => {
    const answer = await refusedChange(slack, "migrate app-gw vnet-apps/snet-ready");

    expect(answer).toContain("Plan plan-std already uses its 2 regional integrations (vnet-apps/snet-second, vnet-apps/snet-third), so vnet-hub's apps cannot move into vnet-apps/snet-ready, a subnet of their own.");
  });

  it("refuses to choose a new subnet itself when the plan has none left", async () => {
    expect(await refusedChange(slack, "migrate app-gw")).toContain("Plan plan-std already uses its 2 regional integrations");
  });

  it("takes a migration into the subnet the slot uses, which spends none of the plan's regional integrations", async () => {
    const message = await slack.requestChange("migrate app-gw vnet-apps/snet-second");

    expect(textOf(message)).toContain("Migrate app-gw to regional integration (vnet-apps/snet-second)");
  });

  it("says /vnet migration could not assess the plan when an app's slots could not be listed, rather than call it ready", async () => {
    const fault = slack.sim.faults.add({ method: "GET", path: /\/sites\/app-ready\/slots$/, status: 403, code: "AuthorizationFailed", message: "no access to app-ready's slots" });
    try {
      const answer = textOf(await slack.ask(PEOPLE.bystander, "migration --fresh"));
      const section = answer.slice(answer.indexOf("*plan-std* → *vnet-hub*"));

      expect(section).toContain("Could not assess: the slots of app app-ready could not be listed:");
    } finally {
      slack.sim.faults.remove(fault);
    }
  });

  it("tells /vnet migration that the plan's integration shares a subnet it uses, from a live scan and from the kept inventory alike", async () => {
    for (const text of ["migration --fresh", "migration"]) {
      const answer = textOf(await slack.ask(PEOPLE.bystander, text));
      const section = answer.slice(answer.indexOf("*plan-std* → *vnet-hub*"));

      expect(section).toContain("Plan plan-std takes at most 2 regional integrations, uses 2 already");
      expect(section).not.toContain("Ready: can move today");
    }
  });
});

describe("a plan whose site list holds its slots too (planSiteListIncludesSlots)", () => {
  let slack: SlackHarness;
  beforeAll(async () => {
    slack = await startSlackHarness({ estate: { ...loadEstate("demo"), planSiteListIncludesSlots: true } });
  });
  afterAll(() => slack.close());

  it("forgets a slot list that failed once the plan is read afresh, though the kept inventory still has the failure", async () => {
    const fault = slack.sim.faults.add({ method: "GET", path: /\/sites\/inventory-api\/slots$/, status: 403, code: "AuthorizationFailed", message: "no access to inventory-api's slots" });
    try {
      expect(textOf(await slack.ask(PEOPLE.bystander, "migration --fresh"))).toContain("Could not assess: the slots of app inventory-api could not be listed");
    } finally {
      slack.sim.faults.remove(fault);
    }

    const answer = textOf(await slack.ask(PEOPLE.bystander, "migration --fresh --plan plan-inventory"));

    expect(answer).not.toContain("could not be listed");
    expect(answer).toContain("*Do:* `/vnet migrate plan-inventory vnet-inventory snet-inventory-apps");
  });

  it("moves each app and slot once, though the slot is listed by its plan and by its app", async () => {
    const message = textOf(await slack.requestChange("migrate plan-orders vnet-hub vnet-hub/snet-apps --new-subnet 10.10.8.0/26"));

    expect(message).toContain("Migrate orders-api/staging, orders-api, orders-web to regional integration (vnet-hub/snet-apps)");
    expect(message.match(/Disconnect orders-api\/staging from/g)).toHaveLength(1);
  });
});
