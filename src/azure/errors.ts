import { BotError } from "../errors.ts";
import { PERMISSIONS, type AzureOperation } from "./permissions.ts";

interface RestErrorLike {
  statusCode?: number;
  code?: string;
  message: string;
  request?: { requestId?: string };
  response?: { headers?: { get(name: string): string | undefined } };
}

function isRestErrorLike(error: unknown): error is RestErrorLike {
  return error instanceof Error && error.name === "RestError";
}

/**
 * Turns what the SDK throws into a BotError a user can act on, naming the missing permission, the missing resource
 * or the busy one. Errors that are not Azure's answer (bugs, network) are rethrown as they are: the Slack layer logs
 * them with a reference id.
 */
export function translateAzureError(error: unknown, operation: AzureOperation, resource: string): never {
  if (error instanceof BotError || !isRestErrorLike(error)) throw error;
  const azureRequestId = error.response?.headers?.get("x-ms-request-id") ?? error.request?.requestId;
  const azureMessage = error.message.split("\n")[0] ?? error.message;
  const options = { azureRequestId, cause: error };
  switch (error.statusCode) {
    case 401:
      throw new BotError("forbidden", `Azure did not accept the bot's credentials while reading ${resource}.`, {
        ...options,
        hint: "Check the bot's managed identity or service principal (DefaultAzureCredential) and its tenant.",
      });
    case 403:
      throw new BotError("forbidden", `The bot is not allowed to do this on ${resource}: it needs ${PERMISSIONS[operation].join(" and ")}.`, {
        ...options,
        hint: "Assign the vnetbot custom role (src/azure/vnetbot-role.json) to the bot's identity at this scope.",
      });
    case 404:
      throw new BotError("not-found", `Azure has no ${resource}.`, { ...options, hint: "Check the name, or see what exists with /vnet list." });
    case 409:
    case 429:
      throw new BotError("throttled", `Azure is busy with another operation on ${resource}.`, {
        ...options,
        hint: "Try again in a minute; nothing was changed by this attempt.",
      });
    case 400:
      throw new BotError("conflict", `Azure refused this on ${resource}: ${azureMessage}`, options);
    default:
      throw error;
  }
}

/** Runs one SDK call, translating its failure. */
export async function callAzure<T>(operation: AzureOperation, resource: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    translateAzureError(error, operation, resource);
  }
}
