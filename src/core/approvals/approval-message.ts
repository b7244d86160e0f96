/** The approval request as a neutral reply, in each state of its life; decided requests have no buttons. */
import type { ChangePlan } from "../changes/types.ts";
import { formatTime, STEP_MARK } from "../format.ts";
import { ACTIONS, type Reply, type ReplyPart } from "../reply.ts";
import type { ApprovalRecord } from "./approval-store.ts";


/** The plan's impact lines: what it means (sections), steps, affected and restarting apps, outage, warnings. */
export function planParts(plan: ChangePlan, record?: Pick<ApprovalRecord, "steps" | "status">): ReplyPart[] {
  const steps = plan.steps.map((step, i) => {
    const result = record?.steps.find((r) => r.stepId === step.id);
    const mark = result ? STEP_MARK[result.status] : record?.status === "running" && i === (record.steps.length) ? ":arrow_forward:" : ":white_small_square:";
    // A skipped step says why (its work was done already, or was not to be done): "already done" alone read as done.
    const suffix = result?.status === "skipped" ? ` _(skipped: ${result.detail ?? "already done"})_` : "";
    return `${mark} ${i + 1}. ${step.description}${suffix}`;
  });
  const parts: ReplyPart[] = [
    // What the change means comes first: approvers read it before they read the steps.
    ...(plan.sections ?? []).map((section): ReplyPart => ({ kind: "text", text: `*${section.heading}*\n${section.lines.map((line) => `• ${line}`).join("\n")}` })),
    { kind: "text", text: `*Steps*\n${steps.join("\n")}` },
    {
      kind: "fields",
      fields: [
        { label: "Affected apps", value: plan.affectedApps.join(", ") || "none" },
        { label: "Apps that restart", value: plan.restartingApps.join(", ") || "none" },
        { label: "Outage", value: plan.outage ?? "none expected" },
      ],
    },
  ];
  if (plan.warnings.length > 0) parts.push({ kind: "context", lines: plan.warnings.map((w) => `:warning: ${w}`) });
  return parts;
}

/** How to finish a change that stopped half-way: the plan's own advice, or running the same command again. */
export function resumeLine(record: Pick<ApprovalRecord, "plan" | "commandText">): string {
  return record.plan.resumeHint ?? `Run \`/vnet ${record.commandText}\` again to finish it: it is planned afresh, and steps already done are skipped.`;
}

/**
 * What to do after a failed change. One refused when planned afresh at approval (the estate changed since the
 * request) ran no step: "run it again to finish it" would promise a finish that the same refusal stops.
 */
export function afterFailure(record: Pick<ApprovalRecord, "plan" | "commandText" | "steps" | "failure">): string {
  // A step whose failure says all there is to do (renew's certificate check: "works as before"): the change's general
  // advice would contradict it.
  const failed = record.steps.find((s) => s.status === "failed");
  if (failed && record.plan.steps.find((s) => s.id === failed.stepId)?.resumeReplaced) return "";
  if (record.steps.length > 0) return resumeLine(record);
  const nothing = /nothing was changed/i.test(record.failure ?? "") ? "" : "Nothing was changed. ";
  return `${nothing}\`/vnet ${record.commandText}\`, asked again, is planned against Azure as it is now.`;
}

