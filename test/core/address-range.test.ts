import { describe, expect, it } from "vitest";
import {
  formatIpv4,
  formatRange,
  isPrivateRange,
  parseAddressRange,
  rangeContains,
  rangeOfRoute,
  rangesOverlap,
  routeAddresses,
  routeNameFor,
} from "../../src/core/address-range.ts";
import { BotError } from "../../src/errors.ts";

const r = (text: string) => parseAddressRange(text);

describe("parseAddressRange accepts", () => {
  it.each([
    ["a CIDR block", "10.1.0.0/16", "10.1.0.0", "10.1.255.255"],
    ["a /32 host", "192.168.1.7/32", "192.168.1.7", "192.168.1.7"],
    ["the whole space as /0", "0.0.0.0/0", "0.0.0.0", "255.255.255.255"],
    ["a START-END range", "10.1.0.0-10.1.0.255", "10.1.0.0", "10.1.0.255"],
    ["a range with spaces around the dash", " 10.1.0.5 - 10.1.0.9 ", "10.1.0.5", "10.1.0.9"],
    ["a single address", "172.16.0.1", "172.16.0.1", "172.16.0.1"],
  ])("%s (%s)", (_name, text, start, end) => {
    const range = r(text);

    expect([formatIpv4(range.start), formatIpv4(range.end)]).toEqual([start, end]);
  });
});

describe("parseAddressRange refuses with a message naming the problem", () => {
  it.each([
    ["an octet above 255", "10.256.0.0/16", /"256" is not a number from 0 to 255/],
    ["three octets", "10.1.0/16", /four numbers separated by dots/],
    ["a letter in an octet", "10.a.0.0", /"a" is not a number/],
    ["leading zeros", "10.01.0.0", /"01" is not a number/],
    ["a prefix above 32", "10.0.0.0/33", /prefix \/33 is larger than 32/],
    ["a missing prefix", "10.0.0.0/", /prefix after "\/" must be a number/],
    ["host bits set", "10.1.2.0/16", /host bits set.*Did you mean 10\.1\.0\.0\/16\?/],
    ["an end before the start", "10.1.0.9-10.1.0.1", /ends before it starts.*Swap them/],
    ["an empty text", "  ", /empty/],
  ])("%s (%s)", (_name, text, message) => {
    let caught: unknown;
    try {
      r(text);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(BotError);
    expect((caught as BotError).kind).toBe("usage");
    expect((caught as BotError).message).toMatch(message);
    expect((caught as BotError).hint).toMatch(/CIDR/);
  });
});

describe("containment and overlap", () => {
  it.each([
    ["a subnet inside its VNet", "10.0.0.0/16", "10.0.1.0/24", true],
    ["a range reaching past the end", "10.0.0.0/24", "10.0.0.128-10.0.1.5", false],
    ["a range equal to the outer one", "10.0.0.0/24", "10.0.0.0-10.0.0.255", true],
  ])("contains: %s", (_name, outer, inner, expected) => {
    expect(rangeContains(r(outer), r(inner))).toBe(expected);
  });

  it.each([
    ["ranges sharing one address", "10.0.0.0-10.0.0.10", "10.0.0.10-10.0.0.20", true],
    ["adjacent blocks", "10.0.0.0/24", "10.0.1.0/24", false],
    ["a block inside another", "10.0.0.0/8", "10.9.9.0/24", true],
  ])("overlaps: %s", (_name, a, b, expected) => {
    expect(rangesOverlap(r(a), r(b))).toBe(expected);
    expect(rangesOverlap(r(b), r(a))).toBe(expected);
  });
});

describe("isPrivateRange (RFC 1918)", () => {
  it.each([
    ["10/8", "10.200.0.0/24", true],
    ["172.16/12 at its top end", "172.31.255.0/24", true],
    ["192.168/16", "192.168.10.0/24", true],
    ["just above 172.16/12", "172.32.0.0/24", false],
    ["a public range", "20.1.0.0/24", false],
    ["a range straddling 10/8 and beyond", "10.255.255.0-11.0.0.10", false],
  ])("%s (%s)", (_name, text, expected) => {
    expect(isPrivateRange(r(text))).toBe(expected);
  });
});

describe("formatting and route names", () => {
  it.each([
    ["a CIDR block", "10.1.0.0-10.1.255.255", "10.1.0.0/16", "route-10-1-0-0-16", { startAddress: "10.1.0.0/16", endAddress: undefined }],
    ["an odd range", "10.1.0.5-10.1.0.9", "10.1.0.5-10.1.0.9", "route-10-1-0-5-to-10-1-0-9", { startAddress: "10.1.0.5", endAddress: "10.1.0.9" }],
  ])("%s", (_name, text, formatted, routeName, addresses) => {
    const range = r(text);

    expect(formatRange(range)).toBe(formatted);
    expect(routeNameFor(range)).toBe(routeName);
    expect(routeNameFor(range)).toMatch(/^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$/);
    expect(routeAddresses(range)).toEqual(addresses);
  });

  it("reads a plan route stored as start and end addresses or as CIDR", () => {
    expect(rangeOfRoute({ startAddress: "10.2.0.0/16", endAddress: undefined })).toEqual(r("10.2.0.0/16"));
    expect(rangeOfRoute({ startAddress: "10.2.0.0", endAddress: "10.2.0.255" })).toEqual(r("10.2.0.0/24"));
  });
});
