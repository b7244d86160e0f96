/**
 * Management locks (Microsoft.Authorization/locks) as ARM enforces them, before a request reaches the resource
 * provider. A lock applies to its scope and to everything below it; CanNotDelete refuses deletions, ReadOnly refuses
 * every request but a read, POST included ("a read-only lock on a storage account prevents users from listing the
 * account keys ... handled through a POST request": azure-resource-manager/management/lock-resources.md). The answer
 * is 409 ScopeLocked in the words ARM uses, as reported in Azure/azure-sdk-for-java#2560 (a ReadOnly lock on a group,
 * a POST refused) and MicrosoftDocs/azure-docs#50385 (a lock on a VM, a write refused).
 */
import { SimError } from "./http.ts";

/** A lock of the estate: its scope is a resource group's id or a resource's. */
export interface SimLock {
  name: string;
  level: "ReadOnly" | "CanNotDelete";
  scope: string;
}

/** The refusal of a request under a lock, or undefined when no lock stands in its way. */
export function lockRefusal(locks: readonly SimLock[], method: string, path: string): SimError | undefined {
  if (method === "GET" || method === "HEAD") return undefined;
  const operation = method === "DELETE" ? "delete" : "write";
  const lower = path.toLowerCase();
  const blocking = locks.filter((lock) => {
    const scope = lock.scope.toLowerCase();
    const covers = lower === scope || lower.startsWith(`${scope}/`);
    return covers && (lock.level === "ReadOnly" || operation === "delete");
  });
  if (blocking.length === 0) return undefined;
  const scopes = [...new Set(blocking.map((lock) => `'${lock.scope}'`))].join(",");
  return new SimError(409, "ScopeLocked", `The scope '${path}' cannot perform ${operation} operation because following scope(s) are locked: ${scopes}. Please remove the lock and try again.`);
}
