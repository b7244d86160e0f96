// vitest globalSetup: one CA + server certificate for every simulator in the run. The CA is added to
// NODE_EXTRA_CA_CERTS before the workers fork (they inherit the environment), so the real SDK clients connect over
// https with certificate checks on. Any CA bundle already configured (e.g. a TLS proxy's) is kept in the bundle.
// It also bundles what `npm start` runs (scripts/build.ts), as `npm start` does first: the tests that start the bot as
// production does run that bundle, built from the sources under test.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBundle } from "../../scripts/build.ts";
import { createServerTls } from "../../src/stand-ins/arm/tls.ts";

/** Creates the shared simulator TLS material; returns the teardown that deletes it. */
export default async function setup(): Promise<() => void> {
  await buildBundle();
  const dir = mkdtempSync(join(tmpdir(), "vnetbot-sim-tls-"));
  const tls = await createServerTls();
  writeFileSync(join(dir, "key.pem"), tls.key, { mode: 0o600 });
  writeFileSync(join(dir, "cert.pem"), tls.cert);
  writeFileSync(join(dir, "ca.pem"), tls.caPem);
  const existing = process.env["NODE_EXTRA_CA_CERTS"];
  const previous = existing && existsSync(existing) ? readFileSync(existing, "utf8").trimEnd() + "\n" : "";
  const bundle = join(dir, "ca-bundle.pem");
  writeFileSync(bundle, previous + tls.caPem);
  process.env["NODE_EXTRA_CA_CERTS"] = bundle;
  process.env["VNETBOT_TEST_SIM_TLS"] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
