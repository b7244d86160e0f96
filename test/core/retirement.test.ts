// The retirement of gateway-required integration, 31 March 2027: Microsoft names the day, not the hour.
import { describe, expect, it } from "vitest";
import { checkNotRetired } from "../../src/core/eligibility.ts";
import { isRetired, retirementWarning } from "../../src/core/format.ts";

describe("the retirement day", () => {
  it.each([
    ["the day before", "2027-03-30T23:59:00Z", false],
    ["its first hour", "2027-03-31T00:30:00Z", false],
    ["its last hour", "2027-03-31T23:30:00Z", false],
    ["the day after", "2027-04-01T00:00:00Z", true],
  ])("is taken as passed on %s: %s → %s", (_when, now, retired) => {
    expect(isRetired(new Date(now))).toBe(retired);
    expect(checkNotRetired(new Date(now)).length > 0).toBe(retired);
  });

  it("warns, on the day itself, that a change that reconnects may leave the app without its VNet", () => {
    expect(retirementWarning(new Date("2027-03-31T10:00:00Z"))).toContain("retired today, 31 March 2027, at an hour Microsoft has not said: a change that disconnects and reconnects may leave the app without its VNet");
    expect(retirementWarning(new Date("2027-03-30T10:00:00Z"))).toBe("Gateway-required integration is retired on 31 March 2027 (in 1 day): plan the move to regional VNet integration.");
  });
});
