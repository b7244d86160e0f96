// What the approval flow does when its own database fails it, or another replica takes its change over: the change
// always ends in a final state (its target free again), and a change that is no longer ours is not reported as ours.
// The failures are real: SQLite triggers that refuse one write, on the bot's own database file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApprovalService, type ApprovalService } from "../../src/core/approvals/approval-service.ts";
import type { ChangeRequest } from "../../src/core/changes/types.ts";
import { createMigrationRecords } from "../../src/core/migration/migration-records.ts";
import { createLocalLocks } from "../../src/core/local-locks.ts";
import { ids } from "../../src/core/resource-id.ts";
import { silentLogger } from "../../src/log.ts";
import { openSqliteStore, type Stores } from "../../src/store/sqlite-store.ts";
import { CHANNELS, NOW, PEOPLE, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";

const ROUTE_ADD: ChangeRequest = { kind: "route-add", planId: ids.plan("6f1c2b7e-0d4a-4c1e-9a55-3c2d1e0f9a01", "rg-apps", "plan-orders"), vnetName: "vnet-hub", range: "10.20.0.0/16" };
const CONNECT: ChangeRequest = {
  kind: "connect", appId: ids.app("6f1c2b7e-0d4a-4c1e-9a55-3c2d1e0f9a01", "rg-apps", "orders-worker"),
  vnetId: ids.vnet("6f1c2b7e-0d4a-4c1e-9a55-3c2d1e0f9a01", "rg-network", "vnet-hub"),
};
const REQUESTER = { userId: PEOPLE.requester, channelId: CHANNELS.ops, commandText: "route add plan-orders vnet-hub 10.20.0.0/16" };

let slack: SlackHarness;
let dir: string;
let stores: Stores;
let ids_ = 0;
beforeEach(async () => {
  ids_ = 0;
  slack = await startSlackHarness();
  dir = mkdtempSync(join(tmpdir(), "vnetbot-failures-"));
  stores = openSqliteStore(join(dir, "vnetbot.sqlite"));
});
afterEach(async () => {
  stores.close();
  rmSync(dir, { recursive: true, force: true });
  await slack.close();
});

/** An approval flow over the test's own database file, on the harness' Slack and Azure. */
function service(now: () => Date, instanceId: string): ApprovalService {
  return createApprovalService({
    store: stores.approvals, audit: stores.audit, chat: slack.bot.chat,
    change: { reader: slack.azure.reader, writer: slack.azure.writer, clock: { now }, locks: createLocalLocks(), subscriptions: slack.azure.subscriptions, migrations: createMigrationRecords(stores.alerts, { now }) }, clock: { now }, logger: silentLogger,
    expireAfterMinutes: 30, approvalChannel: CHANNELS.approvals, newId: () => `req${++ids_}`, instanceId,
  });
}

/** Makes the database refuse one kind of write, as a full disk or a lost connection would. */
function refuse(table: "audit" | "approvals", when: string): void {
  const db = new DatabaseSync(join(dir, "vnetbot.sqlite"));
  try {
    const event = table === "audit" ? "INSERT" : "UPDATE";
    db.exec(`CREATE TRIGGER refuse_${table} BEFORE ${event} ON ${table} WHEN ${when} BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END;`);
  } finally {
    db.close();
  }
}

describe("an approved change whose bookkeeping fails", () => {
  it.each([
    ["the approval's audit line", "audit", "NEW.action = 'approve'"],
    ["the start's audit line", "audit", "NEW.action = 'execute'"],
    ["the approved → running transition", "approvals", "NEW.status = 'running'"],
  ] as const)("ends failed with the reason when %s cannot be written, runs nothing, and frees the target", async (_name, table, when) => {
    const approvals = service(() => NOW, "bot-a");
    await approvals.requestChange(REQUESTER, ROUTE_ADD);
    refuse(table, when);

    const decision = await approvals.decide("req1", PEOPLE.approver, "approve").catch(() => undefined);
    await decision?.execution;

    const record = await stores.approvals.get("req1");
    expect(record).toMatchObject({ status: "failed", failure: expect.stringMatching(/something went wrong \(ref [0-9a-f]{4}\)/) });
    expect(textOf(slack.current(record!.message!))).toContain("Failed before its first step");
    expect(textOf(slack.current(record!.message!))).toContain("Nothing was changed.");
    expect(slack.azureWrites()).toEqual([]);
    expect(await stores.approvals.create({ ...record!, id: "again", appKeys: [] })).toEqual({ created: true });
  });
});

describe("a running change another replica interrupted", () => {
  it("stops before its next step reaches Azure, records nothing more, and audits that it stopped instead of reporting done", async () => {
    const approvals = service(() => NOW, "bot-a");
    const message = (await approvals.requestChange({ ...REQUESTER, commandText: "connect orders-worker vnet-hub" }, CONNECT), slack.api.workspace.messages(CHANNELS.approvals)[0]!);
    const firstStepReported = slack.api.hold("chat.postMessage");

    const decision = await approvals.decide("req1", PEOPLE.approver, "approve");
    await firstStepReported.reached;
    // The other replica, past the lease: its own thread reply waits behind the same hold, so wait for its write.
    const recovery = service(() => new Date(NOW.getTime() + 3 * 60_000), "bot-b").recoverInterrupted();
    await vi.waitFor(async () => expect((await stores.approvals.get("req1"))?.status).toBe("interrupted"));
    const azureRequestsSoFar = slack.sim.requests.length;
    firstStepReported.release();
    const interrupted = await recovery;
    await decision.execution;

    expect(interrupted.map((r) => r.id)).toEqual(["req1"]);
    expect(await stores.approvals.get("req1")).toMatchObject({ status: "interrupted", owner: "bot-a", steps: [expect.objectContaining({ status: expect.any(String) })] });
    expect((await stores.audit.latest(1))[0]).toMatchObject({ action: "interrupt", summary: expect.stringContaining("this bot instance stopped running it") });
    expect(slack.threadTexts(message).join("\n")).not.toMatch(/Step 2 of 5|:tada:/);
    expect(slack.sim.requests.length).toBe(azureRequestsSoFar);
    expect(slack.azureWrites()).toHaveLength(1);
  });
});
