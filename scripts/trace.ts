/**
 * Maps the stack frames of the bot's log back to the sources: `npm run trace < log` (or paste lines, then Ctrl-D).
 *
 * The bot runs a minified bundle (scripts/build.ts), so a logged frame reads "at Zz (file:///app/dist/main-4Q3N.js:1:52731)".
 * Each frame that names a file of the bundle is rewritten to the source file, line and column the bundle's source map
 * gives for it, the bundle's frame kept in brackets: "at src/core/inventory.ts:214:19 [Zz main-4Q3N.js:1:52731]".
 * A JSON log line with a `stack` field (src/log.ts, errorFields) is printed as its message, error and mapped frames;
 * any other line is printed with the frames in it mapped. Chunk names carry a hash of their content, so a trace is
 * mapped by the build that logged it: the image's own dist/, or a dist/ whose build kept the chunk (an hour).
 *
 * `--dist DIR` reads the bundle and its maps from DIR instead of dist/.
 */
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

// "at name (location)" or "at location", where location is file:line:column (a file: URL or a path).
const FRAME = /\bat (?:(.+?) \()?((?:file:\/\/)?[^\s()]+\.js):(\d+):(\d+)\)?/g;

/** Maps every frame of text that names a file of the bundle in distDir; other text is left as it is. */
export function mapStackText(text: string, distDir: string = join(ROOT, "dist")): string {
  const maps = new Map<string, { map: SourceMap; dir: string } | undefined>();
  const mapOf = (chunk: string) => {
    if (!maps.has(chunk)) {
      const file = join(distDir, `${chunk}.map`);
      maps.set(chunk, existsSync(file) ? { map: new SourceMap(JSON.parse(readFileSync(file, "utf8")) as ConstructorParameters<typeof SourceMap>[0]), dir: dirname(file) } : undefined);
    }
    return maps.get(chunk);
  };
  return text.replace(FRAME, (frame, name: string | undefined, location: string, line: string, column: string) => {
    const chunk = basename(location.startsWith("file://") ? fileURLToPath(location) : location);
    const found = mapOf(chunk);
    if (!found) return frame;
    const origin = found.map.findOrigin(Number(line), Number(column));
    if (!("fileName" in origin)) return frame;
    const source = relative(process.cwd(), resolve(found.dir, origin.fileName));
    const bundled = `${name ? `${name} ` : ""}${chunk}:${line}:${column}`;
    // The map's name at a position is the identifier there (a call's callee), not the function the frame is in: left out.
    return `at ${source}:${origin.lineNumber}:${origin.columnNumber} [${bundled}]`;
  });
}

/** One log line, mapped: a JSON line with a stack becomes its message and its frames, one per line. */
export function mapLogLine(line: string, distDir?: string): string {
  let record: { msg?: unknown; error?: unknown; ref?: unknown; stack?: unknown } | undefined;
  try {
    record = JSON.parse(line) as typeof record;
  } catch {
    return mapStackText(line, distDir);
  }
  if (!record || !Array.isArray(record.stack)) return line;
  const head = `${String(record.msg)}${record.ref === undefined ? "" : ` (ref ${String(record.ref)})`}${record.error === undefined ? "" : `: ${String(record.error)}`}`;
  return [head, ...record.stack.map((frame) => `    ${mapStackText(String(frame), distDir)}`)].join("\n");
}

if (import.meta.main) {
  const argv = process.argv.slice(2);
  const distDir = argv.includes("--dist") ? resolve(argv[argv.indexOf("--dist") + 1] ?? "dist") : undefined;
  if (distDir && !existsSync(distDir)) throw new Error(`--dist ${distDir}: no such directory`);
  const input = readFileSync(0, "utf8");
  process.stdout.write(input.split("\n").map((line) => mapLogLine(line, distDir)).join("\n"));
}
