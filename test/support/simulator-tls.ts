import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The run's shared simulator TLS material (written by global-setup.ts; its CA is in NODE_EXTRA_CA_CERTS). */
export function testSimulatorTls(): { key: string; cert: string; caPem: string } {
  const dir = process.env["VNETBOT_TEST_SIM_TLS"];
  if (!dir) throw new Error("VNETBOT_TEST_SIM_TLS is not set: run the tests through vitest (test/support/global-setup.ts sets it).");
  const read = (name: string) => readFileSync(join(dir, name), "utf8");
  return { key: read("key.pem"), cert: read("cert.pem"), caPem: read("ca.pem") };
}
