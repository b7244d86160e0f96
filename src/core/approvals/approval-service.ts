/** Change requests from preview to execution: approval post, decisions, expiry, progress, recovery after restarts. */
import { randomBytes } from "node:crypto";
import { BotError } from "../../errors.ts";
import type { Button, Decision } from "../button.ts";
import { describeFailure, failureClause } from "../failure.ts";
import type { Logger } from "../../log.ts";
import { BOT_ACTOR, type AuditLog, type AuditRecord } from "../audit.ts";
import { previewChange } from "../changes/preview-change.ts";
import type { ChangeDeps, ChangeRequest } from "../changes/types.ts";
import type { ChatPort, Clock, PostedMessage } from "../ports.ts";
import { ACTIONS, escapeMrkdwn, textReply, type Reply } from "../reply.ts";
import { formatTime } from "../format.ts";
import { approvalMessage, askedIn, requesterPlanReply, resumeLine, unrecordedApprovalMessage } from "./approval-message.ts";
import type { ApprovalRecord, ApprovalStore, RequestOrigin } from "./approval-store.ts";
import { runApproved } from "./run-approved.ts";

/** What the approval flow needs. */
export interface ApprovalServiceDeps {
  store: ApprovalStore;
  audit: AuditLog;
  chat: ChatPort<Reply>;
  change: ChangeDeps;
  clock: Clock;
  logger: Logger;
  expireAfterMinutes: number;
  /** Where approval requests go; undefined: the channel where the change was asked. */
  approvalChannel: string | undefined;
  newId?: () => string;
  /** This bot instance (config.instanceId), the owner of the changes it runs; default: a random id per service. */
  instanceId?: string;
  /** How long a running change stays ours without a renewal (default 2 min); renewed every leaseMs / 4. */
  leaseMs?: number;
}

/** Who asked, where, and the runnable command (after /vnet) that asks for the same change. */
export interface Requester {
  userId: string;
  channelId: string;
  commandText: string;
  /** The button that asked on the user's behalf, if any. */
  origin?: RequestOrigin;
  /** The command's deadline: once the user has been told it timed out, no request may appear after all. */
  signal?: AbortSignal;
}

/**
 * The approval flow. Who may ask and who may decide is checked before it is called (the access rules of the
 * commands and of the Approve and Reject buttons); here a request moves through its states exactly once.
 */
export interface ApprovalService {
  /** Previews the change, records the request, posts the approval message; returns the plan. */
  requestChange(requester: Requester, request: ChangeRequest): Promise<Reply>;
  /** A decision on a request by someone allowed to make it (the requester's own Reject withdraws); BotError when it is too late. */
  decide(requestId: string, userId: string, decision: "approve" | "reject"): Promise<Decision>;
  /** Expires pending requests past their time, interrupts changes whose runner is gone, and updates their messages. */
  expireDue(): Promise<ApprovalRecord[]>;
  /**
   * Marks changes whose runner is gone (its lease ran out) interrupted and tells the requester how to finish them.
   * With `predecessor` (at start, when this instance's previous incarnation is known to be gone), the changes it ran
   * are interrupted at once, without waiting for their lease, so that running them again works right away.
   */
  recoverInterrupted(options?: { predecessor?: string }): Promise<ApprovalRecord[]>;
}

