import { describe, expect, it } from "vitest";
import { certificateStage, daysLeft, stagesFor } from "../../src/core/alerts/certificate-stage.ts";

const NOW = new Date("2026-03-01T09:00:00Z");
const inDays = (days: number) => new Date(NOW.getTime() + days * 86_400_000);

describe("certificateStage", () => {
  it.each([
    ["7 years left: outside the window", inDays(7 * 365), 6, undefined],
    ["just inside six calendar months", new Date("2026-09-01T08:00:00Z"), 6, "6 months"],
    ["just outside six calendar months", new Date("2026-09-01T10:00:00Z"), 6, undefined],
    ["91 days left", inDays(91), 6, "6 months"],
    ["90 days left", inDays(90), 6, "90 days"],
    ["29 days left", inDays(29), 6, "30 days"],
    ["12 hours left", inDays(0.5), 6, "1 day"],
    ["expired a minute ago", inDays(-1 / 1440), 6, "expired"],
    ["a 3-month window never says 90 days", inDays(80), 3, "3 months"],
  ])("%s", (_name, notAfter, months, stage) => {
    expect(certificateStage(notAfter, NOW, months)).toBe(stage);
  });

  it("lists the stages of a window in order of urgency, ending with expired", () => {
    expect(stagesFor(6)).toEqual(["6 months", "90 days", "60 days", "30 days", "14 days", "7 days", "1 day", "expired"]);
    expect(stagesFor(2)).toEqual(["2 months", "30 days", "14 days", "7 days", "1 day", "expired"]);
  });
});

describe("daysLeft", () => {
  it.each([
    ["20½ days left", inDays(20.5), 20],
    ["expired 20½ days ago: 20 days past, not 21", inDays(-20.5), -20],
    ["expired exactly 20 days ago", inDays(-20), -20],
  ])("%s", (_name, notAfter, days) => {
    expect(daysLeft(notAfter, NOW)).toBe(days);
  });
});
