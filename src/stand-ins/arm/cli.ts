/** `npm run simulator -- --estate demo --port 8443 [--host 127.0.0.1] [--ca-file PATH]`: runs the ARM simulator. */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadEstate, startSimulator } from "./index.ts";

const USAGE = "Usage: npm run simulator -- [--estate demo|FILE] [--port 8443] [--host 127.0.0.1] [--ca-file PATH]";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      estate: { type: "string", default: "demo" },
      port: { type: "string", default: "8443" },
      host: { type: "string", default: "127.0.0.1" },
      "ca-file": { type: "string", default: join(tmpdir(), "vnetbot-simulator-ca.pem") },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number (0-65535), not "${values.port}".\n${USAGE}`);
  const sim = await startSimulator({ estate: loadEstate(values.estate), port, host: values.host });
  writeFileSync(values["ca-file"], sim.caPem);
  console.log(`ARM simulator (estate "${values.estate}") listening on ${sim.url}`);
  console.log(`CA certificate written to ${values["ca-file"]}`);
  console.log(`Point the bot at it:  AZURE_ARM_ENDPOINT=${sim.url} NODE_EXTRA_CA_CERTS=${values["ca-file"]} npm start`);
  console.log("(If NODE_EXTRA_CA_CERTS is already set, give a bundle file holding both CAs.) Ctrl+C stops it.");
  const stop = () => void sim.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
