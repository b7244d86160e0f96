/**
 * ARM's refusal of a request under a management lock: 409 ScopeLocked, "The scope '<request>' cannot perform
 * <write|delete> operation because following scope(s) are locked: '<scope>'[,'<scope>']. Please remove the lock and
 * try again." (as ARM answered in Azure/azure-sdk-for-java#2560 and MicrosoftDocs/azure-docs#50385). Waiting does not
 * lift a lock, so it must not read "busy"; the answer names the locked scope and how to find the lock.
 */
import { BotError } from "../errors.ts";
import { describeLockScope } from "../core/lock-scope.ts";

const LOCKED = /cannot perform (\w+) operation because following scope\(s\) are locked: (.+?)\.\s*Please/i;

/** The BotError for a ScopeLocked answer on `resource`; Azure's own message when it cannot be read. */
export function scopeLockedError(azureMessage: string, resource: string, options: { azureRequestId?: string }): BotError {
  const found = LOCKED.exec(azureMessage);
  const scopes = found ? [...found[2]!.matchAll(/'([^']+)'/g)].map((m) => describeLockScope(m[1]!)) : [];
  const operation = found?.[1]?.toLowerCase() === "delete" ? "deletion" : "change";
  const where = scopes.length > 0 ? `on ${scopes.map((s) => s.text).join(" and ")} ` : "";
  const group = scopes.find((s) => s.group)?.group;
  const message = scopes.length > 0 ? `A management lock ${where}refuses this ${operation} of ${resource}.` : `A management lock refuses this on ${resource}: ${azureMessage}`;
  return new BotError("forbidden", message, {
    ...options,
    hint: `Waiting will not lift it: a ReadOnly lock refuses every change below its scope, a CanNotDelete lock every deletion (a disconnect, a route removal). Ask whoever owns it to lift it for this change (\`az lock list --resource-group ${group ?? "<group>"}\` names it), then run the same change again; steps already done are skipped.`,
  });
}
