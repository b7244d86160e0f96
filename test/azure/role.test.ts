import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { requiredActions } from "../../src/azure/index.ts";
import { PERMISSIONS } from "../../src/azure/permissions.ts";
import { CHANGE_KINDS } from "../../src/core/changes/registry.ts";

const role = JSON.parse(readFileSync(new URL("../../src/azure/vnetbot-role.json", import.meta.url), "utf8")) as {
  Name: string;
  Description: string;
  Actions: string[];
  NotActions: string[];
  AssignableScopes: string[];
};

describe("the vnetbot custom role", () => {
  it("grants exactly the actions of the permission table, so a 403 always names an action the role has", () => {
    expect([...role.Actions].sort()).toEqual(requiredActions());
  });

  it("names the actions of every operation a change kind declares", () => {
    const declared = [...new Set(CHANGE_KINDS.flatMap((kind) => [...kind.operations]))];

    expect(declared.filter((operation) => !(operation in PERMISSIONS))).toEqual([]);
  });

  it("includes Resource Health reads and Kudu publish for diagnostics", () => {
    expect(role.Actions).toContain("Microsoft.ResourceHealth/availabilityStatuses/read");
    expect(role.Actions).toContain("Microsoft.Web/sites/publish/Action");
  });

  it("lets network changes follow their long-running operations, which ARM reports at subscription scope", () => {
    expect(role.Actions).toEqual(expect.arrayContaining(["Microsoft.Network/locations/operations/read", "Microsoft.Network/locations/operationResults/read"]));
  });

  it("stays least-privilege: no wildcards, no deletes beyond integrations and routes", () => {
    expect(role.Actions.filter((a) => a.includes("*"))).toEqual([]);
    expect(role.Actions.filter((a) => a.endsWith("/delete")).sort()).toEqual([
      "Microsoft.Web/serverfarms/virtualNetworkConnections/routes/delete",
      "Microsoft.Web/sites/networkConfig/delete",
      "Microsoft.Web/sites/slots/networkConfig/delete",
      "Microsoft.Web/sites/slots/virtualNetworkConnections/delete",
      "Microsoft.Web/sites/virtualNetworkConnections/delete",
    ]);
  });

  it("is a valid role definition with a placeholder scope to replace", () => {
    expect(role.Name).toBe("vnetbot");
    expect(role.Description.length).toBeGreaterThan(20);
    expect(role.NotActions).toEqual([]);
    expect(role.AssignableScopes).toEqual(["/subscriptions/00000000-0000-0000-0000-000000000000"]);
  });
});
