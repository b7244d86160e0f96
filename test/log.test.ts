import { describe, expect, it } from "vitest";
import { createLogger, errorFields, redact } from "../src/log.ts";

describe("redact", () => {
  it.each([
    ["a PostgreSQL URL's password", "connect to postgres://vnetbot:S3cr3t-pw@db.example.com:5432/vnetbot failed", "connect to postgres://vnetbot:[redacted]@db.example.com:5432/vnetbot failed"],
    ["a password with an unencoded @", "postgresql://vnetbot:p@ss@db.example.com/vnetbot?sslmode=require", "postgresql://vnetbot:[redacted]@db.example.com/vnetbot?sslmode=require"],
    ["an ADO-style Password", "Server=tcp:db.database.windows.net,1433;User ID=bot;Password=S3cr3t-pw;Encrypt=True", "Server=tcp:db.database.windows.net,1433;User ID=bot;Password=[redacted];Encrypt=True"],
    ["a quoted ADO Password holding a semicolon", 'Host=db;Password="S3cr;et-pw";Database=vnetbot', "Host=db;Password=[redacted];Database=vnetbot"],
    ["an ADO Pwd", "Server=db;Uid=bot;Pwd=S3cr3t-pw", "Server=db;Uid=bot;Pwd=[redacted]"],
    ["a client_secret in a form body", "grant_type=client_credentials&client_id=abc&client_secret=S3cr3t-pw&scope=x", "grant_type=client_credentials&client_id=abc&client_secret=[redacted]&scope=x"],
    ["a client_secret in JSON", '{"client_id":"abc","client_secret":"S3cr3t-pw\\"x","scope":"x"}', '{"client_id":"abc","client_secret":"[redacted]","scope":"x"}'],
    ["a password in JSON", '{"user":"bot", "password" : "S3cr3t-pw"}', '{"user":"bot", "password" : "[redacted]"}'],
  ])("masks %s", (_name, text, masked) => {
    expect(redact(text)).toBe(masked);
  });

  it.each([
    ["a URL with a port and no user", "https://management.azure.com:443/subscriptions/1?api-version=2024-01-01"],
    ["a URL with a user and no password", "postgres://vnetbot@db.example.com/vnetbot"],
    ["a time and an address", "at 10:30 user@example.com asked"],
  ])("leaves %s alone", (_name, text) => {
    expect(redact(text)).toBe(text);
  });

  it("masks the same secrets in a log line's message and fields", () => {
    const lines: string[] = [];
    const logger = createLogger({ sink: (line) => lines.push(line) });

    logger.warn("cannot reach postgres://vnetbot:S3cr3t-pw@db/vnetbot", { body: "client_secret=S3cr3t-pw", conn: "Server=db;Password=S3cr3t-pw" });

    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain("S3cr3t-pw");
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: "cannot reach postgres://vnetbot:[redacted]@db/vnetbot", body: "client_secret=[redacted]", conn: "Server=db;Password=[redacted]" });
  });
});

describe("errorFields", () => {
  const failing = () => {
    const deeper = (depth: number): never => (depth === 0 ? (undefined as unknown as { x: { y: number } }).x.y as never : deeper(depth - 1));
    try {
      return deeper(20);
    } catch (error) {
      return error;
    }
  };

  it("logs where an unexpected error was thrown: its name and message, then the first frames of its stack", () => {
    const fields = errorFields(failing());
    expect(fields.error).toMatch(/^TypeError: Cannot read properties of undefined/);
    expect(fields.stack).toHaveLength(10);
    expect(fields.stack![0]).toMatch(/^at .*log\.test\.ts:\d+:\d+\)?$/);
    // The message is the error field's, not repeated as a frame.
    expect(fields.stack!.join("\n")).not.toContain("Cannot read");
  });

  it("keeps the frames on the log line, with secrets in them masked like any field", () => {
    const lines: string[] = [];
    const error = new Error("Slack said no to xoxb-1234-5678-abcdef");
    error.stack = `Error: ${error.message}\n    at post (file:///app/dist/main-AB12.js:1:2345)\n    at https://example.blob.core.windows.net/p.zip?sv=2024&sig=SECRET (x.js:1:1)`;
    createLogger({ sink: (line) => lines.push(line) }).error("command failed", errorFields(error));
    const record = JSON.parse(lines[0]!) as { error: string; stack: string[] };
    expect(record.error).toBe("Error: Slack said no to [redacted]");
    expect(record.stack[0]).toBe("at post (file:///app/dist/main-AB12.js:1:2345)");
    expect(record.stack[1]).not.toContain("SECRET");
  });

  it("logs the code an error carries and the error it wraps: a minified class name alone says nothing", () => {
    const error = Object.assign(new Error("A request error occurred: fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { code: "ECONNREFUSED" }) }), { name: "oe", code: "slack_webapi_request_error" });

    expect(errorFields(error)).toMatchObject({ error: "oe: A request error occurred: fetch failed", code: "slack_webapi_request_error", cause: "Error: connect ECONNREFUSED 127.0.0.1:443" });
  });

  it("logs an error whose stack is not text without frames, rather than failing to log it", () => {
    const error = Object.assign(new Error("odd"), { stack: undefined });

    expect(errorFields(error)).toEqual({ error: "Error: odd" });
  });

  it("logs a thrown value that is not an Error as text, without a stack", () => {
    expect(errorFields("a string was thrown")).toEqual({ error: "a string was thrown" });
  });
});
