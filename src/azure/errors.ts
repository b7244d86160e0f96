import { BotError } from "../errors.ts";
import { redact } from "../log.ts";
import { credentialFailure, isCredentialError } from "./credential-errors.ts";
import { scopeLockedError } from "./lock-errors.ts";
import { PERMISSIONS, pollActionOf, type AzureOperation } from "./permissions.ts";

interface RestErrorLike {
  statusCode?: number;
  code?: string;
  message: string;
  request?: { requestId?: string; url?: string };
  response?: { headers?: { get(name: string): string | undefined } };
}

function isRestErrorLike(error: unknown): error is RestErrorLike {
  return error instanceof Error && error.name === "RestError";
}

// core-lro reports an operation whose status ended Failed as a plain Error with ARM's code and message.
const FAILED_OPERATION = /^The long-running operation has failed(?:\. (\S+)\. ([\s\S]*))?/;
// ARM codes of a 400 that says "something else holds this" rather than "this is not allowed".
const CONFLICT_CODES = /conflict|inuse|alreadyexists|anotheroperation|inprogress/i;
// A 409 is mostly another operation holding the resource, under code "Conflict" too: App Service's "Cannot modify
// this web hosting plan because another operation is in progress" (Azure/azure-sdk-for-java#1827), its "Failed to
// acquire ServiceAssociationLinkLease. Another thread or instance may be holding it." (hashicorp/terraform-provider-
// azurerm#32089), Network's AnotherOperationInProgress. Not always: a 409 that says none of this is shown as Azure
// worded it, since "try again in a minute" would hide a reason waiting does not lift.
const BUSY = /another (operation|thread|instance)|in progress|inprogress|\bpending\b|\blease\b|associationlinklease|\bretry\b|try again/i;

/**
 * Turns what the SDK throws into a BotError a user can act on, naming the missing permission, the missing resource
 * or the busy one; an operation that ended Failed is "unavailable" with Azure's reason. Other Azure answers become a
 * plain Error without the request (internal: the Slack layer logs it with a reference id); bugs and network errors
 * are rethrown as they are.
 */
