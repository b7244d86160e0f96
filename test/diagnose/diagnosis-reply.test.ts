import { describe, expect, it } from "vitest";
import { check, type Diagnosis } from "../../src/core/diagnose/diagnosis.ts";
import { commandFor, diagnosisReply, summarize } from "../../src/core/diagnose/diagnosis-reply.ts";
import { ids } from "../../src/core/resource-id.ts";

const SUB = "3b6d2f4a-7c1e-4e9b-a0d5-5f2c8e1b9d10";
const planId = ids.plan(SUB, "rg-shop", "plan-shop");
const sync = { kind: "sync", planId, vnetName: "vnet-hub" } as const;

function diagnosis(checks: Diagnosis["checks"]): Diagnosis {
  return { appId: `${planId.split("/providers/")[0]}/providers/Microsoft.Web/sites/shop-api`, appName: "shop-api", vnetName: "vnet-hub", target: { host: "sql.shop.internal", port: 1433, ip: undefined }, resolved: undefined, checks, notes: [] };
}

describe("diagnosisReply", () => {
  it("summarises a clean run by counting its checks", () => {
    const clean = diagnosis([check("gateway-up", "pass", "The VNet's gateway is up", "Gateway gw-hub is up."), check("tcp-connect", "pass", "Connects", "tcpping connected.")]);

    expect(summarize(clean)).toBe("shop-api → vnet-hub → sql.shop.internal:1433: all 2 checks pass.");
  });

  it("leads with the failures and shows each fix with the command that makes it", () => {
    const broken = diagnosis([
      check("certificate-expiry", "warn", "Certificate valid for six months", "Expires in 40 days.", { fix: "Renew it." }),
      check("dns-servers", "fail", "DNS in sync", "VNet uses 10.10.0.4, app has 10.10.0.5.", { fix: "Sync network.", change: sync }),
    ]);

    const reply = diagnosisReply(broken);

    expect(reply.text).toBe('shop-api → vnet-hub → sql.shop.internal:1433: 1 failing, 1 to look at, starting with "DNS in sync".');
    const status = reply.parts.find((p) => p.kind === "status");
    expect(status?.kind === "status" ? status.lines[1] : "").toBe(":x: *DNS in sync*: VNet uses 10.10.0.4, app has 10.10.0.5.\n      _Fix:_ Sync network.\n      `/vnet sync plan-shop vnet-hub`");
  });

  it("offers one button per distinct change, however many checks it fixes", () => {
    const broken = diagnosis([
      check("certificate-on-gateway", "fail", "Cert on gateway", "Missing.", { fix: "Sync network.", change: sync }),
      check("dns-servers", "fail", "DNS in sync", "Drifted.", { fix: "Sync network.", change: sync }),
    ]);

    const offered: string[][] = [];
    const reply = diagnosisReply(broken, (c) => {
      offered.push(c.checks.map((check) => check.id));
      return { actionId: "vnet:approve", label: `Fix: ${commandFor(c.change)}`, value: "offer-1" };
    });

    const buttons = reply.parts.filter((p) => p.kind === "buttons").flatMap((p) => (p.kind === "buttons" ? p.buttons : []));
    expect(buttons.map((b) => b.label)).toEqual(["Fix: /vnet sync plan-shop vnet-hub"]);
    // The button stands for both: a click re-reads each before it files the sync.
    expect(offered).toEqual([["certificate-on-gateway", "dns-servers"]]);
  });
});

describe("commandFor", () => {
  it.each([
    [{ kind: "route-add", planId, vnetName: "vnet-hub", range: "10.20.0.0/16" } as const, "/vnet route add plan-shop vnet-hub 10.20.0.0/16"],
    [{ kind: "renew", appId: ids.app(SUB, "rg-shop", "shop-api"), vnetName: "vnet-hub" } as const, "/vnet renew shop-api"],
    [{ kind: "peer", planId, vnetId: ids.vnet(SUB, "rg-shop", "vnet-hub"), remoteVnetId: ids.vnet(SUB, "rg-shop", "vnet-spoke") } as const, "/vnet peer plan-shop vnet-hub vnet-spoke"],
  ])("types %j as %s", (change, command) => {
    expect(commandFor(change)).toBe(command);
  });
});
