/** Shared by the reads that answer from the kept inventory: the --fresh switch and the line saying how old it is. */
import type { Flag } from "../src/core/command.ts";
import type { Reply } from "../src/core/reply.ts";

/** `--fresh`: read Azure now instead of the kept inventory. */
export const FRESH: Flag = { name: "--fresh", value: "", kind: "switch" };

/** The reply with the kept inventory's age at the end of its context, when it answered from one. */
export function withKeptNote(reply: Reply, keptNote: string | undefined): Reply {
  return keptNote ? { ...reply, parts: [...reply.parts, { kind: "context", lines: [keptNote] }] } : reply;
}
