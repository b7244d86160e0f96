// What `npm start` and the image run, bundled into dist/launch.js (scripts/build.ts): src/main.ts, after turning on
// Node's compile cache.
//
// Why: the compile cache keeps V8's code cache of each of the bundle's chunks on disk, keyed by the file's contents,
// so a start does not compile again what the last one did. The cache lives in NODE_COMPILE_CACHE when that is set (the
// image bakes one in), else in the system's temporary directory; where it cannot be written the bot starts as before,
// only slower. This file is JavaScript so that `node src/launch.js` also runs the sources without a bundle.
//
// `node dist/launch.js --warm-compile-cache` loads the chunks a start loads, and the PostgreSQL store's (which main
// loads only when configured), into the cache and exits without starting the bot: the image's build runs it. Chunks
// loaded later (the Azure SDKs, local mode) are compiled when first loaded and cached from then on.
import module from "node:module";

module.enableCompileCache?.();
const { run } = await import("./main.ts");
if (process.argv.includes("--warm-compile-cache")) {
  await import("./store/postgres-store.ts");
  module.flushCompileCache?.();
} else {
  run();
}
