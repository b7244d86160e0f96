import { describe, expect, it } from "vitest";
import { parseNameresolver, parsePrivateIp, parseTcpping } from "../../src/core/diagnose/kudu-output.ts";

const result = (output: string, error = "", exitCode = 0) => ({ output, error, exitCode });

describe("parseTcpping", () => {
  it.each([
    ["the summary of a success", result("Connected to sql:1433, time taken: 31ms\r\nComplete: 4/4 successful attempts (100%). Average success time: 31ms\r\n"), "connected", 4],
    ["a partial success", result("Connection attempt failed: Connection timed out.\r\nConnected to sql:1433, time taken: 40ms\r\nComplete: 1/4 successful attempts (25%).\r\n", "", 0), "connected", 1],
    ["a refusal", result("Connection attempt failed: No connection could be made because the target machine actively refused it.\r\nComplete: 0/4 successful attempts (0%).", "", 1), "refused", 0],
    ["a timeout", result("Connection attempt failed: Connection timed out.\r\nComplete: 0/4 successful attempts (0%).", "", 1), "timed-out", 0],
    ["an unknown name on stderr", result("", "Connection attempt failed: No such host is known (nope.internal).\r\n", 1), "unknown-host", undefined],
    ["text it has never seen", result("Something else entirely", "", 1), "unclear", undefined],
  ])("reads %s", (_name, output, outcome, successes) => {
    const parsed = parseTcpping(output);

    expect(parsed.outcome).toBe(outcome);
    expect(parsed.successes).toBe(successes);
  });
});

describe("parseNameresolver", () => {
  it("reads the addresses after Name:, not the server's own address", () => {
    const parsed = parseNameresolver(result("Server: 10.10.0.4\r\n\r\nNon-authoritative answer:\r\nName: sql.contoso.internal\r\nAddresses: \r\n\t10.10.1.4\r\n\t10.10.1.5\r\n"));

    expect(parsed).toEqual({ outcome: "resolved", addresses: ["10.10.1.4", "10.10.1.5"], server: "10.10.0.4" });
  });

  it("reads nslookup's layout with a named server and its Address line", () => {
    const parsed = parseNameresolver(result("Server:  dns1.contoso.internal\r\nAddress:  10.10.0.4\r\n\r\nName:    sql.contoso.internal\r\nAddress:  10.10.1.4\r\n"));

    expect(parsed.addresses).toEqual(["10.10.1.4"]);
  });

  it.each([
    ["a timeout", result("Server: 10.10.0.5\r\n\r\n", "DNS request timed out.\r\n", 1), "timed-out"],
    ["an unknown name", result("Server: 10.10.0.4\r\n\r\n", "*** Can't find nope.internal: Non-existent domain\r\n", 1), "nxdomain"],
    ["an empty answer", result("", "", 0), "unclear"],
  ])("reads %s", (_name, output, outcome) => {
    expect(parseNameresolver(output).outcome).toBe(outcome);
  });
});

describe("parsePrivateIp", () => {
  it("reads the echoed address", () => {
    expect(parsePrivateIp(result("172.16.201.7\r\n"))).toBe("172.16.201.7");
  });

  it("reports an unset variable, which cmd echoes back literally", () => {
    expect(parsePrivateIp(result("%WEBSITE_PRIVATE_IP%\r\n"))).toBeUndefined();
  });
});
