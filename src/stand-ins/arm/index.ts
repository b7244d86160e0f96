/** The ARM simulator: real ARM REST paths over HTTPS for the unmodified Azure SDK clients, on a seeded estate. */
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { buildState } from "./build-state.ts";
import type { EstateSeed } from "./estate.ts";
import { FaultInjector } from "./faults.ts";
import { LroStore } from "./lro.ts";
import { healthRoutes } from "./routes/health.ts";
import { lockRoutes } from "./routes/locks.ts";
import { kuduRoutes } from "./routes/kudu.ts";
import { networkRoutes } from "./routes/network.ts";
import { webRoutes } from "./routes/web.ts";
import { handleRequest, type RecordedRequest } from "./server.ts";
import type { SimulatorState } from "./state.ts";
import { ArmThrottle, type ThrottlingCounters } from "./throttling.ts";
import { createServerTls } from "./tls.ts";

export { loadEstate, parseEstate, type EstateSeed, type EstateSeedInput } from "./estate.ts";
export { FaultInjector, type FaultSpec } from "./faults.ts";
export type { RecordedRequest } from "./server.ts";
export type { SimulatorState } from "./state.ts";
export { ARM_THROTTLING_LIMITS, type OperationType, type ThrottlingCounters, type ThrottlingLimits } from "./throttling.ts";

/** How to start a simulator. */
export interface SimulatorOptions {
  estate: EstateSeed;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Default: a fresh CA and a server certificate for 127.0.0.1 and localhost. */
  tls?: { key: string; cert: string; caPem: string };
  /** The clock for issued certificates and relative expiries. */
  now?: () => Date;
  /**
   * Milliseconds from a monotonic source for the throttling buckets (default performance.now): tests move it to
   * refill a bucket without waiting. Apart from `now`, which tests often hold still.
   */
  monotonicNow?: () => number;
}

/** A running simulator. */
export interface RunningSimulator {
  /** "https://127.0.0.1:PORT", no trailing slash. */
  url: string;
  /** The CA that signed the server certificate. */
  caPem: string;
  state: SimulatorState;
  faults: FaultInjector;
  requests: RecordedRequest[];
  /** Requests charged to ARM's throttling buckets by operation type, and the 429s answered (estate `throttling`). */
  throttling: ThrottlingCounters;
  close(): Promise<void>;
}

/** Starts a simulator on the estate; resolves once it listens. */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const now = options.now ?? (() => new Date());
  const tls = options.tls ?? (await createServerTls(now()));
  const state = await buildState(options.estate, now());
  state.now = now;
  const faults = new FaultInjector();
  const requests: RecordedRequest[] = [];
  const host = options.host ?? "127.0.0.1";
  let url = "";
  const throttle = new ArmThrottle(options.estate.throttling, options.monotonicNow ?? (() => performance.now()));
  const routes = [...webRoutes, ...networkRoutes, ...healthRoutes, ...lockRoutes, ...kuduRoutes];
  const deps = { routes, state, faults, lro: new LroStore(), throttle, requests, now, baseUrl: () => url };
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => void handleRequest(deps, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  url = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    url,
    caPem: tls.caPem,
    state,
    faults,
    requests,
    throttling: throttle.counters,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
