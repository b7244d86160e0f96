/** The Dockerfile read the way `docker build` reads it: for the tests that hold it against the code, and the benchmarks. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions, continuation lines joined and comments dropped. */
export function dockerfileInstructions(): Instruction[] {
  return readFileSync(join(ROOT, "Dockerfile"), "utf8")
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const [, keyword = "", args = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
      return { keyword: keyword.toUpperCase(), args };
    });
}

/** The image that runs: everything after the last FROM. */
export function finalStage(instructions: readonly Instruction[] = dockerfileInstructions()): Instruction[] {
  return instructions.slice(instructions.map((i) => i.keyword).lastIndexOf("FROM"));
}

/**
 * The environment the image gives the bot (its final stage's ENV NAME=VALUE), without what names a path inside the
 * image (the compile cache's directory): benchmarks run the bot with it, as production does (MALLOC_ARENA_MAX).
 */
export function imageEnvironment(): Record<string, string> {
  const pairs = finalStage()
    .filter((i) => i.keyword === "ENV")
    .flatMap((i) => i.args.split(/\s+/).map((pair) => /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(pair)))
    .filter((match) => match !== null)
    .map((match) => [match[1]!, match[2]!] as const);
  return Object.fromEntries(pairs.filter(([, value]) => !value.startsWith("/")));
}
