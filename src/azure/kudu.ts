import type { KuduCommandResult, KuduRunner } from "../core/ports.ts";
import { BotError } from "../errors.ts";
import type { AzureClients } from "./clients.ts";

/**
 * Runs commands on an app's worker through Kudu's command API with the bot's Entra token (ARM audience). The base
 * URL is the app's SCM host, or the configured template (`{app}` placeholder) for App Service Environments,
 * sovereign clouds and the simulator.
 */
export function createKuduRunner(clients: AzureClients, kuduUrl?: string): KuduRunner {
  return {
    async runCommand(app, command, options = {}): Promise<KuduCommandResult> {
      const base = kuduUrl ? kuduUrl.replaceAll("{app}", app.name) : app.scmHostName ? `https://${app.scmHostName}` : undefined;
      if (!base) throw new BotError("unavailable", `App ${app.name} has no Kudu (SCM) site, so the bot cannot run tests on its worker.`);
      const token = await clients.credential.getToken(clients.scope);
      if (!token) throw new BotError("forbidden", "The bot could not get an Entra token for Kudu.");
      const response = await fetch(`${base.replace(/\/$/, "")}/api/command`, {
        method: "POST",
        headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
        body: JSON.stringify({ command, dir: "site\\wwwroot" }),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (response.status === 401 || response.status === 403) {
        throw new BotError("forbidden", `Kudu of app ${app.name} refused the bot: it needs Microsoft.Web/sites/publish/Action on the app.`, {
          hint: "Assign the vnetbot custom role (src/azure/vnetbot-role.json) at the app's scope.",
        });
      }
      if (!response.ok) throw new BotError("unavailable", `Kudu of app ${app.name} answered HTTP ${response.status}.`);
      const body = (await response.json()) as { Output?: string; Error?: string; ExitCode?: number };
      return { output: body.Output ?? "", error: body.Error ?? "", exitCode: body.ExitCode ?? -1 };
    },
  };
}
