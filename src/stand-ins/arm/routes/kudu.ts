/**
 * Kudu's command API, POST /kudu/{app}/api/command with `{command, dir}`: always HTTP 200 with
 * `{Output, Error, ExitCode}`. Answers tcpping, nameresolver and `cmd /c echo %WEBSITE_PRIVATE_IP%` from the estate.
 */
import { route, SimError, type Reply, type Route, type RouteContext } from "../http.ts";
import { dnsServersOf, resolveName, tcpConnect } from "../reachability.ts";
import type { SimApp } from "../state.ts";
import { siteHostLabel } from "../web-wire.ts";

const ATTEMPTS = 4;

function result(output: string, error = "", exitCode = 0): Reply {
  return { status: 200, body: { Output: output, Error: error, ExitCode: exitCode } };
}

function tcpping(ctx: RouteContext, app: SimApp, args: string[]): Reply {
  const [first, second] = args;
  if (!first) return result("", "Usage: tcpping.exe hostname[:port] [port]\r\n", 1);
  const [host, inlinePort] = first.includes(":") ? first.split(":") : [first, undefined];
  const port = Number(second ?? inlinePort ?? 80);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) return result("", `Invalid port: ${second ?? inlinePort}\r\n`, 1);
  const { outcome } = tcpConnect(ctx.state, app, host, port);
  if (outcome === "unknown-host") return result("", `Connection attempt failed: No such host is known (${host}).\r\n`, 1);
  const line =
    outcome === "connected"
      ? `Connected to ${host}:${port}, time taken: 31ms`
      : outcome === "refused"
        ? "Connection attempt failed: No connection could be made because the target machine actively refused it."
        : "Connection attempt failed: Connection timed out.";
  const ok = outcome === "connected";
  const summary = `Complete: ${ok ? ATTEMPTS : 0}/${ATTEMPTS} successful attempts (${ok ? 100 : 0}%). Average success time: ${ok ? "31" : "0"}ms`;
  return result(`${Array(ATTEMPTS).fill(line).join("\r\n")}\r\n${summary}\r\n`, "", ok ? 0 : 1);
}

function nameresolver(ctx: RouteContext, app: SimApp, args: string[]): Reply {
  const [name, server] = args;
  if (!name) return result("", "Usage: nameresolver.exe hostname [DNS server]\r\n", 1);
  const { server: used, result: answer } = resolveName(ctx.state, app, name, server ? [server] : dnsServersOf(ctx.state, app));
  if (answer === "timeout") return result(`Server: ${used}\r\n\r\n`, "DNS request timed out.\r\n", 1);
  if (answer === "nxdomain") return result(`Server: ${used}\r\n\r\n`, `*** Can't find ${name}: Non-existent domain\r\n`, 1);
  return result(`Server: ${used}\r\n\r\nNon-authoritative answer:\r\nName: ${name}\r\nAddresses: \r\n\t${answer.join("\r\n\t")}\r\n\r\n`);
}

function run(ctx: RouteContext, app: SimApp, command: string): Reply {
  const words = command.trim().split(/\s+/);
  const program = (words[0] ?? "").toLowerCase().replace(/\.exe$/, "");
  if (program === "tcpping") return tcpping(ctx, app, words.slice(1));
  if (program === "nameresolver") return nameresolver(ctx, app, words.slice(1));
  if (/^cmd(\.exe)?\s+\/c\s+echo\s+%WEBSITE_PRIVATE_IP%\s*$/i.test(command.trim())) {
    // An unset variable echoes back literally, as cmd does.
    return result(`${app.privateIp ?? "%WEBSITE_PRIVATE_IP%"}\r\n`);
  }
  return result("", `'${words[0]}' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n`, 1);
}

const STOPPED_PAGE = "<!DOCTYPE html><html><head><title>Web App - Unavailable</title></head><body><h1>Error 403 - This web app is stopped.</h1><p>The web app you have attempted to reach is currently stopped and does not accept any requests.</p></body></html>";

/** The Kudu route; the app is found by name, as its SCM host name would. */
export const kuduRoutes: Route[] = [
  route("POST", "/kudu/{app}/api/command", (ctx) => {
    // Kudu is addressed by the site's host label: "app", or "app-slot" for a slot.
    const app = ctx.state.apps.values().find((a) => siteHostLabel(a).toLowerCase() === ctx.params["app"]!.toLowerCase());
    if (!app) throw new SimError(404, "NotFound", `No app named ${ctx.params["app"]} has a Kudu site here.`);
    // The SCM site of a stopped app answers with App Service's HTML error page (Azure/azure-sdk-for-net#18842:
    // "Error 403 - This web app is stopped").
    if (app.state === "Stopped") return { status: 403, headers: { "content-type": "text/html" }, body: STOPPED_PAGE };
    const command = (ctx.body as { command?: unknown } | undefined)?.command;
    if (typeof command !== "string" || command.trim() === "") {
      throw new SimError(400, "BadRequest", 'The body must be JSON {"command": "...", "dir": "..."}.');
    }
    return run(ctx, app, command);
  }),
];
