/**
 * The arguments `npm start` gives node (package.json's start script, with its paths made absolute): tests and
 * benchmarks that start the bot as a process run exactly what production runs, V8 flags and launcher included.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export function startCommandArgs(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } };
  const [program, ...args] = pkg.scripts.start.trim().split(/\s+/);
  if (program !== "node") throw new Error(`package.json's start script must run node directly (it is "${pkg.scripts.start}")`);
  return args.map((arg) => (arg.startsWith("-") || isAbsolute(arg) ? arg : join(ROOT, arg)));
}
