import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { memoryEstate } from "../support/slack-estate.ts";
import { PEOPLE, startSlackHarness, type SlackHarness } from "../support/slack-harness.ts";

let slack: SlackHarness;
let estate: ReturnType<typeof memoryEstate>;
beforeEach(async () => {
  estate = memoryEstate();
  estate.addRouteBehindTheBotsBack({ name: "route-10-1-0-0-16", startAddress: "10.1.0.0/16", endAddress: undefined, routeType: "STATIC" });
  slack = await startSlackHarness({ azure: estate.azure, clock: { now: () => new Date("2026-03-01T09:00:00Z") } });
});
afterEach(() => slack.close());

describe("read commands", () => {
  it("acknowledges at once, then answers the plan's routes through the response URL", async () => {
    const { ack } = await slack.command(PEOPLE.bystander, "routes plan-orders vnet-hub");
    await slack.bot.idle();

    expect(ack?.text).toBe(":hourglass_flowing_sand: Working on `/vnet routes plan-orders vnet-hub`…");
    expect(slack.ephemeralTexts(PEOPLE.bystander).at(-1)).toBe("Routes of plan-orders into vnet-hub: 1 routes");
    expect(JSON.stringify(slack.api.workspace.ephemerals(PEOPLE.bystander).at(-1)?.blocks)).toContain("`route-10-1-0-0-16` (10.1.0.0/16, STATIC)");
    expect(estate.writes()).toEqual([]);
  });

  it("shows a plan's VNets out of five and the apps on each", async () => {
    await slack.command(PEOPLE.bystander, "plan plan-orders");
    await slack.bot.idle();

    const blocks = JSON.stringify(slack.api.workspace.ephemerals(PEOPLE.bystander).at(-1)?.blocks);
    expect(blocks).toContain("1 of 5 VNets");
    expect(blocks).toContain("*vnet-hub* · apps: orders-api");
  });

  it("answers a name that does not exist with the resolver's message, not an internal error", async () => {
    await slack.command(PEOPLE.bystander, "show no-such-app");
    await slack.bot.idle();

    const answer = slack.ephemeralTexts(PEOPLE.bystander).at(-1) ?? "";
    expect(answer).not.toContain("Something went wrong");
    expect(answer).toContain("no-such-app");
  });
});
