// There is no Docker engine in CI: these read the Dockerfile the way the build would and hold it against the code
// (the start command, the defaults, what main.ts imports at run time).
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, posix, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { dockerfileInstructions, finalStage as imageStage, imageEnvironment } from "../support/dockerfile.ts";

const root = join(import.meta.dirname, "..", "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string> };
const defaults = loadConfig({}, () => undefined).config;

const dockerfile = dockerfileInstructions();
const all = (keyword: string) => dockerfile.filter((i) => i.keyword === keyword);
const finalStage = imageStage(dockerfile);
const lastIn = (keyword: string) => finalStage.filter((i) => i.keyword === keyword).at(-1);
const execForm = (args: string) => JSON.parse(args) as string[];

/** The bare module names a file loads at run time (type-only imports are erased by Node's type stripping). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  const statements = [...text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?\bfrom\s+["']([^"']+)["']|^\s*import\s+["']([^"']+)["']/gms)];
  return statements.filter((m) => !m[2]).map((m) => (m[3] ?? m[4])!);
}

/** Every source file main.ts loads, following relative imports. */
function importClosure(start: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of runtimeImports(file)) {
      if (specifier.startsWith(".")) visit(relative(root, join(root, dirname(file), specifier)).split(sep).join("/"));
    }
  };
  visit(start);
  return [...seen];
}

const packageOf = (specifier: string) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");
const isBuiltin = (specifier: string) => specifier.startsWith("node:") || builtinModules.includes(specifier);

describe("the Dockerfile", () => {
  it("builds on Node 24 in every stage", () => {
    const images = all("FROM").map((i) => i.args.split(/\s+/)[0]);

    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(image).toMatch(/^node:24([.-]|$)/);
  });

  it("runs as a user other than root", () => {
    const user = lastIn("USER")?.args.split(":")[0];

    expect(user).toBeDefined();
    expect(["root", "0"]).not.toContain(user);
  });

  it("starts the bot with the same command as npm start, with node itself as the process that gets SIGTERM", () => {
    const cmd = lastIn("CMD");

    expect(execForm(cmd!.args).join(" ")).toBe(pkg.scripts["start"]);
  });

  it("bakes the compile cache as the user and with the V8 flags the bot runs with, so the bot finds it", () => {
    const cmd = execForm(lastIn("CMD")!.args);
    const at = finalStage.findIndex((i) => i.keyword === "RUN" && i.args.includes("--warm-compile-cache"));
    const warmUp = finalStage[at]?.args.split(/\s+/) ?? [];
    const before = finalStage.slice(0, at);

    expect(at).toBeGreaterThan(0);
    expect(warmUp).toEqual([...cmd, "--warm-compile-cache"]);
    expect(before.filter((i) => i.keyword === "USER").at(-1)?.args).toBe(lastIn("USER")!.args);
    expect(before.some((i) => i.keyword === "ENV" && /^NODE_COMPILE_CACHE[= ]\/app\//.test(i.args))).toBe(true);
  });

  it("gives the bot the C allocator's setting the benchmarks measure it with, and no image path to a benchmark", () => {
    // test/bench/bot-process.ts starts the bot with imageEnvironment(): what the image runs with is what is measured.
    expect(imageEnvironment()).toEqual({ MALLOC_ARENA_MAX: "2" });
    expect(finalStage.some((i) => i.keyword === "ENV" && i.args.startsWith("NODE_COMPILE_CACHE="))).toBe(true);
  });

  it("checks health on /healthz at the default port with Node's fetch, as slim images have no curl", () => {
    const check = lastIn("HEALTHCHECK")!.args;
    const command = execForm(check.slice(check.indexOf("CMD") + 3).trim());

    expect(command[0]).toBe("node");
    expect(command.join(" ")).toContain("fetch(");
    expect(command.join(" ")).toContain("/healthz");
    expect(command.join(" ")).toContain(`process.env.PORT || ${defaults.port}`);
  });

  it("exposes the default port and keeps the default SQLite file on a volume", () => {
    const workdir = lastIn("WORKDIR")!.args;
    const volumes = lastIn("VOLUME")!.args;
    const dataDir = posix.join(workdir, posix.dirname(defaults.storage.sqlitePath));

    expect(all("EXPOSE").flatMap((i) => i.args.split(/\s+/))).toContain(String(defaults.port));
    expect(volumes.startsWith("[") ? execForm(volumes) : volumes.split(/\s+/)).toContain(dataDir);
  });

  it("installs only the production dependencies from the lock file", () => {
    expect(all("RUN").map((i) => i.args)).toContainEqual(expect.stringMatching(/^npm ci --omit=dev\b/));
  });

  it("bundles in a stage of its own from every top-level directory main.ts loads, and the dockerignore keeps them", () => {
    const stageStart = dockerfile.findIndex((i) => i.keyword === "FROM" && /\bAS\s+bundle$/i.test(i.args));
    const stage = dockerfile.slice(stageStart, dockerfile.findIndex((i, at) => at > stageStart && i.keyword === "FROM"));
    const copied = stage.filter((i) => i.keyword === "COPY" && !i.args.startsWith("--from")).flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    const needed = [...new Set(importClosure("src/main.ts").map((file) => file.split("/")[0]!))];
    const ignored = readFileSync(join(root, ".dockerignore"), "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
    const kept = [...needed, "package.json", "package-lock.json", "tsconfig.json", "scripts/build.ts"];

    expect(stageStart).toBeGreaterThanOrEqual(0);
    expect(needed.sort()).toEqual(["handlers", "src"]);
    expect(copied).toEqual(expect.arrayContaining(kept));
    // The bundler is a devDependency: this stage installs them all, and bundles as `npm start` does.
    expect(stage.filter((i) => i.keyword === "RUN").map((i) => i.args)).toEqual(expect.arrayContaining([expect.stringMatching(/^npm ci(?! --omit)/), "npm run build"]));
    expect(pkg.scripts["prestart"]).toBe(pkg.scripts["build"]);
    expect(ignored).toEqual(expect.arrayContaining(["node_modules", "data", "dist", "vnetbot.yaml", "!scripts/build.ts"]));
    for (const path of kept) expect(ignored).not.toContain(path);
  });

  it("runs that bundle, with the sources beside it for the files read at run time", () => {
    const copies = finalStage.filter((i) => i.keyword === "COPY").map((i) => i.args);
    const start = execForm(lastIn("CMD")!.args);

    expect(copies).toContain("--from=bundle /app/dist ./dist");
    expect(start.at(-1)).toBe("dist/launch.js");
    expect(copies).toContain("src ./src");
    // The maps are in dist/; the script that reads them for a logged stack comes along.
    expect(copies).toContain("scripts/trace.ts ./scripts/trace.ts");
    expect(readFileSync(join(root, ".dockerignore"), "utf8").split(/\r?\n/)).toContain("!scripts/trace.ts");
  });

  it("needs no devDependency at run time: whatever main.ts loads is a dependency or part of Node", () => {
    const loaded = importClosure("src/main.ts").flatMap((file) => runtimeImports(file).filter((s) => !s.startsWith(".")).map((s) => ({ file, s })));
    const missing = loaded.filter(({ s }) => !isBuiltin(s) && !(packageOf(s) in pkg.dependencies)).map(({ file, s }) => `${file} -> ${s}`);

    expect(loaded.length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });
});
