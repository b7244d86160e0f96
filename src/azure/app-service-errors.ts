import { BotError } from "../errors.ts";

/** The last error body an SDK call saw, caught by its onResponse before the SDK throws. */
export interface ErrorBodyCatcher {
  onResponse: (response: { status: number; parsedBody?: unknown }) => void;
  body: () => unknown;
}

export function catchErrorBody(): ErrorBodyCatcher {
  let last: unknown;
  return {
    onResponse: (response) => {
      if (response.status >= 400) last = response.parsedBody;
    },
    body: () => last,
  };
}

interface RestErrorLike extends Error {
  statusCode?: number;
  code?: string;
}

const isRestError = (error: unknown): error is RestErrorLike => error instanceof Error && error.name === "RestError";

/**
 * App Service writes its errors as `{"Code","Message",…}` in every public capture (azure-docs#43302), which the SDK's
 * error cannot read: it gets no code and the message "Unexpected status code: 400". This puts App Service's code and
 * text back on the error from the body its onResponse caught, so the user sees Azure's reason.
 */
export function withAppServiceReason(error: unknown, body: unknown): unknown {
  if (!isRestError(error) || error.code !== undefined) return error;
  const pascal = body as { Code?: unknown; Message?: unknown } | undefined;
  if (typeof pascal?.Message === "string") error.message = pascal.Message;
  if (typeof pascal?.Code === "string") error.code = pascal.Code;
  return error;
}

/**
 * App Service's synchronous refusals of a regional integration that are not about a busy app: a 409 for the plan's
 * subnet limit (azure-docs#32922) or an app that still has gateway-required integration, and the 504s reported while
 * one existed (azure-docs#50009). Left to the common mapping, they would read "busy, try again" or "something went
 * wrong"; undefined for anything else.
 */
export function regionalRefusal(error: unknown, resource: string): BotError | undefined {
  if (!isRestError(error)) return undefined;
  if (error.statusCode === 409 && !/another operation/i.test(error.message)) {
    return new BotError("ineligible", `Azure refused this on ${resource}: ${error.message}`, { hint: "Azure's reason is above; fix that and try again." });
  }
  if (error.statusCode === 504) {
    return new BotError("unavailable", `App Service did not answer the regional integration of ${resource} in time.`, {
      hint: "It has been seen to hang like this while the app still had a gateway-required integration (azure-docs#50009): check that it has none, then try again.",
    });
  }
  return undefined;
}
