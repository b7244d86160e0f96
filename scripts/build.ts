/**
 * Bundles what `npm start` runs into dist/: src/launch.js and everything it imports, the dependencies included, as a
 * few ES modules (`npm run build`; `npm start` runs it first, the image's build stage once).
 *
 * Why a bundle, when Node 24 runs the TypeScript sources as they are: run from source, a start loads some 1,400
 * modules, and V8 keeps the text of each (comments and all) for as long as the process lives, to compile functions
 * lazily. One minified bundle starts in about two thirds of the time and idles some 20 MB smaller (README,
 * "Performance"; leaving local names unminified costs 8-10 MB of it).
 *
 * Function and class names are minified too. esbuild's `keepNames` would keep them by giving each function a `name`
 * property of its own, and every such function then carries a property store: after a scan of 1,000 plans that was
 * 10 MB of a 44 MB heap (the Azure SDKs create closures on every call). Code that tells errors apart by name relies on
 * classes that set `name` themselves (ours, and the SDKs' RestError and credential errors); Slack's errors take theirs
 * from their classes, so they log a minified name beside the code they are told apart by. A stack trace in the log
 * names positions in the bundle; `npm run trace` maps them back to src/ lines through the source maps
 * beside the bundle (`--enable-source-maps` would do it in the process, at the cost of holding the maps in memory).
 *
 * The tests import src/ directly and run the bundle wherever they start the bot as production does.
 */
import { build } from "esbuild";
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Chunks of earlier builds are kept this long: a bot started from one may still load its lazy chunks. */
const STALE_MS = 60 * 60_000;

/**
 * Bundles entry (from the project's root; default what `npm start` runs) into outdir (default dist/). The benchmarks
 * bundle their bare Bolt floor the same way, so that the floor is measured like the bot.
 *
 * The bundle is built beside outdir and its files renamed into place one by one, so that a bot starting meanwhile (a
 * test run, a benchmark, a second `npm start`) never finds outdir without its launcher, and one running from an
 * earlier build still finds the chunks it loads later (their names carry a hash of their content); those are removed
 * once an hour old.
 */
export async function buildBundle(options: { entry?: string; outdir?: string } = {}): Promise<void> {
  const outdir = options.outdir ?? join(ROOT, "dist");
  const staging = `${outdir.replace(/[\\/]$/, "")}.building-${process.pid}-${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  try {
    // Node takes a .js file for an ES module only under a package.json that says so; outside the project none does.
    writeFileSync(join(staging, "package.json"), '{ "type": "module" }\n');
    await bundle(options.entry ?? "src/launch.js", staging);
    mkdirSync(outdir, { recursive: true });
    const built = new Set(readdirSync(staging));
    for (const file of built) renameSync(join(staging, file), join(outdir, file));
    for (const file of readdirSync(outdir)) {
      if (!built.has(file) && Date.now() - statSync(join(outdir, file)).mtimeMs > STALE_MS) rmSync(join(outdir, file), { force: true });
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function bundle(entry: string, outdir: string): Promise<void> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    outdir,
    bundle: true,
    // The Azure SDKs, local mode and the PostgreSQL store are imported when first needed (src/azure/clients.ts,
    // src/start-bot.ts, src/store/open-store.ts): splitting keeps each in a chunk of its own, loaded only then.
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node24",
    // Dependencies published as CommonJS call require() for Node's built-in modules; an ES module has none of its own.
    banner: { js: 'import { createRequire as __vnetbotRequire } from "node:module"; const require = __vnetbotRequire(import.meta.url);' },
    minify: true,
    legalComments: "linked",
    sourcemap: "linked",
    logLevel: "warning",
  });
}

if (import.meta.main) await buildBundle();
