/**
 * Soak: what a running bot holds on to after bursts of commands. Starts the ARM simulator and the Slack stand-in here,
 * the bot in a process of its own (test/support/replica-main.ts, HTTP mode, SQLite unless --postgres), then sends
 * passes of signed /vnet commands from a number of concurrent users, each waiting for its answer (the ack, then the
 * response-URL reply) before typing the next. Prints the bot's RSS and heap after a full GC: started, idle, then
 * right after each pass and once it has been quiet for --quiet seconds (default 12). With --heap, writes heap snapshots after the
 * first and the last pass and prints what grew between them.
 *
 *   . scripts/node24.sh && node test/bench/soak.ts [--commands 10000] [--passes 3] [--users 16] [--quiet SECONDS] [--mix "help,list"] [--node-options="…"] [--heap] [--postgres]
 */
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import setupSimulatorTls from "../support/global-setup.ts";
import type { WorkspaceEvent } from "../../src/stand-ins/slack/workspace.ts";
import { startReplicaWorld, TEAM, type Memory, type Replica, type ReplicaWorld } from "../support/replica-world.ts";

const { values } = parseArgs({
  options: {
    commands: { type: "string", default: "10000" },
    passes: { type: "string", default: "3" },
    users: { type: "string", default: "16" },
    heap: { type: "boolean", default: false },
    postgres: { type: "boolean", default: false },
    quiet: { type: "string", default: "12" },
    mix: { type: "string" },
    "node-options": { type: "string", default: "" },
  },
});
const COMMANDS = Number(values.commands);
const PASSES = Number(values.passes);
const USERS = Number(values.users);
const QUIET_S = Number(values.quiet);

// What on-call engineers type: reads of the demo estate, and refusals (unknown names, a bad range, a mention).
const DEFAULT_MIX = [
  "list", "show orders-web", "plan plan-orders", "routes plan-orders vnet-hub", "expiring", "gateways", "approvals",
  "audit 5", "help", "show no-such-app", "route add plan-orders vnet-hub 10.1.2.3/8", "show <!channel>", "list --plan plan-basic",
];
// --mix "help,list" sends only those, to find which command holds memory.
const MIX = values.mix ? values.mix.split(",").map((text) => text.trim()) : DEFAULT_MIX;

const MB = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

const describe = (m: Memory) => `rss ${MB(m.rss)}, heap ${MB(m.heapUsed)} of ${MB(m.heapTotal)}, external ${MB(m.external)} (array buffers ${MB(m.arrayBuffers)})`;

async function pass(world: ReplicaWorld, bot: Replica, count: number): Promise<number> {
  const started = Date.now();
  let next = 0;
  const answers = new Set<string>();
  const note = (event: WorkspaceEvent) => void (event.type === "ephemeral" && event.ephemeral.responseUrlId && answers.add(event.ephemeral.responseUrlId));
  world.slack.workspace.events.on("change", note);
  const answered = (id: string) => answers.has(id);
  async function user(index: number): Promise<void> {
    const userId = index % 2 === 0 ? TEAM.operator : TEAM.requester;
    while (next < count) {
      const text = MIX[next++ % MIX.length]!;
      const { ack, responseUrlId } = await world.send(bot, userId, text);
      if (ack?.startsWith(":hourglass_flowing_sand:")) await world.slack.workspace.waitFor(() => (answered(responseUrlId) ? true : undefined), 60_000);
    }
  }
  await Promise.all(Array.from({ length: USERS }, (_, i) => user(i)));
  world.slack.workspace.events.off("change", note);
  return Date.now() - started;
}

const cleanupTls = await setupSimulatorTls();
const world = await startReplicaWorld({ certificates: "0 0 1 1 *", gateways: "0 0 1 1 *", store: values.postgres ? "postgres" : "sqlite" });
// Every waiting user listens for its answer.
world.slack.workspace.events.setMaxListeners(USERS + 10);
// --node-options="--max-semi-space-size=8" starts the bot with other V8 settings than `npm start` gives it.
const bot = await world.start("soak", ["--expose-gc", ...values["node-options"].split(" ").filter(Boolean)]);
const snapshots: string[] = [];
try {
  console.log(`started (HTTP mode, ${values.postgres ? "PostgreSQL" : "SQLite"}): ${describe(await bot.memory())}`);
  await new Promise((resolve) => setTimeout(resolve, QUIET_S * 1000));
  console.log(`idle, ${QUIET_S} s later: ${describe(await bot.memory())}`);
  for (let i = 1; i <= PASSES; i++) {
    const ms = await pass(world, bot, COMMANDS);
    // The stand-in keeps every message it got; only the bot's memory is measured, but the stand-in's is let go.
    world.slack.workspace.ephemerals().length = 0;
    const after = await bot.memory();
    console.log(`after pass ${i} (${COMMANDS} commands, ${USERS} users, ${(COMMANDS / (ms / 1000)).toFixed(0)}/s): ${describe(after)}`);
    // The bot gives memory back once it has been quiet for a while (src/memory-relief.ts, 10 s).
    await new Promise((resolve) => setTimeout(resolve, QUIET_S * 1000));
    console.log(`  ${QUIET_S} s later: ${describe(await bot.memory())}`);
    if (values.heap && (i === 1 || i === PASSES)) snapshots.push(await bot.heapSnapshot(join(tmpdir(), `vnetbot-soak-${process.pid}-${i}.heapsnapshot`)));
  }
  if (snapshots.length === 2) printHeapDiff(snapshots[0]!, snapshots[1]!);
} finally {
  await world.close();
  for (const path of snapshots) rmSync(path, { force: true });
  cleanupTls();
}

/** The heap's objects grouped by constructor (or node type), and what grew from the first snapshot to the second. */
function printHeapDiff(before: string, after: string): void {
  const [a, b] = [summarise(before), summarise(after)];
  const rows = [...new Set([...a.keys(), ...b.keys()])]
    .map((key) => ({ key, count: (b.get(key)?.count ?? 0) - (a.get(key)?.count ?? 0), size: (b.get(key)?.size ?? 0) - (a.get(key)?.size ?? 0) }))
    .filter((row) => row.size !== 0)
    .sort((x, y) => y.size - x.size)
    .slice(0, 20);
  console.log("\nheap growth from the first to the last pass (self size, by constructor):");
  for (const row of rows) console.log(`  ${row.size >= 0 ? "+" : ""}${(row.size / 1024).toFixed(1).padStart(9)} KB  ${row.count >= 0 ? "+" : ""}${row.count} × ${row.key}`);
}

function summarise(path: string): Map<string, { count: number; size: number }> {
  const snapshot = JSON.parse(readFileSync(path, "utf8")) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = [fields.indexOf("type"), fields.indexOf("name"), fields.indexOf("self_size")];
  const groups = new Map<string, { count: number; size: number }>();
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i + typeAt]!]!;
    const key = type === "object" || type === "closure" ? `${snapshot.strings[snapshot.nodes[i + nameAt]!]} (${type})` : `(${type})`;
    const group = groups.get(key) ?? { count: 0, size: 0 };
    group.count += 1;
    group.size += snapshot.nodes[i + sizeAt]!;
    groups.set(key, group);
  }
  return groups;
}
