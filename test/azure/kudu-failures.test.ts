import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAzureClients, createKuduRunner } from "../../src/azure/index.ts";
import type { AppInfo } from "../../src/core/model.ts";
import { BotError } from "../../src/errors.ts";
import { startAzureHarness, type AzureHarness } from "../support/azure-harness.ts";
import { NOW, demo } from "../support/demo-estate.ts";

// How the Kudu runner fails, against the simulator's Kudu command API and, for what the simulator cannot do (a closed
// port, an HTML sign-in page), a bare local server. Diagnose turns a BotError into "live tests skipped" with the
// reason; anything else would end the whole diagnosis as an internal error. The happy path is in kudu.test.ts.
let h: AzureHarness;
let ordersApi: AppInfo;
beforeAll(async () => {
  h = await startAzureHarness({ estate: "demo", now: () => NOW });
  ordersApi = await h.reader.getApp(demo.app("orders-api"));
});
afterAll(() => h.close());
beforeEach(() => h.sim.faults.clear());

const clients = createAzureClients({
  credential: { getToken: async () => ({ token: "kudu-test-token", expiresOnTimestamp: Date.now() + 3_600_000 }) },
  cloud: "AzureCloud",
});
const commandRequests = () => h.sim.requests.filter((r) => r.method === "POST" && r.path.endsWith("/api/command"));

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the command to fail");
}

/** A local HTTP server answering every request with the given reply (a stand-in for an SCM site's front door). */
async function startStandIn(reply: { status: number; contentType: string; body: string }): Promise<{ url: string; server: Server }> {
  const server = createHttpServer((_req, res) => res.writeHead(reply.status, { "content-type": reply.contentType }).end(reply.body));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("Kudu failures diagnose can report", () => {
  it("rejects at once with the abort, without calling Kudu, when the command's signal is already aborted", async () => {
    const before = commandRequests().length;

    const error = await failureOf(h.kudu.runCommand(ordersApi, "tcpping.exe sql-orders.contoso.internal 1433", { signal: AbortSignal.abort() }));

    expect(error).toMatchObject({ name: "AbortError" });
    expect(error).not.toBeInstanceOf(BotError);
    expect(commandRequests().length).toBe(before);
  });

  it("names the publish permission when Kudu does not accept the bot's token (401)", async () => {
    h.sim.faults.add({ method: "POST", path: "/api/command", status: 401, code: "Unauthorized" });

    const error = await failureOf(h.kudu.runCommand(ordersApi, "tcpping.exe 10.10.1.4 1433"));

    expect(error).toBeInstanceOf(BotError);
    expect(error).toMatchObject({ kind: "forbidden", message: expect.stringContaining("Microsoft.Web/sites/publish/Action") });
  });

  it("is unavailable with the HTTP status when the Kudu host does not know the app", async () => {
    const error = await failureOf(h.kudu.runCommand({ ...ordersApi, name: "no-such-app" }, "tcpping.exe 10.10.1.4 1433"));

    expect(error).toMatchObject({ kind: "unavailable", message: "Kudu of app no-such-app answered HTTP 404." });
  });

  it("is unavailable, naming the host, when the SCM site cannot be reached", async () => {
    const closed = await startStandIn({ status: 200, contentType: "text/plain", body: "" });
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    const runner = createKuduRunner(clients, `${closed.url}/kudu/{app}`);

    const error = await failureOf(runner.runCommand(ordersApi, "tcpping.exe 10.10.1.4 1433"));

    expect(error).toBeInstanceOf(BotError);
    expect(error).toMatchObject({ kind: "unavailable", message: expect.stringContaining(`${new URL(closed.url).host} (ECONNREFUSED)`) });
  });

  it("is unavailable when the SCM site answers with a sign-in page instead of a command result", async () => {
    const signIn = await startStandIn({ status: 200, contentType: "text/html", body: "<html><title>Sign in to your account</title></html>" });
    const runner = createKuduRunner(clients, `${signIn.url}/kudu/{app}`);

    const error = await failureOf(runner.runCommand(ordersApi, "tcpping.exe 10.10.1.4 1433")).finally(() => signIn.server.close());

    expect(error).toBeInstanceOf(BotError);
    expect(error).toMatchObject({ kind: "unavailable", message: expect.stringContaining("did not answer with a command result (text/html)") });
  });
});
