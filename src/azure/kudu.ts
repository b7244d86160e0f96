import type { AppInfo } from "../core/model.ts";
import type { KuduCommandResult, KuduRunner } from "../core/ports.ts";
import { BotError } from "../errors.ts";
import type { AzureClients } from "./clients.ts";
import { PERMISSIONS } from "./permissions.ts";
import { credentialFailure, isCredentialError } from "./credential-errors.ts";

interface CommandResultBody {
  Output?: string;
  Error?: string;
  ExitCode?: number;
}

function isCommandResult(body: unknown): body is CommandResultBody {
  return typeof body === "object" && body !== null && ("Output" in body || "Error" in body || "ExitCode" in body);
}

/** Why fetch failed, as a short code (ECONNREFUSED, ENOTFOUND, a TLS code) rather than undici's "fetch failed". */
function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === "string") return cause.code;
  if (typeof cause?.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs commands on an app's worker through Kudu's command API with the bot's Entra token (ARM audience). The base
 * URL is the app's SCM host, or the configured template (`{app}` placeholder, "app-slot" for a slot, as App Service
 * names a slot's hosts) for App Service Environments,
 * sovereign clouds and the simulator. An SCM site the bot cannot reach, or one that answers with something other
 * than a command result (a sign-in page), is "unavailable": diagnose then skips its live tests instead of failing.
 */
export function createKuduRunner(clients: AzureClients, kuduUrl?: string): KuduRunner {
  return {
    async runCommand(app, command, options = {}): Promise<KuduCommandResult> {
      const base = kuduUrl ? kuduUrl.replaceAll("{app}", app.name.replace("/", "-")) : app.scmHostName ? `https://${app.scmHostName}` : undefined;
      if (!base) throw new BotError("unavailable", `App ${app.name} has no Kudu (SCM) site, so the bot cannot run tests on its worker.`);
      if (/^stopped$/i.test(app.state)) throw stopped(app);
      const token = await clients.credential.getToken(clients.scope).catch((error: unknown) => {
        throw isCredentialError(error) ? credentialFailure(error) : error;
      });
      if (!token) throw new BotError("forbidden", "The bot could not get an Entra token for Kudu.");
      const url = `${base.replace(/\/$/, "")}/api/command`;
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
          body: JSON.stringify({ command, dir: "site\\wwwroot" }),
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (error) {
        if (options.signal?.aborted) throw error;
        throw new BotError("unavailable", `The bot could not reach Kudu of app ${app.name} at ${new URL(url).host} (${reasonOf(error)}).`, {
          hint: "Check that the app's SCM site is reachable from the bot: access restrictions, private endpoints and DNS apply to it too.",
        });
      }
      // A stopped app's SCM site answers 403 with App Service's "This web app is stopped" page
      // (Azure/azure-sdk-for-net#18842): the app may have been stopped since it was read.
      if (response.status === 403 && /web app is stopped/i.test(await response.clone().text().catch(() => ""))) throw stopped(app);
      if (response.status === 401 || response.status === 403) {
        const needs = PERMISSIONS[app.slot ? "kuduSlotCommand" : "kuduCommand"].join(" and ");
        throw new BotError("forbidden", `Kudu of app ${app.name} refused the bot: it needs ${needs} on the ${app.slot ? "slot" : "app"}.`, {
          hint: "Assign the vnetbot custom role (src/azure/vnetbot-role.json) at the app's scope.",
        });
      }
      if (!response.ok) throw new BotError("unavailable", `Kudu of app ${app.name} answered HTTP ${response.status}.`);
      const body: unknown = await response.json().catch((error: unknown) => {
        if (options.signal?.aborted) throw error;
        return undefined;
      });
      if (!isCommandResult(body)) {
        throw new BotError("unavailable", `Kudu of app ${app.name} did not answer with a command result (${response.headers.get("content-type") ?? "no content type"}).`, {
          hint: "The SCM site may be sending the bot to a sign-in page; check that it accepts Entra tokens.",
        });
      }
      return { output: body.Output ?? "", error: body.Error ?? "", exitCode: body.ExitCode ?? -1 };
    },
  };
}

function stopped(app: AppInfo): BotError {
  return new BotError("unavailable", `App ${app.name} is stopped, so it has no worker to run the test on (a stopped app makes no outbound connections either).`, {
    hint: `Start it (portal, or az webapp start${app.slot ? ` --slot ${app.slot}` : ""}) and test again.`,
  });
}
