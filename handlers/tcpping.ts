/** /vnet tcpping APP HOST:PORT: a TCP test from the app's worker, under the integration's 21 s timeout. */
import { defineCommand } from "../src/core/command.ts";
import { tcppingFromApp } from "../src/core/diagnose/diagnose.ts";
import { parseTarget } from "../src/core/diagnose/parse-target.ts";
import { learnFromTcpTest } from "../src/core/migration/migration-records.ts";
import { diagnoseDeps, liveTestReply } from "./diagnose.ts";

export const tcpping = defineCommand({
  name: "tcpping",
  summary: "Test a TCP connection from the app's worker",
  changesAzure: false,
  params: [{ name: "APP", kind: "app" }, { name: "HOST", kind: "host-port" }],
  valueNames: { HOST: "HOST:PORT" },
  async run(ctx, args) {
    const report = await tcppingFromApp(diagnoseDeps(ctx), args.ref("APP"), args.text("HOST"), { signal: ctx.signal });
    // A target the app reached is one it must keep reaching: a migration tests it again afterwards.
    const target = parseTarget(args.text("HOST"), { requirePort: true });
    await learnFromTcpTest(ctx.migrations, report.appId, { host: target.host, port: target.port! }, report.check.status);
    return liveTestReply(report, `tcpping from ${report.appName}`);
  },
});
