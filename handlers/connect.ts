/** /vnet connect APP VNET: connect an app to a VNet through the VNet's VPN gateway (approval). */
import { defineCommand } from "../src/core/command.ts";
import { resolveApp, resolveVnet } from "../src/core/resolve.ts";
import { resolveDeps } from "./change-targets.ts";

/** The connect command. */
export const connect = defineCommand({
  name: "connect",
  summary: "Connect an app to a VNet (approval)",
  changesAzure: true,
  params: [{ name: "APP", kind: "app" }, { name: "VNET", kind: "vnet" }],
  async run(ctx, args) {
    const [app, vnet] = await Promise.all([resolveApp(resolveDeps(ctx), args["APP"]!), resolveVnet(resolveDeps(ctx), args["VNET"]!)]);
    return ctx.requestChange({ kind: "connect", appId: app.id, vnetId: vnet.id });
  },
});
