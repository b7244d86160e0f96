/**
 * Maps the stack frames of the bot's log back to the sources: `npm run trace < log` (or paste lines, then Ctrl-D).
 *
 * The bot runs a minified bundle (scripts/build.ts), so a logged frame reads "at Zz (file:///app/dist/main-4Q3N.js:3:52731)".
 * Each frame that names a file of the bundle is rewritten to the source file, line and column the bundle's source map
 * gives for it, the bundle's frame kept in brackets: "at src/core/inventory.ts:214:19 [Zz main-4Q3N.js:3:52731]".
 * A log line with a `stack` field (src/log.ts, errorFields), with or without a prefix such as a timestamp, is printed
 * as its message, error and mapped frames; any other line is printed with the frames in it mapped.
 *
 * Chunk names carry a hash of their content, source map included, so a trace is mapped by the build that logged it:
 * the image's own dist/ (or a copy of it: `--dist DIR`), or `npm ci && npm run build` in a clean checkout of the same
 * commit. A chunk whose map is not there is said once on stderr, and its frames are left as they are.
 */
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

// "at [async ][name (]location[)]", where location is file:line:column (a file: URL or a path). A name stops at a
// quote or parenthesis, so that frames side by side on one line (a JSON array) are matched one by one.
const FRAME = /\bat (async )?(?:([^"()\n]+?) \()?((?:file:\/\/)?[^\s"()]+\.js):(\d+):(\d+)\)?/g;

// Maps read once per run, by path: the main chunk's is several megabytes.
const maps = new Map<string, { map: SourceMap; dir: string } | undefined>();

function mapOf(file: string): { map: SourceMap; dir: string } | undefined {
  if (!maps.has(file)) {
    if (existsSync(file)) {
      maps.set(file, { map: new SourceMap(JSON.parse(readFileSync(file, "utf8")) as ConstructorParameters<typeof SourceMap>[0]), dir: dirname(file) });
    } else {
      maps.set(file, undefined);
      process.stderr.write(`trace: no ${relative(process.cwd(), file)}: that chunk is not of this build, so its frames are left as they are\n`);
    }
  }
  return maps.get(file);
}

/** Maps every frame of text that names a file of the bundle in distDir; other text is left as it is. */
export function mapStackText(text: string, distDir: string = join(ROOT, "dist")): string {
  return text.replace(FRAME, (frame, async: string | undefined, name: string | undefined, location: string, line: string, column: string) => {
    const chunk = basename(location.startsWith("file://") ? fileURLToPath(location) : location);
    const found = mapOf(join(distDir, `${chunk}.map`));
    if (!found) return frame;
    const origin = found.map.findOrigin(Number(line), Number(column));
    // A position the map has no entry for maps nowhere (or to a negative column): the frame is left as it is.
    if (!("fileName" in origin) || origin.columnNumber < 1) return frame;
    const source = relative(process.cwd(), resolve(found.dir, origin.fileName));
    const bundled = `${name ? `${name} ` : ""}${chunk}:${line}:${column}`;
    // The map's name at a position is the identifier there (a call's callee), not the function the frame is in: left out.
    return `at ${async ?? ""}${source}:${origin.lineNumber}:${origin.columnNumber} [${bundled}]`;
  });
}

/** One log line, mapped: a JSON record with a stack (after any prefix) becomes its message and its frames, one per line. */
export function mapLogLine(line: string, distDir?: string): string {
  const start = line.indexOf("{");
  let record: { msg?: unknown; error?: unknown; ref?: unknown; stack?: unknown } | undefined;
  try {
    record = start < 0 ? undefined : (JSON.parse(line.slice(start)) as typeof record);
  } catch {
    record = undefined;
  }
  if (!record || typeof record !== "object" || !Array.isArray(record.stack)) return mapStackText(line, distDir);
  const head = [
    line.slice(0, start).trim(),
    record.msg === undefined ? "" : String(record.msg),
    record.ref === undefined ? "" : `(ref ${String(record.ref)})`,
  ].filter(Boolean).join(" ");
  const error = record.error === undefined ? "" : `${head ? ": " : ""}${String(record.error)}`;
  return [`${head}${error}`, ...record.stack.map((frame) => `    ${mapStackText(String(frame), distDir)}`)].join("\n");
}

if (import.meta.main) {
  const argv = process.argv.slice(2);
  const distDir = argv.includes("--dist") ? resolve(argv[argv.indexOf("--dist") + 1] ?? "dist") : undefined;
  if (distDir && !existsSync(distDir)) throw new Error(`--dist ${distDir}: no such directory`);
  const input = readFileSync(0, "utf8");
  process.stdout.write(input.split("\n").map((line) => mapLogLine(line, distDir)).join("\n"));
}
