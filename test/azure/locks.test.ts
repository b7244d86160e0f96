// Management locks read through the Azure adapter (one paged call per subscription) and held against what a change
// touches (src/core/changes/lock-check.ts), on the simulator's locks.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { assertNotLocked, findLocks, lockWarnings, type Touch } from "../../src/core/changes/lock-check.ts";
import { BotError } from "../../src/errors.ts";
import { startAzureHarness, type AzureHarness } from "../support/azure-harness.ts";
import { NOW, SUB, adapterEstate, at } from "./estate.ts";

let h: AzureHarness;
beforeAll(async () => {
  h = await startAzureHarness({ estate: adapterEstate(), now: () => NOW });
});
afterAll(() => h.close());
beforeEach(() => {
  h.sim.state.locks.length = 0;
  h.sim.faults.clear();
});

const GROUP = `/subscriptions/${SUB}/resourceGroups/rg-web`;
const writeApp = (name: string): Touch => ({ id: at.app(name), operation: "write", what: `app ${name}` });
const deleteApp = (name: string): Touch => ({ id: at.app(name), operation: "delete", what: `app ${name}` });

describe("management locks", () => {
  it("lists every lock of the subscription across pages, whatever its scope, and no other subscription's", async () => {
    h.sim.state.locks.push(
      { name: "sub-wide", level: "CanNotDelete", scope: `/subscriptions/${SUB}` },
      { name: "group", level: "ReadOnly", scope: GROUP },
      { name: "app", level: "CanNotDelete", scope: at.app("app-a") },
      { name: "elsewhere", level: "ReadOnly", scope: "/subscriptions/00000000-0000-0000-0000-000000000009/resourceGroups/rg" },
    );

    const locks = await h.reader.listLocks(SUB);

    expect(locks).toEqual([
      { name: "sub-wide", level: "CanNotDelete", scope: `/subscriptions/${SUB}` },
      { name: "group", level: "ReadOnly", scope: GROUP },
      { name: "app", level: "CanNotDelete", scope: at.app("app-a") },
    ]);
    // Two to a page: the third lock came from the nextLink.
    expect(h.sim.requests.filter((r) => r.path.endsWith("/providers/Microsoft.Authorization/locks")).length).toBeGreaterThanOrEqual(2);
  });

  it("holds a ReadOnly lock against every write below it, a CanNotDelete lock only against deletions", async () => {
    h.sim.state.locks.push({ name: "keep", level: "CanNotDelete", scope: at.app("app-a") });

    const findings = await findLocks(h.reader, [writeApp("app-a"), deleteApp("app-a"), deleteApp("app-b")]);

    expect(findings.blocked.map(({ touch, lock }) => `${lock.name}: ${touch.operation} ${touch.what}`)).toEqual(["keep: delete app app-a"]);
  });

  it("does not take a lock on app-a for one on app-ab: a scope covers its own path and what lies below it", async () => {
    h.sim.state.locks.push({ name: "freeze", level: "ReadOnly", scope: at.app("app") });

    const findings = await findLocks(h.reader, [writeApp("app-a")]);

    expect(findings.blocked).toEqual([]);
  });

  it("refuses before any step only for a touch that is certain, and warns of the others", async () => {
    h.sim.state.locks.push({ name: "freeze", level: "ReadOnly", scope: GROUP });
    const maybe: Touch = { ...writeApp("app-b"), maybe: true };

    const onlyMaybe = await findLocks(h.reader, [maybe]);
    const both = await findLocks(h.reader, [maybe, writeApp("app-a")]);

    expect(() => assertNotLocked(onlyMaybe)).not.toThrow();
    expect(lockWarnings(onlyMaybe)).toEqual([":lock: The ReadOnly lock freeze on resource group rg-web refuses changes to app app-b (if that step is needed): have it lifted before approving, or the change stops there."]);
    expect(() => assertNotLocked(both)).toThrow(BotError);
    expect(() => assertNotLocked(both)).toThrow("The ReadOnly lock freeze on resource group rg-web refuses changes to app app-a, so the change did not start. Nothing was changed.");
  });

  it("says it could not read the locks rather than that there are none", async () => {
    h.sim.faults.add({ method: "GET", path: /\/providers\/Microsoft\.Authorization\/locks$/, status: 403, code: "AuthorizationFailed" });

    const findings = await findLocks(h.reader, [writeApp("app-a")]);

    expect(findings.blocked).toEqual([]);
    expect(lockWarnings(findings)).toEqual([expect.stringMatching(/^Management locks could not be read \(.*Microsoft\.Authorization\/locks\/read.*\)/)]);
  });
});
