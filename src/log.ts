/**
 * A small structured logger that logs by allowlist: callers name the fields they log, and values that look like
 * secrets (tokens, SAS signatures, bearer headers, certificate blobs, passwords in connection strings, OAuth client
 * secrets) are masked again on the way out.
 */
export type LogFields = Record<string, string | number | boolean | readonly string[] | undefined | null>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
}

const SECRET_PATTERNS: RegExp[] = [
  /xox[abposr]-[A-Za-z0-9-]+/g, // Slack tokens
  /xapp-[A-Za-z0-9-]+/g, // Slack app-level tokens
  /([?&](sig|se|sv|sp|sr|st|skoid|sktid)=)[^&\s"]+/gi, // SAS query parameters
  /(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi,
  /[A-Za-z0-9+/]{200,}={0,2}/g, // long base64 runs: certificate blobs
  // A URL's password (postgres://user:PASSWORD@host): up to the authority's last "@", as an unencoded "@" may be in it.
  /([a-z][a-z0-9+.-]*:\/\/[^\s:@/?#]*:)[^\s/?#]+(?=@)/gi,
  // ADO-style connection strings (Server=…;Password=…;), a quoted value whole, else up to the next ";".
  /((?:password|pwd)\s*=\s*)("[^"]*"|'[^']*'|[^;]*)/gi,
  /(client_secret=)[^&\s"]+/gi, // OAuth form bodies
  /("(?:client_secret|password)"\s*:\s*")(?:[^"\\]|\\.)*/gi, // and their JSON
];

/** Masks anything that looks like a secret inside a string. */
export function redact(text: string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (match, prefix?: unknown) =>
      typeof prefix === "string" && match.startsWith(prefix) ? `${prefix}[redacted]` : "[redacted]",
    );
  }
  return out;
}

type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A JSON-lines logger writing to the given sink (stderr by default). */
export function createLogger(options: { level?: Level; sink?: (line: string) => void } = {}): Logger {
  const min = ORDER[options.level ?? "info"];
  const sink = options.sink ?? ((line: string) => process.stderr.write(line + "\n"));
  const write = (level: Level, message: string, fields: LogFields = {}) => {
    if (ORDER[level] < min) return;
    const record: Record<string, unknown> = { time: new Date().toISOString(), level, msg: redact(message) };
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      record[key] = typeof value === "string" ? redact(value) : Array.isArray(value) ? value.map((item: string) => redact(item)) : value;
    }
    sink(JSON.stringify(record));
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
  };
}

/** How many frames of a stack a log line keeps: as many as V8 records by default (Error.stackTraceLimit). */
const STACK_FRAMES = 10;

/**
 * An unexpected error's fields for a log line: "Name: message", its code when it has one (Slack's errors are told
 * apart by code; their names come from their classes, which the bundle minifies), the error it wraps (the ECONNREFUSED
 * behind "fetch failed"), and the frames of its stack ("at f (file:line:col)"). In the bundle the frames name
 * minified functions at bundle positions; `npm run trace` maps them back to src/.
 */
export function errorFields(error: unknown): { error: string; code?: string; cause?: string; stack?: string[] } {
  if (!(error instanceof Error)) return { error: String(error) };
  const { code } = error as { code?: unknown };
  const frames = (typeof error.stack === "string" ? error.stack : "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("at "))
    .slice(0, STACK_FRAMES);
  return {
    error: `${error.name}: ${error.message}`,
    ...(typeof code === "string" ? { code } : {}),
    ...(error.cause !== undefined ? { cause: error.cause instanceof Error ? `${error.cause.name}: ${error.cause.message}` : String(error.cause) } : {}),
    ...(frames.length > 0 ? { stack: frames } : {}),
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };
