// The change-kind registry: each kind declares the reader and writer operations it uses, and that declaration must
// hold when the kind really runs, parse to last step, against the simulator; the role is checked against it.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHANGE_KINDS, commandTextOf, prepareChange, type ChangeRequest } from "../../src/core/changes/registry.ts";
import { runSteps } from "../../src/core/changes/runner.ts";
import type { AzureReader, AzureWriter } from "../../src/core/ports.ts";
import { parseCommand } from "../../src/slack/parse-command.ts";
import { commands } from "../../handlers/index.ts";
import { startDemo } from "./demo.ts";

// One command per kind that runs every step on the demo estate.
const RUNS: Record<string, string> = {
  connect: "connect orders-worker vnet-hub",
  disconnect: "disconnect orders-web",
  sync: "sync plan-orders rg-network/vnet-hub",
  "route-add": "route add plan-orders vnet-hub 10.99.0.0/16",
  "route-remove": "route remove plan-orders vnet-hub onprem-datacenter",
  renew: "renew payments-api",
  peer: "peer plan-orders vnet-hub vnet-spoke",
  migrate: "migrate inventory-api --route-all",
  "migrate-peer": "migrate peer plan-platform vnet-hr vnet-data",
  "migrate-rollback": "migrate rollback inventory-api",
};

// What must have run before a kind's command makes sense: a rollback needs a migration.
const BEFORE: Record<string, string> = {
  "migrate-rollback": "migrate inventory-api --route-all",
};

/** Parses, prepares and runs a command on the demo estate; resolves with the outcome. */
async function run(text: string, deps = started.deps) {
  const { command, args } = parseCommand(commands, text);
  const kind = CHANGE_KINDS.find((k) => k.command.name === command.name)!;
  const request = (await kind.parse({ reader: deps.reader, subscriptions: started.subscriptions, migrations: deps.migrations, clock: deps.clock }, args)) as ChangeRequest;
  return runSteps(await prepareChange(deps, request));
}

/** Wraps a port so that every method called is written down by name (and, to `onCall`, with its arguments). */
function recording<T extends object>(port: T, calls: Set<string>, onCall?: (name: string, args: unknown[]) => void): T {
  return new Proxy(port, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.add(String(name));
        onCall?.(String(name), args);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

let started: Awaited<ReturnType<typeof startDemo>>;
beforeEach(async () => {
  started = await startDemo();
});
afterEach(() => started.harness.close());

describe("the change-kind registry", () => {
  it("has one run here for every registered kind", () => {
    expect(Object.keys(RUNS).sort()).toEqual(CHANGE_KINDS.map((k) => k.kind).sort());
  });

  it.each(Object.entries(RUNS))("%s uses no Azure operation it does not declare", async (kindName, text) => {
    const kind = CHANGE_KINDS.find((k) => k.kind === kindName)!;
    if (BEFORE[kindName]) expect((await run(BEFORE[kindName])).ok).toBe(true);
    const calls = new Set<string>();
    const reader = recording<AzureReader>(started.deps.reader, calls);
    const writer = recording<AzureWriter>(started.deps.writer, calls);
    const { args } = parseCommand(commands, text);

    const request = (await kind.parse({ reader, subscriptions: started.subscriptions, migrations: started.deps.migrations, clock: started.deps.clock }, args)) as ChangeRequest;
    const outcome = await runSteps(await prepareChange({ ...started.deps, reader, writer }, request));

    expect(outcome.error?.message).toBeUndefined();
    expect([...calls].filter((name) => !(kind.operations as readonly string[]).includes(name))).toEqual([]);
  });

  it.each(Object.entries(RUNS))("%s declares to the lock check every resource its steps write or delete", async (kindName, text) => {
    const kind = CHANGE_KINDS.find((k) => k.kind === kindName)!;
    if (BEFORE[kindName]) expect((await run(BEFORE[kindName])).ok).toBe(true);
    const writes: Array<{ method: string; id: string }> = [];
    // Every writer method takes the resource it writes under first.
    const writer = recording(started.deps.writer, new Set(), (method, args) => writes.push({ method, id: String(args[0]) }));
    const { args } = parseCommand(commands, text);
    const request = (await kind.parse({ reader: started.deps.reader, subscriptions: started.subscriptions, migrations: started.deps.migrations, clock: started.deps.clock }, args)) as ChangeRequest;
    const prepared = await prepareChange({ ...started.deps, writer }, request);

    const outcome = await runSteps(prepared);

    const under = (scope: string, id: string) => id.toLowerCase() === scope.toLowerCase() || id.toLowerCase().startsWith(`${scope.toLowerCase()}/`);
    const undeclared = writes.filter(({ method, id }) => {
      const operation = method.startsWith("delete") ? "delete" : "write";
      return !prepared.touches.some((touch) => touch.operation === operation && under(touch.id, id));
    });
    expect(outcome.error?.message).toBeUndefined();
    expect(writes.length).toBeGreaterThan(0);
    expect(undeclared).toEqual([]);
  });

  it.each(Object.entries(RUNS))("%s says how to ask for it again in words the parser takes back", async (kindName, text) => {
    const kind = CHANGE_KINDS.find((k) => k.kind === kindName)!;
    if (BEFORE[kindName]) expect((await run(BEFORE[kindName])).ok).toBe(true);
    const { args } = parseCommand(commands, text);
    const request = (await kind.parse({ reader: started.deps.reader, subscriptions: started.subscriptions, migrations: started.deps.migrations, clock: started.deps.clock }, args)) as ChangeRequest;

    const again = parseCommand(commands, commandTextOf(request));
    const reparsed = await kind.parse({ reader: started.deps.reader, subscriptions: started.subscriptions, migrations: started.deps.migrations, clock: started.deps.clock }, again.args);

    expect(again.command.name).toBe(kind.command.name);
    expect(reparsed).toEqual(request);
  });
});
