/**
 * Files read at run time rather than imported: the playground's page, the simulator's estates and fixtures.
 *
 * Paths are given from the project's root because the code that reads them runs from two places: from src/ (tests,
 * `node src/main.ts`) and from a chunk of the bundle in dist/ (`npm start`, scripts/build.ts). This module sits
 * directly under src/, and the bundle's chunks directly under dist/, so the root is one level up from either.
 */
import { fileURLToPath } from "node:url";

const ROOT = new URL("../", import.meta.url);

/** The absolute path of a file in the project, given from its root ("src/local/playground.html"). */
export function sourceFile(path: string): string {
  return fileURLToPath(new URL(path, ROOT));
}