/** The status line of a request, e.g. "Approved by <@U1> at …" or "Failed at step 3 of 5: …". */
export function statusLines(record: ApprovalRecord): string[] {
  const total = record.plan.steps.length;
  const by = record.decidedBy ? `<@${record.decidedBy}>` : "";
  const when = record.decidedAt ? formatTime(record.decidedAt) : "";
  const again = resumeLine(record);
  switch (record.status) {
    case "pending":
      return [`:hourglass_flowing_sand: Waiting for an approver. Expires ${formatTime(record.expiresAt)}.`];
    case "approved":
      return [`:white_check_mark: Approved by ${by} at ${when}. Starting…`];
    case "running":
      return [`:white_check_mark: Approved by ${by} at ${when}.`, `:gear: Running: step ${Math.min(record.steps.length + 1, total)} of ${total}.`];
    case "done":
      // Done without a step: planned again at approval, it found Azure already as asked (the reason is kept).
      if (record.steps.length === 0 && record.failure) return [`:white_check_mark: Approved by ${by} at ${when}.`, `:white_check_mark: Already in place: ${record.failure} Nothing was changed.`];
      return [`:white_check_mark: Approved by ${by} at ${when}.`, `:tada: Done: ${total} of ${total} steps${record.finishedAt ? ` at ${formatTime(record.finishedAt)}` : ""}.`];
    case "failed": {
      const failedAt = record.steps.findIndex((s) => s.status === "failed");
      const where = failedAt >= 0 ? `at step ${failedAt + 1} of ${total}` : "before its first step";
      return [`:white_check_mark: Approved by ${by} at ${when}.`, `:x: Failed ${where}: ${record.failure ?? "unknown reason"}`, afterFailure(record)].filter(Boolean);
    }
    case "rejected":
      if (record.decidedBy === record.requestedBy) return [`:leftwards_arrow_with_hook: Withdrawn by ${by} at ${when}. Nothing was changed.`];
      return [`:no_entry: Rejected by ${by} at ${when}. Nothing was changed.`];
    case "expired":
      return [`:alarm_clock: Expired at ${formatTime(record.expiresAt)} without a decision. Nothing was changed.`];
    case "interrupted":
      return [
        `:warning: Interrupted after ${record.steps.length} of ${total} steps: the bot process running it stopped, or lost its database.`,
        `Nothing more runs by itself. ${again}`,
      ];
  }
}

/** Where a request was made, which is where its requester follows it; the approval message, when elsewhere, too. */
export function askedIn(record: Pick<ApprovalRecord, "requestedIn" | "message">): string {
  const where = record.requestedIn ? ` in <#${record.requestedIn}>` : "";
  const approval = record.message && record.message.channel !== record.requestedIn ? ` (approval in <#${record.message.channel}>)` : "";
  return `${where}${approval}`;
}

/** The approval message posted to the approval channel and updated in place through the request's life. */
export function approvalMessage(record: ApprovalRecord): Reply {
  const title = `Change request: ${record.plan.title}`;
  const parts: ReplyPart[] = [
    {
      kind: "context",
      lines: [`Requested by <@${record.requestedBy}> in <#${record.requestedIn}> at ${formatTime(record.createdAt)} · request \`${record.id}\` · \`/vnet ${record.commandText}\`${record.origin ? ` · from the ${record.origin.button} button of ${record.origin.source}` : ""}`],
    },
    ...planParts(record.plan, record),
    { kind: "divider" },
    { kind: "status", lines: statusLines(record) },
  ];
  if (record.status === "pending") {
    parts.push({
      kind: "buttons",
      buttons: [
        { actionId: ACTIONS.approve, label: "Approve", value: record.id, style: "primary" },
        { actionId: ACTIONS.reject, label: "Reject", value: record.id, style: "danger" },
      ],
    });
  }
  // The title is not repeated: renderers put it before the text themselves.
  const lines = statusLines(record);
  const text = lines[lines.length > 1 ? 1 : 0] ?? "";
  return { title, text, parts, visibility: "in_channel" };
}

/** The approval message once it turned out it could not be recorded: no buttons, and why nothing will run. */
export function unrecordedApprovalMessage(record: Pick<ApprovalRecord, "id" | "plan" | "commandText" | "requestedBy" | "expiresAt">, withdrawn: boolean): Reply {
  const line = withdrawn
    ? `:no_entry: Withdrawn by vnetbot: it could not record this request in its database, so it will not run. Nothing was changed. <@${record.requestedBy}> can ask again (\`/vnet ${record.commandText}\`) once the database is back.`
    : `:no_entry: vnetbot could not record this message in its database, nor withdraw the request: nothing runs from this message. Request \`${record.id}\` stays pending until ${formatTime(record.expiresAt)}; \`/vnet approvals\` shows it once the database is back.`;
  return { title: `Change request: ${record.plan.title}`, text: line, parts: [{ kind: "status", lines: [line] }], visibility: "in_channel" };
}

/** What the requester sees: the plan and where the approval request went. */
export function requesterPlanReply(record: ApprovalRecord): Reply {
  const channel = record.message ? `<#${record.message.channel}>` : "the approval channel";
  const line = `Approval requested in ${channel} (request \`${record.id}\`, expires ${formatTime(record.expiresAt)}). Nothing changes until an approver other than you approves it; Reject it yourself to withdraw it.`;
  return {
    title: record.plan.title,
    text: line,
    parts: [...planParts(record.plan), { kind: "status", lines: [line] }],
  };
}
