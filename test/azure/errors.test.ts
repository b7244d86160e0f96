import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Secret } from "../../src/core/secret.ts";
import { BotError } from "../../src/errors.ts";
import { createLogger } from "../../src/log.ts";
import { startAzureHarness, type AzureHarness } from "../support/azure-harness.ts";
import { NOW, adapterEstate, at } from "./estate.ts";

let h: AzureHarness;
beforeAll(async () => {
  h = await startAzureHarness({ estate: adapterEstate(), now: () => NOW });
});
afterAll(() => h.close());
beforeEach(() => h.sim.faults.clear());

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

const APP_PATH = "/sites/app-a";
const countOf = (path: string) => h.sim.requests.filter((r) => r.path.endsWith(path)).length;

describe("Azure failures become BotErrors a user can act on", () => {
  it.each([
    [403, "AuthorizationFailed", "forbidden", /lacks|needs.*Microsoft\.Web\/sites\/read/],
    [404, "ResourceNotFound", "not-found", /app-a/],
    [409, "Conflict", "conflict", /Azure refused this on .*app-a.* with a conflict: Azure says no\./],
    [409, "Conflict", "conflict", /with a conflict: Subnet snet-a is in use by another plan\. Please remove it first\./, "Subnet snet-a is in use by another plan. Please remove it first."],
    [409, "AnotherOperationInProgress", "throttled", /busy with another operation on .*app-a.*try again in a minute/i],
    [429, "TooManyRequests", "throttled", /busy with another operation on .*app-a.*try again in a minute/i],
    [429, "SubscriptionRequestsThrottled", "throttled", /throttling the bot's requests to the subscription of .*app-a.*try again in a minute/i],
    [409, "MissingSubscriptionRegistration", "unavailable", /not registered for a resource provider the bot needs: Azure says no\./],
  ])("HTTP %i (%s) on a read → %s", async (status, code, kind, message, azureSays = "Azure says no.") => {
    h.sim.faults.add({ method: "GET", path: APP_PATH, status, code, message: azureSays });

    const error = await failureOf(h.reader.getApp(at.app("app-a")));

    expect(error).toBeInstanceOf(BotError);
    expect((error as BotError).kind).toBe(kind);
    expect(error.message).toMatch(message);
    expect((error as BotError).hint).toBeTruthy();
    expect((error as BotError).azureRequestId).toMatch(/^[0-9a-f-]{36}$/i);
  });

  it("reads App Service's 409 Conflict about another operation as busy, and says to try again", async () => {
    h.sim.faults.add({ method: "GET", path: APP_PATH, status: 409, code: "Conflict", message: "Cannot modify this site because another operation is in progress. Details: Id: 5f0c, OperationName: Update, EntityType: 3" });

    const error = await failureOf(h.reader.getApp(at.app("app-a")));

    expect((error as BotError).kind).toBe("throttled");
    expect(error.message).toMatch(/busy with another operation on .*app-a.*try again in a minute/i);
  });

  it("gives up at once on a 429 without Retry-After (the SDK does not retry it)", async () => {
    h.sim.faults.add({ method: "GET", path: APP_PATH, status: 429, code: "TooManyRequests" });
    const before = countOf(APP_PATH);

    const error = await failureOf(h.reader.getApp(at.app("app-a")));

    expect((error as BotError).kind).toBe("throttled");
    expect(countOf(APP_PATH) - before).toBe(1);
  });

  it("lets the SDK wait out a 429 with Retry-After and succeeds when Azure recovers", async () => {
    h.sim.faults.add({ method: "GET", path: APP_PATH, retryAfterSeconds: 0, times: 2 });
    const before = countOf(APP_PATH);

    const app = await h.reader.getApp(at.app("app-a"));

    expect(app.name).toBe("app-a");
    expect(countOf(APP_PATH) - before).toBe(3);
  });

  it("says a management lock refuses a change, naming the locked scope and how to find the lock, never \"busy\"", async () => {
    const locked = "/subscriptions/6f1c2b7e-0d4a-4c1e-9a55-3c2d1e0f9a01/resourceGroups/rg-net";
    h.sim.faults.add({ method: "PUT", path: "/virtualNetworkConnections/vnet-hub", status: 409, code: "ScopeLocked", message: `The scope '/subscriptions/x/y' cannot perform write operation because following scope(s) are locked: '${locked}','${locked}/providers/Microsoft.Network/virtualNetworks/vnet-hub'. Please remove the lock and try again.` });

    const error = await failureOf(h.writer.putAppVnetConnection(at.app("app-b"), at.vnet("vnet-hub")));

    expect((error as BotError).kind).toBe("forbidden");
    expect(error.message).toMatch(/^A management lock on resource group rg-net and VNet vnet-hub \(resource group rg-net\) refuses this change of .*app-b/);
    expect((error as BotError).hint).toContain("`az lock list --resource-group rg-net` names it");
    expect(error.message + (error as BotError).hint).not.toMatch(/busy|in a minute/);
  });

  it("shows Azure's own words for a lock refusal it cannot read", async () => {
    h.sim.faults.add({ method: "PUT", path: "/virtualNetworkConnections/vnet-hub", status: 409, code: "ScopeLocked", message: "Locked by policy." });

    const error = await failureOf(h.writer.putAppVnetConnection(at.app("app-b"), at.vnet("vnet-hub")));

    expect(error.message).toMatch(/^A management lock refuses this on .*app-b.*: Locked by policy\.$/);
    expect((error as BotError).hint).toContain("`az lock list --resource-group <group>` names it");
  });

  it("names the write permission a 403 on connect lacks", async () => {
    h.sim.faults.add({ method: "PUT", path: "/virtualNetworkConnections/vnet-hub", status: 403, code: "AuthorizationFailed" });

    const error = await failureOf(h.writer.putAppVnetConnection(at.app("app-b"), at.vnet("vnet-hub")));

    expect((error as BotError).kind).toBe("forbidden");
    expect(error.message).toContain("Microsoft.Web/sites/virtualNetworkConnections/write");
  });

  it("shows Azure's own reason for a 400 on a write", async () => {
    h.sim.faults.add({ method: "PUT", path: "/routes/bad", status: 400, code: "BadRequest", message: "The start address 10.20.0.0/99 is not valid." });
    const route = { name: "bad", startAddress: "10.20.0.0/99", endAddress: undefined, routeType: "STATIC" };

    const error = await failureOf(h.writer.putPlanRoute(at.plan("plan-std"), "vnet-hub", route));

    expect(error).toBeInstanceOf(BotError);
    expect(["ineligible", "conflict"]).toContain((error as BotError).kind);
    expect(error.message).toContain("The start address 10.20.0.0/99 is not valid.");
  });

  it("reports a gateway operation that ended Failed with Azure's reason", async () => {
    h.sim.faults.add({ method: "POST", path: "/generatevpnclientpackage", failOperation: true, code: "VpnClientPackageGenerationFailed", message: "The package could not be generated." });

    const error = await failureOf(h.writer.generateVpnPackage(at.gateway("gw-hub")));

    expect(error).toBeInstanceOf(BotError);
    expect((error as BotError).kind).toBe("unavailable");
    expect(error.message).toMatch(/gw-hub/);
    expect(error.message).toMatch(/could not be generated|VpnClientPackageGenerationFailed/);
  });

  it("redacts a SAS token in the reason of an operation that ended Failed", async () => {
    h.sim.faults.add({ method: "POST", path: "/generatevpnclientpackage", failOperation: true, code: "InternalServerError", message: "Upload to https://x.blob.core.windows.net/p/package.zip?sv=2020-08-04&sig=abcdSECRET failed." });

    const error = await failureOf(h.writer.generateVpnPackage(at.gateway("gw-hub")));

    expect(error.message).toContain("InternalServerError");
    expect(error.message).not.toContain("abcdSECRET");
  });

  it("says what Azure answered to a server error, with its code, not that something went wrong", async () => {
    h.sim.faults.add({ method: "GET", path: APP_PATH, status: 501, code: "NotImplemented", message: "Not here." });

    const error = await failureOf(h.reader.getApp(at.app("app-a")));

    expect(error).toBeInstanceOf(BotError);
    expect((error as BotError).kind).toBe("unavailable");
    expect((error as BotError).message).toContain("Azure answered HTTP 501 NotImplemented while working on app rg-web/app-a: Not here.");
    expect((error as BotError).hint).toContain("an error on Azure's side");
  });

  it("leaves answers it cannot explain internal (no BotError), so the Slack layer shows a reference id", async () => {
    h.sim.faults.add({ method: "GET", path: APP_PATH, status: 418, code: "Teapot", message: "Short and stout." });

    const error = await failureOf(h.reader.getApp(at.app("app-a")));

    expect(error).not.toBeInstanceOf(BotError);
  });
});

describe("the VPN package URL stays secret when Azure fails", () => {
  const uri = "https://pkg.example/vpnclientpackage/gw/abc.zip?sv=2024-08-04&sr=b&sp=r&sig=TOPSECRETSIGNATURE";

  it.each([
    [400, "BadRequest", "Request failed."],
    [400, "InvalidVpnPackageUri", `The package ${uri} cannot be downloaded.`],
    [403, "AuthorizationFailed", "Request failed."],
    [501, "NotImplemented", "Request failed."],
    [501, "NotImplemented", `Cannot fetch ${uri}.`],
  ])("keeps it out of the error, its inspection and the log after HTTP %i %s", async (status, code, message) => {
    h.sim.faults.add({ method: "PUT", path: "/gateways/primary", status, code, message });
    const lines: string[] = [];
    const logger = createLogger({ sink: (l) => lines.push(l) });

    const error = await failureOf(h.writer.putAppVnetGateway(at.app("app-a"), "vnet-hub", new Secret(uri)));
    logger.error("change failed", { error: error.message, detail: inspect(error, { depth: 10 }) });

    for (const text of [error.message, String((error as BotError).hint ?? ""), inspect(error, { depth: 10 }), JSON.stringify(error), ...lines]) {
      expect(text).not.toContain("TOPSECRETSIGNATURE");
    }
  });
});

describe("App Service's refusals of gateway-required integration in either casing", () => {
  // Every public capture of App Service's errors is PascalCase (azure-docs#43302), which the SDK cannot read; the
  // simulator answers camelCase by default. Either way the user must see App Service's reason.
  it.each(["camelCase", "PascalCase"] as const)("shows App Service's reason when it answers in %s", async (casing) => {
    const own = await startAzureHarness({ estate: { ...adapterEstate(), appServiceErrorCasing: casing }, now: () => NOW });
    try {
      const error = await failureOf(own.writer.putAppVnetConnection(at.app("app-linux"), at.vnet("vnet-hub")));

      expect(error).toBeInstanceOf(BotError);
      expect(error.message).toContain("Azure refused this on app rg-web/app-linux: Gateway-required virtual network integration is not supported for Linux apps (app-linux).");
    } finally {
      await own.close();
    }
  });
});
