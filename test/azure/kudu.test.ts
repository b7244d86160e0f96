import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAzureClients, createKuduRunner } from "../../src/azure/index.ts";
import type { AppInfo } from "../../src/core/model.ts";
import { BotError } from "../../src/errors.ts";
import { startAzureHarness, type AzureHarness } from "../support/azure-harness.ts";
import { NOW, adapterEstate, at } from "./estate.ts";

let h: AzureHarness;
let app: AppInfo;
beforeAll(async () => {
  h = await startAzureHarness({ estate: adapterEstate(), now: () => NOW });
  app = await h.reader.getApp(at.app("app-a"));
});
afterAll(() => h.close());
beforeEach(() => h.sim.faults.clear());

const kuduRequests = () => h.sim.requests.filter((r) => r.path.endsWith("/api/command"));

describe("KuduRunner", () => {
  it("posts the command to the app's Kudu with the bot's bearer token and parses Kudu's answer", async () => {
    const before = kuduRequests().length;

    const result = await h.kudu.runCommand(app, "tcpping.exe sql.contoso.internal 1433");

    const sent = kuduRequests().slice(before);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /kudu/app-a/api/command"]);
    expect(sent[0]?.body).toEqual({ command: "tcpping.exe sql.contoso.internal 1433", dir: "site\\wwwroot" });
    expect(sent[0]?.headers["authorization"]).toBe("Bearer harness-token");
    expect(result.exitCode).toBe(0);
    expect(result.output).toMatch(/Connected to sql\.contoso\.internal:1433/);
    expect(result.error).toBe("");
  });

  it("passes a failing command's exit code and error text through", async () => {
    const result = await h.kudu.runCommand(app, "nameresolver.exe nowhere.contoso.internal");

    expect(result.exitCode).not.toBe(0);
    expect(result.error).toMatch(/Can't find nowhere\.contoso\.internal/);
  });

  it("uses https://{scmHostName} when no Kudu URL template is configured", async () => {
    const clients = createAzureClients({ credential: { getToken: async () => ({ token: "other-token", expiresOnTimestamp: Date.now() + 60_000 }) }, cloud: "AzureCloud", armEndpoint: h.sim.url });
    const runner = createKuduRunner(clients);
    const scmHostName = `${new URL(h.sim.url).host}/kudu/app-a`;

    const result = await runner.runCommand({ ...app, scmHostName }, "cmd /c echo %WEBSITE_PRIVATE_IP%");

    expect(result.output.trim()).toMatch(/^172\.16\.201\.\d+$/);
    expect(kuduRequests().at(-1)?.headers["authorization"]).toBe("Bearer other-token");
  });

  it("says an app stopped since it was read is stopped, from the 403 page its SCM site answers, not that the bot lacks a role", async () => {
    const sim = h.sim.state.apps.named("app-a");
    sim.state = "Stopped";
    try {
      const attempt = h.kudu.runCommand(app, "tcpping.exe sql.contoso.internal 1433");

      await expect(attempt).rejects.toMatchObject({ kind: "unavailable", message: expect.stringContaining("App app-a is stopped, so it has no worker to run the test on"), hint: expect.stringContaining("az webapp start") });
    } finally {
      sim.state = "Running";
    }
  });

  it("says an app read as stopped is stopped without calling its Kudu", async () => {
    const before = kuduRequests().length;

    const attempt = h.kudu.runCommand({ ...app, state: "Stopped" }, "tcpping.exe sql.contoso.internal 1433");

    await expect(attempt).rejects.toThrow(/App app-a is stopped/);
    expect(kuduRequests().length).toBe(before);
  });

  it("refuses an app without a Kudu site before calling anything", async () => {
    const clients = createAzureClients({ credential: { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 60_000 }) }, cloud: "AzureCloud", armEndpoint: h.sim.url });
    const before = kuduRequests().length;

    const attempt = createKuduRunner(clients).runCommand({ ...app, scmHostName: undefined }, "tcpping.exe sql 1433");

    await expect(attempt).rejects.toBeInstanceOf(BotError);
    await expect(attempt).rejects.toThrow(/app-a has no Kudu/);
    expect(kuduRequests().length).toBe(before);
  });

  it("names the publish permission when Kudu refuses the bot", async () => {
    h.sim.faults.add({ method: "POST", path: "/api/command", status: 403, code: "Forbidden" });

    const attempt = h.kudu.runCommand(app, "tcpping.exe sql.contoso.internal 1433");

    await expect(attempt).rejects.toMatchObject({ kind: "forbidden", message: expect.stringContaining("Microsoft.Web/sites/publish/Action") });
  });

  it("never puts the token into what it throws", async () => {
    h.sim.faults.add({ method: "POST", path: "/api/command", status: 500, code: "InternalServerError" });

    const error = (await h.kudu.runCommand(app, "tcpping.exe sql.contoso.internal 1433").catch((e: unknown) => e)) as Error;

    expect(error).toBeInstanceOf(Error);
    expect(`${error.message} ${String((error as BotError).hint)}`).not.toContain("harness-token");
  });

  it("gives up when the caller's deadline passes, without waiting for Kudu", async () => {
    // Kudu answers only after 20 s, long past the test's own timeout: a runner that waited would fail the test.
    h.sim.faults.add({ method: "POST", path: "/api/command", delayMs: 20_000 });

    const attempt = h.kudu.runCommand(app, "tcpping.exe sql.contoso.internal 1433", { signal: AbortSignal.timeout(100) });

    await expect(attempt).rejects.toThrow();
  });
});
