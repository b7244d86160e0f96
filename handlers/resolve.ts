/** /vnet resolve APP HOST: a DNS lookup from the app's worker, through the DNS servers of its VNet. */
import { defineCommand } from "../src/core/command.ts";
import { resolveFromApp } from "../src/core/diagnose/diagnose.ts";
import { diagnoseDeps, liveTestReply } from "./diagnose.ts";

export const resolve = defineCommand({
  name: "resolve",
  summary: "Look a name up from the app's worker, through its VNet's DNS",
  changesAzure: false,
  params: [{ name: "APP", kind: "app" }, { name: "HOST", kind: "host-name" }],
  async run(ctx, args) {
    const report = await resolveFromApp(diagnoseDeps(ctx), args.ref("APP"), args.text("HOST"), { signal: ctx.signal });
    return liveTestReply(report, `DNS lookup from ${report.appName}`);
  },
});
