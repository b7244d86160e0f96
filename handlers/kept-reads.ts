/** Shared by the reads that answer from the kept inventory: the --fresh switch and the line saying how old it is. */
import type { Flag } from "../src/core/command.ts";
import type { Reply } from "../src/core/reply.ts";

/** `--fresh`: read Azure now instead of the kept inventory. */
export const FRESH: Flag = { name: "--fresh", value: "", kind: "switch" };

/**
 * The reply with the kept inventory's age in its first context, when it answered from one. First, because a long
 * answer is cut from the end to fit one Slack message, and the age must survive the cut.
 */
export function withKeptNote(reply: Reply, keptNote: string | undefined): Reply {
  if (!keptNote) return reply;
  const [first, ...rest] = reply.parts;
  if (first?.kind === "context") return { ...reply, parts: [{ ...first, lines: [...first.lines, keptNote] }, ...rest] };
  return { ...reply, parts: [{ kind: "context", lines: [keptNote] }, ...reply.parts] };
}
