// What `npm start` and the image run: src/main.ts, after turning on Node's compile cache.
//
// Why: a start loads some 1,400 modules, and each TypeScript one is first stripped of its types by a WebAssembly
// build of swc, then compiled. The compile cache keeps each module's stripped output and V8's code cache on disk,
// keyed by the file's contents, so a start finds both ready: ready in about 0.6 s instead of 1.0-1.4 s on two cores,
// for the same memory (test/bench/memory-and-start.ts). This file is JavaScript because a TypeScript entry is stripped
// before its first line runs. The cache lives in NODE_COMPILE_CACHE when that is set (the image bakes one in), else in
// the system's temporary directory; where it cannot be written the bot starts as before, only slower.
//
// `node src/launch.js --warm-compile-cache` loads every module production runs (the PostgreSQL store included, which
// main loads only when configured) into the cache and exits without starting the bot: the image's build runs it.
import module from "node:module";

module.enableCompileCache?.();
const { run } = await import("./main.ts");
if (process.argv.includes("--warm-compile-cache")) {
  await import("./store/postgres-store.ts");
  module.flushCompileCache?.();
} else {
  run();
}
