import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";

// Arrows point inward: these rules read import lines, so a wrong dependency fails here before review.
const root = join(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(join(root, path)).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path.split(sep).join("/")] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/gms)].map((m) => m[1]!);
}

function resolveImport(file: string, specifier: string): string {
  if (!specifier.startsWith(".")) return specifier;
  const dir = file.slice(0, file.lastIndexOf("/"));
  return relative(root, join(root, dir, specifier)).split(sep).join("/");
}

const all = [...sourceFiles("src"), ...sourceFiles("handlers")];

function offenders(files: string[], forbidden: (target: string) => boolean): string[] {
  return files.flatMap((file) =>
    importsOf(file)
      .map((spec) => resolveImport(file, spec))
      .filter(forbidden)
      .map((target) => `${file} -> ${target}`),
  );
}

describe("architecture", () => {
  it("keeps the domain core free of Slack, Azure, cron and the outer layers", () => {
    const core = all.filter((f) => f.startsWith("src/core/"));

    const bad = offenders(core, (t) =>
      /^(@slack\/|@azure|node-cron)/.test(t) || /^(src\/(slack|azure|store|schedule|stand-ins|local)|handlers)\//.test(t),
    );

    expect(bad).toEqual([]);
  });

  it("lets only src/azure import the Azure SDKs", () => {
    const bad = offenders(
      all.filter((f) => !f.startsWith("src/azure/")),
      (t) => t.startsWith("@azure"),
    );

    expect(bad).toEqual([]);
  });

  it("lets only src/metrics.ts import prom-client, and keeps the core unaware of metrics and readiness", () => {
    const importers = offenders(
      all.filter((f) => f !== "src/metrics.ts"),
      (t) => t === "prom-client",
    );
    const core = offenders(
      all.filter((f) => f.startsWith("src/core/")),
      (t) => t === "src/metrics.ts" || t === "src/readiness.ts",
    );

    expect(importers).toEqual([]);
    expect(core).toEqual([]);
  });

  it("lets only src/schedule import node-cron", () => {
    const bad = offenders(
      all.filter((f) => !f.startsWith("src/schedule/")),
      (t) => t === "node-cron",
    );

    expect(bad).toEqual([]);
  });

  it("keeps handlers away from Slack, Azure and storage details", () => {
    const bad = offenders(
      all.filter((f) => f.startsWith("handlers/")),
      (t) => /^(@slack\/|@azure|node-cron|node:sqlite)/.test(t) || /^src\/(azure|store|stand-ins)\//.test(t),
    );

    expect(bad).toEqual([]);
  });

  it("keeps src/slack the real adapter: no stand-in, no local mode", () => {
    const bad = offenders(
      all.filter((f) => f.startsWith("src/slack/")),
      (t) => /^src\/(stand-ins|local)\//.test(t),
    );

    expect(bad).toEqual([]);
  });

  it("keeps the stand-ins apart from the bot: they model Slack and ARM, not vnetbot", () => {
    const bad = offenders(
      all.filter((f) => f.startsWith("src/stand-ins/")),
      (t) => /^(src\/(core|slack|azure|store|schedule|local)|handlers)\//.test(t),
    );

    expect(bad).toEqual([]);
  });

  it("reads process.env only in src/config.ts", () => {
    const readers = all.filter(
      (f) => f !== "src/config.ts" && !f.startsWith("src/stand-ins/") && /process\.env\b/.test(readFileSync(join(root, f), "utf8")),
    );

    expect(readers).toEqual([]);
  });
});
