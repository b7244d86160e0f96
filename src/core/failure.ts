/**
 * The one mapping from an error to what people are told and what the log keeps, for commands, clicks, changes and
 * scheduled jobs alike. A BotError was written to be shown; anything else is internal: it is logged once with a
 * short reference, and people see only the reference, which leads to that log line.
 */
import { randomBytes } from "node:crypto";
import { isBotError, type BotErrorKind } from "../errors.ts";
import { errorFields, type LogFields, type Logger } from "../log.ts";
import { problemReply, type Reply } from "./reply.ts";

/** What to tell people about a failure. */
export interface Failure {
  kind: BotErrorKind | "internal";
  /** A sentence that can stand on its own. */
  message: string;
  /** What to do next, when there is something. */
  hint: string | undefined;
  /** The log line's reference, for internal failures. */
  ref: string | undefined;
}

/** "something went wrong (ref k3f9)": the words for an internal failure inside a longer sentence. */
export const somethingWentWrong = (ref: string) => `something went wrong (ref ${ref})`;

/** Describes the failure of `what` (e.g. "command", "scheduled job"); internal ones are logged here, with their ref. */
export function describeFailure(error: unknown, logger: Logger, what: string, fields: LogFields = {}): Failure {
  if (isBotError(error)) return { kind: error.kind, message: error.message, hint: error.hint, ref: undefined };
  const ref = randomBytes(2).toString("hex");
  logger.error(`${what} failed`, { ...fields, ref, ...errorFields(error) });
  return { kind: "internal", message: `Something went wrong (ref ${ref}). The details are in the bot's log under that reference.`, hint: undefined, ref };
}

/** The reply for a failure: its message and what to do. */
export function failureReply(failure: Failure): Reply {
  return problemReply(failure.message, failure.hint);
}

/** The failure as a clause inside another sentence: a BotError's message and hint, or the internal reference. */
export function failureClause(failure: Failure): string {
  if (failure.ref !== undefined) return `${somethingWentWrong(failure.ref)}.`;
  return [failure.message, failure.hint].filter(Boolean).join(" ");
}
