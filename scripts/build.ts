/**
 * Bundles what `npm start` runs into dist/: src/launch.js and everything it imports, the dependencies included, as a
 * few ES modules (`npm run build`; `npm start` runs it first, the image's build stage once).
 *
 * Why a bundle, when Node 24 runs the TypeScript sources as they are: run from source, a start loads some 1,400
 * modules, and V8 keeps the text of each (comments and all) for as long as the process lives, to compile functions
 * lazily. One minified bundle starts in about two thirds of the time and idles some 20 MB smaller (README,
 * "Performance"; leaving local names unminified costs 8-10 MB of it). `keepNames` keeps the names functions and
 * classes report, so a stack trace in the log still names its functions and an error class its name; the source maps
 * beside the bundle map a trace back to src/ for anyone who runs with `--enable-source-maps` (not the default: the
 * maps would be held in memory).
 *
 * The tests import src/ directly and run the bundle wherever they start the bot as production does.
 */
import { build } from "esbuild";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/**
 * Bundles entry (from the project's root; default what `npm start` runs) into outdir (default dist/), replacing what
 * was there. The benchmarks bundle their bare Bolt floor the same way, so that the floor is measured like the bot.
 */
export async function buildBundle(options: { entry?: string; outdir?: string } = {}): Promise<void> {
  const outdir = options.outdir ?? join(ROOT, "dist");
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  // Node takes a .js file for an ES module only under a package.json that says so; outside the project none does.
  writeFileSync(join(outdir, "package.json"), '{ "type": "module" }\n');
  await build({
    absWorkingDir: ROOT,
    entryPoints: [options.entry ?? "src/launch.js"],
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
    keepNames: true,
    legalComments: "linked",
    sourcemap: "linked",
    logLevel: "warning",
  });
}

if (import.meta.main) await buildBundle();