/** Builds the approval flow over its ports. */
export function createApprovalService(deps: ApprovalServiceDeps): ApprovalService {
  const newId = deps.newId ?? (() => randomBytes(4).toString("hex"));
  const owner = deps.instanceId ?? randomBytes(6).toString("hex");
  const leaseMs = deps.leaseMs ?? 120_000;
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
  const thread = async (record: ApprovalRecord, text: string) => {
    if (!record.message) return;
    try {
      await deps.chat.replyInThread(record.message, textReply(text, { visibility: "in_channel" }));
    } catch (error) {
      deps.logger.warn("could not post in the request's thread", { requestId: record.id, error: (error as Error).message });
    }
  };
  const refuse = async (requestId: string, userId: string, error: BotError): Promise<never> => {
    await audit({ actor: userId, action: "refuse", requestId, summary: error.message });
    throw error;
  };
  const runDeps = { ...deps, audit, updateMessage, refresh, thread, owner, leaseMs };

  async function requestChange(requester: Requester, request: ChangeRequest): Promise<Reply> {
    // The preview's reads stop with the command's deadline, not only its wait.
    const reader = requester.signal ? deps.change.reader.withSignal(requester.signal) : deps.change.reader;
    const plan = await previewChange({ ...deps.change, reader }, request);
    requester.signal?.throwIfAborted();
    const now = deps.clock.now();
    const id = newId();
    const created = await deps.store.create({
      id, request, plan, commandText: requester.commandText, requestedBy: requester.userId, requestedIn: requester.channelId,
      createdAt: now, expiresAt: new Date(now.getTime() + deps.expireAfterMinutes * 60_000), appKeys: appsOf(request),
      ...(requester.origin ? { origin: requester.origin } : {}),
    });
    if (!created.created) {
      // One change at a time per plan and VNet, and per app: two connects of one app to two VNets would both reach
      // approval, and the second could only fail.
      const other = created.existing;
      const same = created.holds === "app" ? "app" : "target";
      throw new BotError("conflict", `Another change of the same ${same} is ${other.status}: ${other.plan.title} (request \`${other.id}\`, asked by <@${other.requestedBy}>${askedIn(other)}).`, {
        hint: `One change at a time per ${same === "app" ? "app" : "plan and VNet"}: wait until it finishes, expires or is rejected. \`/vnet approvals\` lists the pending ones.`,
      });
    }
    await audit({ actor: requester.userId, action: "request", requestId: id, summary: `${plan.title} (/vnet ${requester.commandText})` });
    const channel = deps.approvalChannel ?? requester.channelId;
    let record = await refresh(id);
    let message: PostedMessage;
    try {
      message = await deps.chat.post(channel, approvalMessage(record));
    } catch (error) {
      await deps.store.decide(id, "rejected", BOT_ACTOR, now);
      await audit({ actor: BOT_ACTOR, action: "reject", requestId: id, summary: "the approval request could not be posted" });
      deps.logger.warn("could not post the approval request", { requestId: id, channel, error: (error as Error).message });
      throw new BotError("unavailable", `I could not post the approval request to <#${channel}>, so nothing will run.`, {
        hint: "Invite the bot to that channel (/invite @vnetbot), or check slack.approvalChannel in the configuration, then ask again.",
      });
    }
    try {
      await deps.store.setMessage(id, message);
    } catch (error) {
      // The message is out with live buttons, but the request does not know it: an approval would run with nobody's
      // message updated. Withdrawn, with the buttons taken off, rather than said to be unposted.
      deps.logger.warn("could not record the approval message", { requestId: id, error: (error as Error).message });
      const withdrawn = await deps.store.decide(id, "rejected", BOT_ACTOR, now).catch(() => false);
      const buttonsOff = await deps.chat.update(message, unrecordedApprovalMessage(record, withdrawn)).then(() => true, () => false);
      // A database that refused the withdrawal too leaves the request pending, and a message that could not be updated
      // keeps its buttons: each said as it is. (A withdrawn request refuses any click on buttons left behind.)
      const pending = `I posted the approval request to <#${channel}> but could not record it in my database, nor withdraw it: it stays pending, holding its target, until it expires at ${formatTime(record.expiresAt)}.`;
      throw new BotError(
        "unavailable",
        withdrawn
          ? `I posted the approval request to <#${channel}> but could not record it in my database, so I withdrew it and nothing will run.`
          : buttonsOff
            ? `${pending} Nothing runs from that message.`
            : `${pending} Its message still shows Approve and Reject (Slack did not take the update): an approval there runs the change, though vnetbot cannot update that message as it runs.`,
        { hint: withdrawn ? "Ask again once the bot's database is reachable (GET /readyz says whether it is)." : `Ask again once it has expired (request \`${id}\`; \`/vnet approvals\` lists it while it waits).` },
      );
    }
    record = await refresh(id);
    return requesterPlanReply(record);
  }

  async function decide(requestId: string, userId: string, decision: "approve" | "reject"): Promise<Decision> {
    const record = await deps.store.get(requestId);
    if (!record) return refuse(requestId, userId, new BotError("not-found", `There is no change request \`${escapeMrkdwn(requestId)}\`.`, { hint: "`/vnet approvals` lists the pending ones." }));
    const isWithdrawal = record.requestedBy === userId && decision === "reject";
    const now = deps.clock.now();
    const status = decision === "approve" ? "approved" : "rejected";
    if (record.status === "pending" && (await deps.store.decide(requestId, status, userId, now))) {
      if (decision === "reject") {
        await audit({ actor: userId, action: "reject", requestId, summary: isWithdrawal ? `withdrawn by the requester: ${record.plan.title}` : record.plan.title });
        await updateMessage(await refresh(requestId));
        const verb = isWithdrawal ? "withdrew" : "rejected";
        return { reply: textReply(`You ${verb} request \`${requestId}\`: ${record.plan.title}. Nothing was changed.`), execution: undefined };
      }
      let decided: ApprovalRecord;
      try {
        await audit({ actor: userId, action: decision, requestId, summary: record.plan.title });
        decided = await refresh(requestId);
        await updateMessage(decided);
      } catch (error) {
        await abandon(requestId, error);
        throw error;
      }
      // Handled here, so that a reply that fails before anyone awaits it leaves no unhandled rejection.
      const execution = runApproved(runDeps, decided).catch((error: unknown) => abandon(requestId, error));
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

  /** An approved change that could not be started: failed with the reason, so that its target is free again. */
  async function abandon(requestId: string, error: unknown): Promise<void> {
    const failure = describeFailure(error, deps.logger, "starting an approved change", { requestId });
    try {
      if (!(await deps.store.abandon(requestId, `it could not be started: ${failureClause(failure)}`, deps.clock.now()))) return;
      await updateMessage(await refresh(requestId));
      await audit({ actor: BOT_ACTOR, action: "fail", requestId, summary: `could not be started: ${failureClause(failure)}` });
    } catch (again) {
      deps.logger.error("could not mark the change failed", { requestId, ref: failure.ref, error: again instanceof Error ? again.message : String(again) });
    }
  }

  async function expireDue(): Promise<ApprovalRecord[]> {
    const expired = await deps.store.expireDue(deps.clock.now());
    for (const record of expired) {
      await audit({ actor: BOT_ACTOR, action: "expire", requestId: record.id, summary: record.plan.title });
      await updateMessage(record);
      // The requester hears of it as of any other end of the request, not only whoever opens the channel.
      await thread(record, `:alarm_clock: <@${record.requestedBy}> ${record.plan.title} expired without a decision; nothing ran. Ask again (\`/vnet ${record.commandText}\`) if it is still needed.`);
    }
    // A replica that died mid-change is noticed here too, once its lease has run out, not only at a start.
    await recoverInterrupted();
    return expired;
  }

  async function recoverInterrupted(options: { predecessor?: string } = {}): Promise<ApprovalRecord[]> {
    const now = deps.clock.now();
    const interrupted = await deps.store.interruptUnfinished(now, new Date(now.getTime() - leaseMs), options.predecessor);
    for (const record of interrupted) {
      const progress = `after ${record.steps.length} of ${record.plan.steps.length} steps`;
      await audit({ actor: BOT_ACTOR, action: "interrupt", requestId: record.id, summary: `${record.plan.title}: interrupted ${progress}` });
      await updateMessage(record);
      // Its lease ran out: the process stopped (a restart, a crash) or could no longer reach the database, in which
      // case the step it was in may well have reached Azure without being recorded.
      const running = record.steps.length < record.plan.steps.length ? " (the step that was running may have reached Azure)" : "";
      await thread(record, `:warning: <@${record.requestedBy}> ${record.plan.title} was interrupted ${progress}: the bot process running it stopped, or lost its database, before the change ended${running}. Nothing more runs by itself. ${resumeLine(record)}`);
    }
    return interrupted;
  }

  return { requestChange, decide, expireDue, recoverInterrupted };
}

/**
 * The Approve and Reject buttons of approval requests: approvers decide, never the requester (four eyes), except
 * that requesters may Reject, which withdraws their own request.
 */
export function approvalButtons(approvals: ApprovalService, store: ApprovalStore): Button[] {
  const requesterOf = async (requestId: string) => (await store.get(requestId))?.requestedBy;
  const deed = "approve or reject changes";
  return [
    {
      actionId: ACTIONS.approve, label: "Approve", requesterOf,
      access: { audience: "approvers", deed, requester: "refused" },
      click: ({ userId, value }) => approvals.decide(value, userId, "approve"),
    },
    {
      actionId: ACTIONS.reject, label: "Reject", requesterOf,
      access: { audience: "approvers", deed, requester: "allowed" },
      click: ({ userId, value }) => approvals.decide(value, userId, "reject"),
    },
  ];
}

/** The apps (and slots) a change connects, disconnects or moves, by lower-case id; none for plan-level changes. */
export function appsOf(request: ChangeRequest): string[] {
  const fields = request as { appId?: unknown; appIds?: unknown };
  const ids = [...(typeof fields.appId === "string" ? [fields.appId] : []), ...(Array.isArray(fields.appIds) ? fields.appIds.filter((id): id is string => typeof id === "string") : [])];
  return ids.map((id) => id.toLowerCase());
}
