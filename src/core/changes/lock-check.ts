/**
 * Management locks against what a change writes: ARM refuses, whatever the bot's role, every change below a
 * ReadOnly lock and every deletion below a CanNotDelete one (409 ScopeLocked). A change whose first steps ran before
 * a lock stopped a later one is left half-done, so the locks are read when the change is previewed (a warning for
 * the approvers: the lock may be lifted for the change) and again before its first step runs (refused, nothing
 * changed, while a lock would still stop it).
 */
import { BotError } from "../../errors.ts";
import { describeLockScope } from "../lock-scope.ts";
import type { ManagementLock } from "../model.ts";
import type { AzureReader } from "../ports.ts";

/** A resource a change writes or deletes (a child resource counts as its parent's, where locks are set). */
export interface Touch {
  id: string;
  operation: "write" | "delete";
  /** How the warning names it: "gateway gw-hub". */
  what: string;
  /** Only when a step finds it needed at run time (a root certificate no one uses any more): warned, not refused. */
  maybe?: boolean;
}

/** What the locks say of a change's touches. */
export interface LockFindings {
  blocked: Array<{ touch: Touch; lock: ManagementLock }>;
  /** Why the locks could not be read, when they could not: the change goes on, ARM will still refuse. */
  unreadable: string | undefined;
}

const SUBSCRIPTION = /^\/subscriptions\/([^/]+)/i;

function covers(scope: string, id: string): boolean {
  const s = scope.toLowerCase().replace(/\/+$/, "");
  const target = id.toLowerCase();
  return target === s || target.startsWith(`${s}/`);
}

/** Reads the locks of every subscription the touches are in (one call each) and matches them. */
export async function findLocks(reader: Pick<AzureReader, "listLocks">, touches: readonly Touch[]): Promise<LockFindings> {
  const subscriptions = [...new Set(touches.map((t) => SUBSCRIPTION.exec(t.id)?.[1]?.toLowerCase()).filter((s): s is string => s !== undefined))];
  let locks: ManagementLock[];
  try {
    locks = (await Promise.all(subscriptions.map((s) => reader.listLocks(s)))).flat();
  } catch (error) {
    return { blocked: [], unreadable: error instanceof Error ? error.message : String(error) };
  }
  const blocked = touches.flatMap((touch) =>
    locks.filter((lock) => covers(lock.scope, touch.id) && (lock.level === "ReadOnly" || touch.operation === "delete")).map((lock) => ({ touch, lock })),
  );
  return { blocked, unreadable: undefined };
}

function refusedWork(touch: Touch): string {
  return touch.operation === "delete" ? `deletions in ${touch.what}` : `changes to ${touch.what}`;
}

function lockLine({ lock }: { lock: ManagementLock }): string {
  return `${lock.level} lock ${lock.name} on ${describeLockScope(lock.scope).text}`;
}

/** The preview's warnings: each lock that would refuse a write or deletion, or that the locks could not be read. */
export function lockWarnings(findings: LockFindings): string[] {
  if (findings.unreadable) return [`Management locks could not be read (${findings.unreadable}); a lock in the way would stop this change at its step.`];
  const byLock = new Map<string, { lock: ManagementLock; touches: Touch[] }>();
  for (const { lock, touch } of findings.blocked) {
    const key = `${lock.scope}|${lock.name}`.toLowerCase();
    const entry = byLock.get(key) ?? { lock, touches: [] };
    if (!entry.touches.some((t) => t.what === touch.what && t.operation === touch.operation)) entry.touches.push(touch);
    byLock.set(key, entry);
  }
  return [...byLock.values()].map(({ lock, touches }) => {
    const refused = touches.map((t) => `${refusedWork(t)}${t.maybe ? " (if that step is needed)" : ""}`).join(" and ");
    return `:lock: The ${lockLine({ lock })} refuses ${refused}: have it lifted before approving, or the change stops there.`;
  });
}

/** Refuses, before any step, a change that a lock would certainly stop; nothing has changed then. */
export function assertNotLocked(findings: LockFindings): void {
  const certain = findings.blocked.filter(({ touch }) => !touch.maybe);
  if (certain.length === 0) return;
  const first = certain[0]!;
  const group = describeLockScope(first.lock.scope).group;
  const others = certain.length > 1 ? ` (and ${certain.length - 1} more lock refusal${certain.length > 2 ? "s" : ""})` : "";
  throw new BotError("forbidden", `The ${lockLine(first)} refuses ${refusedWork(first.touch)}${others}, so the change did not start. Nothing was changed.`, {
    hint: `Waiting will not lift it. Ask whoever owns it to lift it for this change (\`az lock list${group ? ` --resource-group ${group}` : ""}\` shows it), then run the same change again.`,
  });
}
