/** The kinds of failure a user can act on; anything else is an internal error. */
export type BotErrorKind =
  | "usage"
  | "forbidden"
  | "not-found"
  | "ambiguous"
  | "conflict"
  | "ineligible"
  | "throttled"
  | "unavailable"
  | "expired";

/** A failure whose message is safe to show to a user and says what to do about it. */
export class BotError extends Error {
  readonly kind: BotErrorKind;
  /** What the user can do next, shown under the message. */
  readonly hint: string | undefined;
  /** Azure request id (x-ms-request-id) when the failure came from ARM, for the audit trail. */
  readonly azureRequestId: string | undefined;

  constructor(kind: BotErrorKind, message: string, options: { hint?: string; azureRequestId?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "BotError";
    this.kind = kind;
    this.hint = options.hint;
    this.azureRequestId = options.azureRequestId;
  }
}

/** True for errors whose message may be shown to users as is. */
export function isBotError(error: unknown): error is BotError {
  return error instanceof BotError;
}

/**
 * A change that would change nothing: Azure is already as asked. Refused before approval like any other; found when
 * an approved change is planned again, it means someone (or Azure) did it meanwhile, which ends the request, not
 * fails it.
 */
export class NothingToDo extends BotError {
  constructor(message: string, options: { hint?: string } = {}) {
    super("ineligible", message, options);
    this.name = "NothingToDo";
  }
}
