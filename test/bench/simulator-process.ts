/** Starts the ARM simulator in a child process (simulator-child.ts) and talks to it over IPC. */
import { fork } from "node:child_process";
import { rmSync } from "node:fs";
import type { ThrottlingCounters } from "../../src/stand-ins/arm/index.ts";
import type { FaultMessage, SeenRequest, SimulatorRequest } from "./simulator-child.ts";

/** The simulator process, as a benchmark sees it. */
export interface SimulatorProcess {
  url: string;
  caPem: string;
  /** A file holding the CA, for a bot process's NODE_EXTRA_CA_CERTS. */
  caFile: string;
  /** Requests the simulator has seen, in all and by subscription (lower-case id), and its throttling counters. */
  stats(): Promise<{ requests: number; bySubscription: Record<string, number>; throttling: ThrottlingCounters }>;
  /** Makes every answer wait this long (0: none). */
  delay(ms: number): Promise<void>;
  /** Adds a fault (src/stand-ins/arm/faults.ts); a { pattern } path is a case-insensitive regular expression. */
  fault(fault: FaultMessage): Promise<void>;
  /** Removes every fault (and the delay). */
  clearFaults(): Promise<void>;
  /** The requests seen so far, from the index given, each with the status it was answered. */
  requests(from?: number): Promise<SeenRequest[]>;
  close(): Promise<void>;
}

/** Forks the simulator on the demo estate or a generated one; ARM's throttling unless told otherwise. */
export async function startSimulatorProcess(estate: Extract<SimulatorRequest, { type: "start" }>["estate"], options: { throttling?: boolean } = {}): Promise<SimulatorProcess> {
  const child = fork(new URL("./simulator-child.ts", import.meta.url), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ask = <T>(request: SimulatorRequest, reply: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: { type: string }) => {
        if (message.type !== reply) return;
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(message as T);
      };
      const onExit = (code: number | null) => reject(new Error(`the simulator process ended (exit code ${code})`));
      child.on("message", onMessage);
      child.once("exit", onExit);
      child.send(request);
    });
  const started = await ask<{ url: string; caPem: string; caFile: string }>({ type: "start", estate, throttling: options.throttling ?? true }, "started");
  return {
    ...started,
    stats: () => ask({ type: "stats" }, "stats"),
    delay: async (ms) => void (await ask({ type: "delay", ms }, "delayed")),
    fault: async (fault) => void (await ask({ type: "fault", fault }, "faulted")),
    clearFaults: async () => void (await ask({ type: "clear-faults" }, "faults-cleared")),
    requests: async (from = 0) => (await ask<{ requests: SeenRequest[] }>({ type: "requests", from }, "requests")).requests,
    async close() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.send({ type: "close" } satisfies SimulatorRequest);
      await exited;
      rmSync(started.caFile, { force: true });
    },
  };
}
