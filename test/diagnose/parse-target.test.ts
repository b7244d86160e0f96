import { describe, expect, it } from "vitest";
import { parseTarget } from "../../src/core/diagnose/parse-target.ts";
import { BotError } from "../../src/errors.ts";

describe("parseTarget", () => {
  it.each([
    ["sql.contoso.internal:1433", { host: "sql.contoso.internal", port: 1433, ip: undefined }],
    ["SQL.Contoso.Internal", { host: "sql.contoso.internal", port: undefined, ip: undefined }],
    ["10.10.1.4:443", { host: "10.10.1.4", port: 443, ip: "10.10.1.4" }],
    [" 10.10.1.4 ", { host: "10.10.1.4", port: undefined, ip: "10.10.1.4" }],
    ["db_1.corp:5432", { host: "db_1.corp", port: 5432, ip: undefined }],
  ])("reads %s", (text, expected) => {
    expect(parseTarget(text)).toEqual(expected);
  });

  it.each([
    ["", /Name the host/],
    ["https://sql.contoso.internal", /is a URL/],
    ["fe80::1", /IPv6/],
    ["sql.contoso.internal:1433:5", /has more than one colon; give HOST or HOST:PORT/],
    ["10.10.1.4:1433:5", /has more than one colon/],
    ["sql:0", /port must be a number from 1 to 65535/],
    ["sql:70000", /port must be a number from 1 to 65535/],
    ["sql:https", /port must be a number/],
    ["10.10.1.256:80", /not an IPv4 address/],
    ["sql;del *", /not a valid host name/],
    ["-bad-.example", /not a valid host name/],
  ])("refuses %j with a usage message", (text, message) => {
    const attempt = () => parseTarget(text);

    expect(attempt).toThrow(BotError);
    expect(attempt).toThrow(message);
  });

  it("insists on a port when the caller needs one", () => {
    expect(() => parseTarget("sql.contoso.internal", { requirePort: true })).toThrow(/has no port/);
  });
});
