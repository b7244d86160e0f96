import { createAzureClients, createAzureReader, createAzureWriter, createKuduRunner, type AzureClients, type PacingOptions } from "../../src/azure/index.ts";
import type { AzureReader, AzureWriter, KuduRunner } from "../../src/core/ports.ts";
import { loadEstate, parseEstate, startSimulator, type EstateSeed, type EstateSeedInput, type RunningSimulator } from "../../src/stand-ins/arm/index.ts";
import { testSimulatorTls } from "./simulator-tls.ts";

/** The real Azure adapter wired to a running ARM simulator. */
export interface AzureHarness {
  sim: RunningSimulator;
  /** The SDK clients the reader, writer and Kudu runner share. */
  clients: AzureClients;
  reader: AzureReader;
  writer: AzureWriter;
  kudu: KuduRunner;
  /** The estate's subscription ids, as the bot's `azure.subscriptions` would list them. */
  subscriptions: string[];
  /** The Kudu URL template that points the bot's Kudu runner at the simulator. */
  kuduUrl: string;
  close(): Promise<void>;
}

/**
 * Starts the simulator on an estate (a bundled name such as "demo", a parsed seed, or a seed object built in the
 * test) and builds the production Azure adapter against it: real SDK clients, HTTPS with the test CA trusted
 * through NODE_EXTRA_CA_CERTS, a static bearer token. ARM's throttling is off unless `throttling` asks for it, so
 * that tests about something else never wait for a bucket to refill.
 */
export async function startAzureHarness(
  options: {
    estate?: string | EstateSeed | EstateSeedInput;
    now?: () => Date;
    throttling?: EstateSeedInput["throttling"];
    /** The clients' pacing (default: as in production). */
    pacing?: PacingOptions | false;
  } = {},
): Promise<AzureHarness> {
  const seed = typeof options.estate === "string" || options.estate === undefined ? loadEstate(options.estate ?? "demo") : options.estate;
  const estate = parseEstate({ ...seed, throttling: options.throttling ?? false });
  const sim = await startSimulator({ estate, tls: testSimulatorTls(), ...(options.now ? { now: options.now } : {}) });
  const clients = createAzureClients({
    credential: { getToken: async () => ({ token: "harness-token", expiresOnTimestamp: Date.now() + 3_600_000 }) },
    cloud: "AzureCloud",
    armEndpoint: sim.url,
    pacing: options.pacing,
  });
  const kuduUrl = `${sim.url}/kudu/{app}`;
  return {
    sim,
    clients,
    reader: createAzureReader(clients),
    writer: createAzureWriter(clients),
    kudu: createKuduRunner(clients, kuduUrl),
    subscriptions: estate.subscriptions.map((s) => s.id),
    kuduUrl,
    close: () => sim.close(),
  };
}
