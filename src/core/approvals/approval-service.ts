/** Change requests from preview to execution: approval post, decisions, expiry, progress, recovery after restarts. */
import { randomBytes } from "node:crypto";
import { BotError } from "../../errors.ts";
import type { Logger } from "../../log.ts";
import { BOT_ACTOR, type AuditLog, type AuditRecord } from "../audit.ts";
import { previewChange } from "../changes/preview-change.ts";
import type { ChangeDeps, ChangeRequest } from "../changes/types.ts";
import type { ChatPort, Clock } from "../ports.ts";
import { textReply, type Reply } from "../reply.ts";
import type { AccessPolicy } from "./access-policy.ts";
import { approvalMessage, formatTime, requesterPlanReply } from "./approval-message.ts";
import type { ApprovalRecord, ApprovalStore } from "./approval-store.ts";
import { runApproved } from "./run-approved.ts";

/** What the approval flow needs. */
export interface ApprovalServiceDeps {
  store: ApprovalStore;
  audit: AuditLog;
  access: AccessPolicy;
  chat: ChatPort<Reply>;
  change: ChangeDeps;
  clock: Clock;
  logger: Logger;
  expireAfterMinutes: number;
  /** Where approval requests go; undefined: the channel where the change was asked. */
  approvalChannel: string | undefined;
  newId?: () => string;
}

/** Who asked, where, and what they typed. */
export interface Requester {
  userId: string;
  channelId: string;
  commandText: string;
}

/** The answer to a click, and the change it started (await it to know when the change has finished). */
export interface Decision {
  reply: Reply;
  execution: Promise<void> | undefined;
}

/** The approval flow. */
export interface ApprovalService {
  /** Previews the change, records the request, posts the approval message; returns the requester's plan. */
  requestChange(requester: Requester, request: ChangeRequest): Promise<Reply>;
  /** A click on Approve or Reject; throws BotError for refusals (which are audited). */
  decide(requestId: string, userId: string, decision: "approve" | "reject"): Promise<Decision>;
  /** Expires pending requests past their time and updates their messages. */
  expireDue(): Promise<ApprovalRecord[]>;
  /** At start-up: marks changes that a restart cut short as interrupted and says how to finish them. */
  recoverInterrupted(): Promise<ApprovalRecord[]>;
}

