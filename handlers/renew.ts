/** /vnet renew APP: reconnect the app for a new integration certificate (approval; the app restarts). */
import { defineCommand } from "../src/core/command.ts";
import { resolveApp } from "../src/core/resolve.ts";
import { connectedVnetOf, resolveDeps } from "./change-targets.ts";

/** The renew command. */
export const renew = defineCommand({
  name: "renew",
  summary: "Renew an app's integration certificate: disconnect and reconnect (approval; the app restarts)",
  changesAzure: true,
  params: [{ name: "APP", kind: "app" }],
  async run(ctx, args) {
    const app = await resolveApp(resolveDeps(ctx), args["APP"]!);
    return ctx.requestChange({ kind: "renew", appId: app.id, vnetName: connectedVnetOf(app, "renew") });
  },
});