export function translateAzureError(error: unknown, operation: AzureOperation, resource: string): never {
  if (error instanceof BotError) throw error;
  // No token, no request: the same answer whatever the command, naming the credential that failed.
  if (isCredentialError(error)) throw credentialFailure(error);
  const failed = error instanceof Error && error.name !== "RestError" ? FAILED_OPERATION.exec(error.message) : null;
  if (failed) {
    // Azure's reason, like any ARM message, may echo a URL with a SAS token (the VPN package's): redacted as they are.
    const reason = failed[1] ? redact(`${failed[1]}: ${failed[2] ?? ""}`.trim()) : "Azure gave no reason";
    throw new BotError("unavailable", `Azure started the operation on ${resource} but it ended Failed (${reason}).`, {
      hint: "Check the resource in the Azure portal, then run the same change again; steps already done are skipped.",
    });
  }
  if (!isRestErrorLike(error)) throw error;
  const azureRequestId = error.response?.headers?.get("x-ms-request-id") ?? error.request?.requestId;
  // ARM's message is safe to show, but a message that echoes a request could carry a SAS token.
  const azureMessage = redact(error.message.split("\n")[0] ?? error.message);
  // No cause: the RestError holds the request, whose body or echoed message may carry the VPN package URL.
  const options = azureRequestId ? { azureRequestId } : {};
  switch (error.statusCode) {
    case 401:
      throw new BotError("forbidden", `Azure did not accept the bot's credentials while working on ${resource}.`, {
        ...options,
        hint: "Check the bot's managed identity or service principal (DefaultAzureCredential) and its tenant.",
      });
    case 403: {
      // A poll of a long-running operation is refused for its own action, which only a subscription-scoped assignment grants.
      const poll = pollActionOf(error.request?.url);
      if (poll) {
        throw new BotError("forbidden", `Azure started the operation on ${resource} but the bot may not follow it: it needs ${poll} on the subscription.`, {
          ...options,
          hint: "Assign the vnetbot custom role at the subscription (long-running operations are polled at subscription scope), then run the same change again; steps already done are skipped.",
        });
      }
      throw new BotError("forbidden", `The bot is not allowed to do this on ${resource}: it needs ${PERMISSIONS[operation].join(" and ")}.`, {
        ...options,
        hint: "Assign the vnetbot custom role (src/azure/vnetbot-role.json) to the bot's identity at this scope.",
      });
    }
    case 404:
      throw new BotError("not-found", `Azure could not find ${resource}.`, { ...options, hint: "Check the name, or see what exists with /vnet list." });
    case 412:
      throw new BotError("conflict", `${resource} changed in Azure while the bot was updating it; nothing was overwritten.`, {
        ...options,
        hint: "Run the same command again: it reads the current state first.",
      });
    case 409:
      // A management lock is no busy resource: waiting does not lift it, whoever owns it must (lock-errors.ts).
      if (error.code === "ScopeLocked") throw scopeLockedError(azureMessage, resource, options);
      if (error.code === "MissingSubscriptionRegistration") {
        throw new BotError("unavailable", `The subscription of ${resource} is not registered for a resource provider the bot needs: ${azureMessage}`, {
          ...options,
          hint: "Register it once (az provider register --namespace <the provider named above>), then try again.",
        });
      }
      if (!BUSY.test(`${error.code ?? ""} ${azureMessage}`)) {
        throw new BotError("conflict", `Azure refused this on ${resource} with a conflict: ${azureMessage}`, {
          ...options,
          hint: "Nothing was changed by this attempt. Azure's reason is above: if it names another operation, run the same command again in a minute; otherwise fix what it names first.",
        });
      }
    // falls through: another operation holds the resource
    case 429:
      // ARM's own throttling of the subscription, not a busy resource (request-limits-and-throttling.md).
      if (error.code === "SubscriptionRequestsThrottled") {
        throw new BotError("throttled", `Azure is throttling the bot's requests to the subscription of ${resource}; try again in a minute.`, {
          ...options,
          hint: "Nothing was changed by this attempt; run the same command again in a minute.",
        });
      }
      throw new BotError("throttled", `Azure is busy with another operation on ${resource}; try again in a minute.`, {
        ...options,
        hint: "Nothing was changed by this attempt; run the same command again in a minute.",
      });
    case 400:
      throw new BotError(CONFLICT_CODES.test(error.code ?? "") ? "conflict" : "ineligible", `Azure refused this on ${resource}: ${azureMessage}`, {
        ...options,
        hint: "Azure's reason is above; fix that and try again.",
      });
    case undefined:
      // No answer at all (DNS, TLS, a refused connection): the bot's network, not the resource.
      if (error.code === "REQUEST_SEND_ERROR") {
        throw new BotError("unavailable", `vnetbot could not reach Azure Resource Manager while working on ${resource} (${azureMessage}).`, {
          hint: "Check the bot's network path to ARM (proxy, firewall, DNS) and AZURE_ARM_ENDPOINT if it is set; nothing was changed.",
        });
      }
      throw new Error(`Azure failed on ${resource} (no HTTP answer ${error.code ?? ""}): ${azureMessage}`);
    default:
      // A server error is Azure's side, and the SDK has already retried it: say what Azure answered, not "something
      // went wrong", so that the user knows it is not the bot and whom to ask (with the request id).
      if ((error.statusCode ?? 0) >= 500) {
        throw new BotError("unavailable", `Azure answered HTTP ${error.statusCode}${error.code ? ` ${error.code}` : ""} while working on ${resource}: ${azureMessage}`, {
          ...options,
          hint: `That is an error on Azure's side, still there after the bot's retries. Try again in a few minutes (steps already done are skipped); if it persists, check Azure's status page${azureRequestId ? ` and quote x-ms-request-id ${azureRequestId} to Azure support` : ""}.`,
        });
      }
      throw new Error(`Azure failed on ${resource} (HTTP ${error.statusCode ?? "none"} ${error.code ?? ""}): ${azureMessage}${azureRequestId ? ` [x-ms-request-id ${azureRequestId}]` : ""}`);
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
