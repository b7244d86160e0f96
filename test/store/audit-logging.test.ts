// Audit records reach the log as well as the store: one JSON line per record, by allowlist, secrets masked.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AuditRecord } from "../../src/core/audit.ts";
import { createLogger } from "../../src/log.ts";
import { openStore } from "../../src/store/open-store.ts";
import type { Stores } from "../../src/store/sqlite-store.ts";

const APPROVED: AuditRecord = {
  at: new Date("2026-03-01T09:00:00Z"),
  actor: "U0APPROVE",
  action: "approve",
  requestId: "req7",
  summary: "approved: connect orders-web to vnet-hub",
  azureRequestIds: ["4f0c3a2e-0000-4000-8000-000000000001", "4f0c3a2e-0000-4000-8000-000000000002"],
};

let dir: string;
let stores: Stores;
let lines: string[];
let isOpen = false;
const closeStores = () => {
  if (isOpen) stores.close();
  isOpen = false;
};
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "vnetbot-audit-log-"));
  lines = [];
  const logger = createLogger({ level: "info", sink: (line) => lines.push(line) });
  stores = await openStore({ secrets: { botToken: undefined, signingSecret: undefined, appToken: undefined }, storage: { sqlitePath: join(dir, "vnetbot.sqlite") } }, logger);
  isOpen = true;
});
afterEach(() => {
  closeStores();
  rmSync(dir, { recursive: true, force: true });
});

describe("audit records in the log", () => {
  it("writes one JSON line with the record's actor, action, request, summary and Azure request ids, and stores it", async () => {
    await stores.audit.append(APPROVED);

    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      {
        time: expect.any(String),
        level: "info",
        msg: "audit",
        at: "2026-03-01T09:00:00.000Z",
        actor: "U0APPROVE",
        action: "approve",
        requestId: "req7",
        summary: "approved: connect orders-web to vnet-hub",
        azureRequestIds: ["4f0c3a2e-0000-4000-8000-000000000001", "4f0c3a2e-0000-4000-8000-000000000002"],
      },
    ]);
    expect(await stores.audit.latest(1)).toEqual([APPROVED]);
  });

  it("masks anything secret-looking a summary carries, and keeps a record without a request as null", async () => {
    await stores.audit.append({ ...APPROVED, action: "refuse", requestId: undefined, summary: "refused https://x.blob.core.windows.net/p.zip?sv=2024&sig=TOPSECRETSIG" });

    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain("TOPSECRETSIG");
    expect(JSON.parse(lines[0]!)).toMatchObject({ action: "refuse", requestId: null, summary: "refused https://x.blob.core.windows.net/p.zip?sv=[redacted]&sig=[redacted]" });
  });

  it("logs a record the store could not take as an error, and still fails the append", async () => {
    closeStores();

    await expect(stores.audit.append(APPROVED)).rejects.toThrow();

    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: "error", msg: "audit record not stored", actor: "U0APPROVE", action: "approve", requestId: "req7", error: expect.any(String) }),
    ]);
  });
});
