/**
 * Whether Azure is usable by the bot: a token for ARM, then one cheap read per configured subscription (the first
 * page of its plan list). Start-up and /readyz ask it, so that a missing credential or role shows before a user's
 * command finds nothing.
 */
import type { TokenCredential } from "@azure/identity";
import { BotError } from "../errors.ts";
import type { AzureClients } from "./clients.ts";
import { credentialFailure, isCredentialError } from "./credential-errors.ts";
import { callAzure } from "./errors.ts";

/**
 * Resolves when the bot can sign in and read every subscription; otherwise rejects with a BotError naming the
 * credential or the subscriptions that failed and why.
 */
export async function probeAzure(clients: AzureClients, subscriptions: readonly string[], signal?: AbortSignal): Promise<void> {
  try {
    await clients.credential.getToken(clients.scope, signal ? { abortSignal: signal } : {});
  } catch (error) {
    if (isCredentialError(error)) throw credentialFailure(error);
    throw error;
  }
  const failures = await Promise.all(
    subscriptions.map(async (sub) => {
      try {
        await callAzure("listPlans", `subscription ${sub}`, async () => {
          const pages = (await clients.web(sub)).appServicePlans.list(signal ? { abortSignal: signal } : {}).byPage();
          await pages.next();
        });
        return undefined;
      } catch (error) {
        return error instanceof BotError ? error : new BotError("unavailable", `reading subscription ${sub} failed unexpectedly (${(error as Error).message})`);
      }
    }),
  );
  const failed = failures.filter((f) => f !== undefined);
  if (failed.length === 0) return;
  const messages = [...new Set(failed.map((f) => f.message))];
  throw new BotError("unavailable", `${failed.length} of ${subscriptions.length} subscriptions could not be read: ${messages.join(" ")}`, {
    ...(failed[0]!.hint ? { hint: failed[0]!.hint } : {}),
  });
}

/**
 * Whether the environment's credential gets a token for Azure Resource Manager (public cloud), for a start that
 * stops on its configuration: the operator learns of a broken sign-in in the same message, not on the next attempt.
 * Resolves with what is wrong, or undefined when a token came.
 */
export async function signInProblem(credential: TokenCredential, signal: AbortSignal): Promise<string | undefined> {
  try {
    await credential.getToken("https://management.azure.com/.default", { abortSignal: signal });
    return undefined;
  } catch (error) {
    if (isCredentialError(error)) return credentialFailure(error).message;
    if (signal.aborted) return "no token within the time allowed (is Microsoft Entra ID reachable from here?)";
    return error instanceof Error ? error.message : String(error);
  }
}
