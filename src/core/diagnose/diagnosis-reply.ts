/** The diagnosis as a neutral reply: one line per check (✅ ⚠️ ❌) with its evidence, the fix, and the command for it. */
import { commandTextOf } from "../changes/registry.ts";
import type { ChangeRequest } from "../changes/types.ts";
import type { ReplyButton, Reply, ReplyPart } from "../reply.ts";
import { problemsOf, type CheckStatus, type Diagnosis, type DiagnosisCheck } from "./diagnosis.ts";

/** The mark of each status, as Slack emoji codes. */
export const STATUS_MARK: Record<CheckStatus, string> = { pass: ":white_check_mark:", warn: ":warning:", fail: ":x:" };

/** The /vnet command that makes the change, for people who prefer to type it (it goes through approval too). */
export function commandFor(change: ChangeRequest): string {
  return `/vnet ${commandTextOf(change)}`;
}

/** One check as status lines: mark, title and evidence; then the fix and its command when it is not a pass. */
export function checkLines(check: DiagnosisCheck): string {
  const lines = [`${STATUS_MARK[check.status]} *${check.title}*: ${check.evidence}`];
  if (check.status !== "pass" && check.fix) lines.push(`      _Fix:_ ${check.fix}`);
  if (check.status !== "pass" && check.change) lines.push(`      \`${commandFor(check.change)}\``);
  return lines.join("\n");
}

/** A one-line summary, also the notification text. */
export function summarize(diagnosis: Diagnosis): string {
  const problems = problemsOf(diagnosis);
  const subject = `${diagnosis.appName} → ${diagnosis.vnetName}${diagnosis.target ? ` → ${diagnosis.target.host}${diagnosis.target.port ? `:${diagnosis.target.port}` : ""}` : ""}`;
  if (problems.length === 0) return `${subject}: all ${diagnosis.checks.length} checks pass.`;
  const failing = problems.filter((c) => c.status === "fail").length;
  const warnings = problems.length - failing;
  const counts = [failing > 0 ? `${failing} failing` : "", warnings > 0 ? `${warnings} to look at` : ""].filter(Boolean).join(", ");
  return `${subject}: ${counts}, starting with "${problems[0]!.title}".`;
}

/** A change the diagnosis offers, and the checks it would fix. */
export interface FixFor {
  change: ChangeRequest;
  checks: DiagnosisCheck[];
}

/**
 * Builds the reply. fixButton turns a fixable check into a button (the chat layer keeps the change server-side and
 * puts only its own id in the button); without it, the command to type is shown instead.
 */
export function diagnosisReply(diagnosis: Diagnosis, fixButton?: (offer: FixFor) => ReplyButton | undefined): Reply {
  const parts: ReplyPart[] = [{ kind: "status", lines: diagnosis.checks.map(checkLines) }];
  // A sync, a renewal or a peering needs the gateway (its root certificates, its package, its transit): while it is
  // down or busy they would be refused at approval, so no button offers them. A plan route is the plan's alone.
  const blocked = diagnosis.checks.some((c) => c.blocksChanges);
  const held = (change: ChangeRequest) => blocked && change.kind !== "route-add" && change.kind !== "route-remove";
  const withheld = problemsOf(diagnosis).some((c) => c.change !== undefined && held(c.change));
  const notes = withheld ? [...diagnosis.notes, "No Fix button for a change that needs the gateway while it is down or busy. Diagnose again once it is up."] : diagnosis.notes;
  if (notes.length > 0) parts.push({ kind: "context", lines: notes });
  // One button per change: DNS drift and a missing certificate both offer the same sync.
  const offers = new Map<string, FixFor>();
  for (const c of problemsOf(diagnosis)) {
    if (c.change === undefined || held(c.change)) continue;
    const key = commandFor(c.change);
    const offer = offers.get(key);
    if (offer) offer.checks.push(c);
    else offers.set(key, { change: c.change, checks: [c] });
  }
  const buttons = [...offers.values()].map((offer) => fixButton?.(offer)).filter((b): b is ReplyButton => b !== undefined);
  if (buttons.length > 0) parts.push({ kind: "buttons", buttons });
  return { text: summarize(diagnosis), title: `Diagnosis of ${diagnosis.appName}`, parts };
}
