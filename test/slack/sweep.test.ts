// The sweep of expired requests and interrupted changes while the database fails it: said once when it starts
// failing and once when it works again, not every time it runs; counted in /metrics either way. The failure is real:
// the approvals table renamed away under the bot, then back.
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.ts";
import { startSlackHarness, type SlackHarness } from "../support/slack-harness.ts";

let slack: SlackHarness;
const lines: Array<{ level: string; msg: string }> = [];
beforeEach(async () => {
  lines.length = 0;
  const logger = createLogger({ sink: (line) => lines.push(JSON.parse(line) as { level: string; msg: string }) });
  slack = await startSlackHarness({ logger, expirySweepMs: 10 });
});
afterEach(() => slack.close());

function renameApprovals(from: string, to: string): void {
  const db = new DatabaseSync(slack.dbPath);
  try {
    db.exec(`ALTER TABLE ${from} RENAME TO ${to}`);
  } finally {
    db.close();
  }
}

async function sweeps(result: "succeeded" | "failed"): Promise<number> {
  const { body } = await slack.bot.metrics.scrape();
  return Number(new RegExp(`^vnetbot_scans_total\\{job="approval-sweep",result="${result}"\\} (\\d+)`, "m").exec(body)?.[1] ?? 0);
}

const about = (text: string) => lines.filter((line) => line.msg.includes(text));

describe("the approval sweep on a failing database", () => {
  it("logs one error however often it fails, and one line when it works again", async () => {
    renameApprovals("approvals", "approvals_away");
    await expect.poll(() => sweeps("failed"), { interval: 10, timeout: 5_000 }).toBeGreaterThanOrEqual(3);

    expect(about("the approval sweep")).toEqual([expect.objectContaining({ level: "error", msg: "the approval sweep (expiries, interrupted changes) failed; it is tried again every 0.01 s" })]);

    renameApprovals("approvals_away", "approvals");
    const before = await sweeps("succeeded");
    await expect.poll(() => sweeps("succeeded"), { interval: 10, timeout: 5_000 }).toBeGreaterThan(before + 1);

    expect(about("the approval sweep").map((line) => `${line.level}: ${line.msg}`)).toEqual([
      "error: the approval sweep (expiries, interrupted changes) failed; it is tried again every 0.01 s",
      "info: the approval sweep works again",
    ]);
  });
});
