/** The id a replica keeps in its data directory when nothing in its environment names it (no VNETBOT_INSTANCE_ID or HOSTNAME). */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const FILE = "instance-id";
const VALID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Reads the id kept in `dir`, creating it on the first start; the same directory gives the same id after a restart. */
export function persistedInstanceId(dir: string): string {
  const path = join(dir, FILE);
  const existing = readId(path);
  if (existing) return existing;
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(path, `vnetbot-${randomBytes(6).toString("hex")}\n`, { flag: "wx" });
  } catch (error) {
    // Another process created it first: theirs is the one.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const created = readId(path);
  if (!created) throw new Error(`${path} does not hold an instance id; delete it, or set VNETBOT_INSTANCE_ID.`);
  return created;
}

function readId(path: string): string | undefined {
  try {
    const text = readFileSync(path, "utf8").trim();
    return VALID.test(text) ? text : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