/** Builds the approval flow over its ports. */
export function createApprovalService(deps: ApprovalServiceDeps): ApprovalService {
  const newId = deps.newId ?? (() => randomBytes(4).toString("hex"));
  const audit = (record: Omit<AuditRecord, "at" | "azureRequestIds"> & { azureRequestIds?: string[] }) =>
    deps.audit.append({ at: deps.clock.now(), azureRequestIds: [], ...record });
  const refresh = async (id: string) => (await deps.store.get(id))!;
  const updateMessage = async (record: ApprovalRecord) => {
    if (!record.message) return;
    try {
      await deps.chat.update(record.message, approvalMessage(record));
    } catch (error) {
      deps.logger.warn("could not update the approval message", { requestId: record.id, error: (error as Error).message });
    }
  };
  const refuse = async (requestId: string, userId: string, error: BotError): Promise<never> => {
    await audit({ actor: userId, action: "refuse", requestId, summary: error.message });
    throw error;
  };

  async function requestChange(requester: Requester, request: ChangeRequest): Promise<Reply> {
    const plan = await previewChange(deps.change, request);
    const now = deps.clock.now();
    const id = newId();
    const created = await deps.store.create({
      id, request, plan, commandText: requester.commandText, requestedBy: requester.userId, requestedIn: requester.channelId,
      createdAt: now, expiresAt: new Date(now.getTime() + deps.expireAfterMinutes * 60_000),
    });
    if (!created.created) {
      const other = created.existing;
      throw new BotError("conflict", `Another change of the same target is ${other.status}: ${other.plan.title} (request \`${other.id}\`, asked by <@${other.requestedBy}>${other.message ? ` in <#${other.message.channel}>` : ""}).`, {
        hint: "One change at a time per plan and VNet: wait until it finishes, expires or is rejected. `/vnet approvals` lists the pending ones.",
      });
    }
    await audit({ actor: requester.userId, action: "request", requestId: id, summary: `${plan.title} (/vnet ${requester.commandText})` });
    const channel = deps.approvalChannel ?? requester.channelId;
    let record = await refresh(id);
    try {
      const message = await deps.chat.post(channel, approvalMessage(record));
      await deps.store.setMessage(id, message);
    } catch (error) {
      await deps.store.decide(id, "rejected", BOT_ACTOR, now);
      await audit({ actor: BOT_ACTOR, action: "reject", requestId: id, summary: "the approval request could not be posted" });
      deps.logger.warn("could not post the approval request", { requestId: id, channel, error: (error as Error).message });
      throw new BotError("unavailable", `I could not post the approval request to <#${channel}>, so nothing will run.`, {
        hint: "Invite the bot to that channel (/invite @vnetbot), or check slack.approvalChannel in the configuration, then ask again.",
      });
    }
    record = await refresh(id);
    return requesterPlanReply(record);
  }

  async function decide(requestId: string, userId: string, decision: "approve" | "reject"): Promise<Decision> {
    const record = await deps.store.get(requestId);
    if (!record) return refuse(requestId, userId, new BotError("not-found", `There is no change request \`${requestId}\`.`, { hint: "`/vnet approvals` lists the pending ones." }));
    if (record.requestedBy === userId) {
      return refuse(requestId, userId, new BotError("forbidden", "You asked for this change, so another approver has to decide it.", { hint: "Ask one of the approvers to look at it." }));
    }
    if (!(await deps.access.canApprove(userId))) {
      return refuse(requestId, userId, new BotError("forbidden", "Only approvers can approve or reject changes.", { hint: "Ask an approver (access.approvers in the configuration) to decide it." }));
    }
    const now = deps.clock.now();
    const status = decision === "approve" ? "approved" : "rejected";
    if (record.status === "pending" && (await deps.store.decide(requestId, status, userId, now))) {
      await audit({ actor: userId, action: decision, requestId, summary: record.plan.title });
      const decided = await refresh(requestId);
      await updateMessage(decided);
      if (decision === "reject") return { reply: textReply(`You rejected request \`${requestId}\`: ${record.plan.title}. Nothing was changed.`), execution: undefined };
      const execution = runApproved({ ...deps, audit, updateMessage, refresh }, decided);
      return { reply: textReply(`You approved request \`${requestId}\`: ${record.plan.title}. Progress is posted in the request's thread.`), execution };
    }
    if (record.status === "pending") await expireDue();
    const latest = await refresh(requestId);
    if (latest.status === "expired") {
      return refuse(requestId, userId, new BotError("expired", `Request \`${requestId}\` expired at ${formatTime(latest.expiresAt)}; nothing ran.`, { hint: `Ask <@${latest.requestedBy}> to request it again if it is still needed.` }));
    }
    const by = latest.decidedBy ? ` by <@${latest.decidedBy}>` : "";
    return refuse(requestId, userId, new BotError("conflict", `Request \`${requestId}\` was already ${latest.status === "rejected" ? "rejected" : "approved"}${by}; it is ${latest.status} now.`, { hint: "Nothing more to do." }));
  }

  async function expireDue(): Promise<ApprovalRecord[]> {
    const expired = await deps.store.expireDue(deps.clock.now());
    for (const record of expired) {
      await audit({ actor: BOT_ACTOR, action: "expire", requestId: record.id, summary: record.plan.title });
      await updateMessage(record);
    }
    return expired;
  }

  async function recoverInterrupted(): Promise<ApprovalRecord[]> {
    const interrupted = await deps.store.interruptUnfinished(deps.clock.now());
    for (const record of interrupted) {
      await audit({ actor: BOT_ACTOR, action: "interrupt", requestId: record.id, summary: `${record.plan.title}: interrupted after ${record.steps.length} of ${record.plan.steps.length} steps` });
      await updateMessage(record);
    }
    return interrupted;
  }

  return { requestChange, decide, expireDue, recoverInterrupted };
}
