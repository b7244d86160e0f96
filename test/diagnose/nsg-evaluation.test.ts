import { describe, expect, it } from "vitest";
import { evaluateInbound, matchesPort } from "../../src/core/diagnose/nsg-evaluation.ts";
import type { NsgInfo, NsgRule } from "../../src/core/model.ts";

const POOL = ["172.16.201.0/24"];

function rule(name: string, priority: number, access: "Allow" | "Deny", fields: Partial<NsgRule> = {}): NsgRule {
  return { name, priority, direction: "Inbound", access, protocol: "Tcp", sourcePrefixes: ["*"], destinationPrefixes: ["*"], destinationPorts: ["*"], isDefault: false, ...fields };
}

function nsg(...rules: NsgRule[]): NsgInfo {
  return { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-data", name: "nsg-data", rules };
}

const flow = (port: number) => ({ sourcePool: POOL, destinationIp: "10.10.1.4", port });

describe("evaluateInbound", () => {
  it("allows the pool through Azure's default AllowVnetInBound when there are no custom rules", () => {
    const verdict = evaluateInbound(nsg(), flow(1433));

    expect(verdict.allowed).toBe(true);
    expect(verdict.allowingRules.map((r) => r.name)).toEqual(["AllowVnetInBound"]);
  });

  it("names the deny rule that matches the port before any allow", () => {
    const verdict = evaluateInbound(nsg(rule("allow-sql", 300, "Allow", { destinationPorts: ["1433"] }), rule("deny-sql", 200, "Deny", { sourcePrefixes: ["172.16.201.0/24"], destinationPorts: ["1433"] })), flow(1433));

    expect(verdict.allowed).toBe(false);
    expect(verdict.blockingRule?.name).toBe("deny-sql");
    expect(verdict.blockedPart).toBe("172.16.201.0/24");
  });

  it("lets a higher-priority allow win over a later deny", () => {
    const verdict = evaluateInbound(nsg(rule("allow-sql", 100, "Allow", { sourcePrefixes: ["172.16.0.0/12"], destinationPorts: ["1433"] }), rule("deny-all", 200, "Deny")), flow(1433));

    expect(verdict.allowed).toBe(true);
    expect(verdict.allowingRules.map((r) => r.name)).toEqual(["allow-sql"]);
  });

  it("counts an allow for half the pool as blocked when a later deny catches the other half", () => {
    const verdict = evaluateInbound(nsg(rule("allow-half", 100, "Allow", { sourcePrefixes: ["172.16.201.0/25"] }), rule("deny-all", 200, "Deny")), flow(443));

    expect(verdict.allowed).toBe(false);
    expect(verdict.blockingRule?.name).toBe("deny-all");
    expect(verdict.blockedPart).toBe("172.16.201.128/25");
  });

  it("ignores rules for other ports, protocols, directions and destinations", () => {
    const verdict = evaluateInbound(
      nsg(
        rule("deny-redis", 100, "Deny", { destinationPorts: ["6380"] }),
        rule("deny-udp", 110, "Deny", { protocol: "Udp" }),
        rule("deny-out", 120, "Deny", { direction: "Outbound" }),
        rule("deny-other-subnet", 130, "Deny", { destinationPrefixes: ["10.10.2.0/24"] }),
        rule("deny-lb", 140, "Deny", { sourcePrefixes: ["AzureLoadBalancer"] }),
      ),
      flow(1433),
    );

    expect(verdict.allowed).toBe(true);
  });

  it("blocks with the default DenyAllInBound when the reader returned the defaults and VirtualNetwork is narrowed away", () => {
    const defaults = [
      rule("AllowVnetInBound", 65000, "Allow", { protocol: "*", sourcePrefixes: ["10.0.0.0/8"], destinationPrefixes: ["VirtualNetwork"], isDefault: true }),
      rule("DenyAllInBound", 65500, "Deny", { protocol: "*", isDefault: true }),
    ];

    const verdict = evaluateInbound(nsg(...defaults), flow(1433));

    expect(verdict.blockingRule?.name).toBe("DenyAllInBound");
  });
});

describe("matchesPort", () => {
  it.each([
    [["*"], 1433, true],
    [["1433"], 1433, true],
    [["1000-2000"], 1433, true],
    [["80", "443"], 1433, false],
    [["1434-2000"], 1433, false],
  ])("%j includes %i: %s", (ranges, port, expected) => {
    expect(matchesPort(ranges, port)).toBe(expected);
  });
});
