/**
 * The ARM simulator in a process of its own, for benchmarks: ARM is not on the bot's event loop, so neither is the
 * simulator. Started by simulator-process.ts over an IPC channel; it generates the estate itself (the generator is
 * deterministic), writes its CA to a file, and answers "stats", "delay", "fault", "clear-faults", "requests" and "close".
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadEstate, parseEstate, startSimulator, type FaultSpec, type RunningSimulator } from "../../src/stand-ins/arm/index.ts";
import { generateEstate, type LargeEstateOptions } from "./estate-generator.ts";

/** A fault as it crosses the IPC channel: a RegExp path travels as its source (case-insensitive). */
export type FaultMessage = Omit<FaultSpec, "path"> & { path: string | { pattern: string } };

/** One request as the simulator saw it and answered it. */
export interface SeenRequest {
  method: string;
  path: string;
  status: number | undefined;
}

/** What the parent asks the child. */
export type SimulatorRequest =
  | { type: "start"; estate: "demo" | LargeEstateOptions; throttling: boolean }
  | { type: "stats" }
  | { type: "delay"; ms: number }
  | { type: "fault"; fault: FaultMessage }
  | { type: "clear-faults" }
  | { type: "requests"; from: number }
  | { type: "close" };

const send = (message: unknown) => process.send!(message);
let sim: RunningSimulator | undefined;

process.on("message", async (message: SimulatorRequest) => {
  if (message.type === "start") {
    const seed = message.estate === "demo" ? loadEstate("demo") : generateEstate(message.estate);
    sim = await startSimulator({ estate: parseEstate({ ...seed, throttling: message.throttling ? undefined : false }) });
    const caFile = join(tmpdir(), `vnetbot-bench-ca-${process.pid}.pem`);
    writeFileSync(caFile, sim.caPem);
    send({ type: "started", url: sim.url, caPem: sim.caPem, caFile });
  } else if (message.type === "stats") {
    // ARM charges a request to the subscription in its path: the bound is per subscription.
    const bySubscription: Record<string, number> = {};
    for (const r of sim?.requests ?? []) {
      const subscription = /^\/subscriptions\/([^/]+)/i.exec(r.path)?.[1]?.toLowerCase() ?? "(none)";
      bySubscription[subscription] = (bySubscription[subscription] ?? 0) + 1;
    }
    send({ type: "stats", requests: sim?.requests.length ?? 0, bySubscription, throttling: sim?.throttling });
  } else if (message.type === "delay") {
    // Every request waits this long before the simulator answers it, as a slow ARM would.
    sim?.faults.clear();
    if (message.ms > 0) sim?.faults.add({ path: /.*/, delayMs: message.ms });
    send({ type: "delayed" });
  } else if (message.type === "fault") {
    const { path, ...rest } = message.fault;
    const id = sim?.faults.add({ ...rest, path: typeof path === "string" ? path : new RegExp(path.pattern, "i") });
    send({ type: "faulted", id });
  } else if (message.type === "clear-faults") {
    sim?.faults.clear();
    send({ type: "faults-cleared" });
  } else if (message.type === "requests") {
    // Without bodies and headers: the drills count requests and their answers, and bodies may be large.
    const requests: SeenRequest[] = (sim?.requests ?? []).slice(message.from).map((r) => ({ method: r.method, path: r.path, status: r.status }));
    send({ type: "requests", requests });
  } else if (message.type === "close") {
    await sim?.close();
    process.exit(0);
  }
});
