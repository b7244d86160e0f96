/** /vnet disconnect APP: remove the app's gateway-required integration (approval; the app restarts). */
import { defineCommand } from "../src/core/command.ts";
import { resolveApp } from "../src/core/resolve.ts";
import { connectedVnetOf, resolveDeps } from "./change-targets.ts";

/** The disconnect command. */
export const disconnect = defineCommand({
  name: "disconnect",
  summary: "Disconnect an app from its VNet (approval; the app restarts)",
  changesAzure: true,
  params: [{ name: "APP", kind: "app" }],
  async run(ctx, args) {
    const app = await resolveApp(resolveDeps(ctx), args["APP"]!);
    return ctx.requestChange({ kind: "disconnect", appId: app.id, vnetName: connectedVnetOf(app, "disconnect") });
  },
});
