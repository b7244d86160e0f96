/**
 * The one place that owns the cross-cutting work of commands and clicks: parse, look up, check access, run under
 * a deadline, map errors to replies. Bolt wiring (ack, respond) lives in app.ts; handlers only return replies.
 */
import { randomBytes } from "node:crypto";
import { BotError, isBotError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { AccessPolicy } from "../core/approvals/access-policy.ts";
import type { ApprovalService, Decision } from "../core/approvals/approval-service.ts";
import type { ApprovalStore } from "../core/approvals/approval-store.ts";
import type { AuditLog } from "../core/audit.ts";
import type { Command, CommandContext } from "../core/command.ts";
import type { AzureReader, Clock, KuduRunner } from "../core/ports.ts";
import { ACTIONS, problemReply, textReply, type Reply } from "../core/reply.ts";
import { DEADLINE_PASSED, INTERNAL_ERROR, TRY_AGAIN, WORKING } from "./messages.ts";
import { parseCommand } from "./parse-command.ts";

/** What the dispatcher needs. */
export interface DispatcherDeps {
  commands: readonly Command[];
  reader: AzureReader;
  subscriptions: readonly string[];
  clock: Clock;
  access: AccessPolicy;
  approvals: ApprovalService;
  approvalStore: ApprovalStore;
  audit: AuditLog;
  logger: Logger;
  kudu?: KuduRunner;
  alerts?: CommandContext["alerts"];
  offers?: CommandContext["offers"];
  /** Handlers of other buttons (e.g. the scheduled alerts' Renew and Snooze), by action id; they get our id value. */
  actions?: Readonly<Record<string, ClickHandler>>;
  /** How long a command may take before the user is told it stopped (default 120 s; instant ones 2.5 s). */
  deadlineMs?: number;
  /** Keeps work that outlived its deadline in view, so that stopping the bot (and tests) can wait for it. */
  track?: (work: Promise<unknown>) => void;
}

/** A typed command, split into what goes in the ack and the work that answers later through the response URL. */
export interface PreparedCommand {
  ack: Reply;
  work: (() => Promise<Reply>) | undefined;
}

/** Handles a click on one of our buttons; the value is our own id. Throw BotError to refuse. */
export type ClickHandler = (click: { userId: string; channelId: string; value: string }) => Promise<Decision>;

/** Who typed what, where. */
export interface Invocation {
  userId: string;
  channelId: string;
  text: string;
}

/** The dispatcher. */
export interface Dispatcher {
  prepare(invocation: Invocation): Promise<PreparedCommand>;
  click(click: { userId: string; channelId: string; actionId: string; value: string }): Promise<Decision>;
  /** BotError → its message and hint; anything else → "something went wrong (ref …)", logged with the ref. */
  errorReply(error: unknown, fields?: Record<string, string>): Reply;
}

const INSTANT_DEADLINE_MS = 2_500;

/** Builds the dispatcher over the command table. */
export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const deadlineMs = deps.deadlineMs ?? 120_000;

  function errorReply(error: unknown, fields: Record<string, string> = {}): Reply {
    if (isBotError(error)) return problemReply(error.message, error.hint);
    const ref = randomBytes(2).toString("hex");
    deps.logger.error("command failed", { ...fields, ref, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    return problemReply(INTERNAL_ERROR(ref), undefined);
  }

  async function run(command: Command, invocation: Invocation, args: Record<string, string | undefined>, ms: number): Promise<Reply> {
    const signal = AbortSignal.timeout(ms);
    const ctx: CommandContext = {
      userId: invocation.userId,
      channelId: invocation.channelId,
      commandText: invocation.text.trim().replace(/\s+/g, " "),
      signal,
      reader: deps.reader,
      subscriptions: deps.subscriptions,
      clock: deps.clock,
      access: deps.access,
      approvals: deps.approvalStore,
      audit: deps.audit,
      commands: deps.commands,
      ...(deps.kudu ? { kudu: deps.kudu } : {}),
      ...(deps.alerts ? { alerts: deps.alerts } : {}),
      ...(deps.offers ? { offers: deps.offers } : {}),
      requestChange: (request) => deps.approvals.requestChange({ userId: invocation.userId, channelId: invocation.channelId, commandText: ctx.commandText, signal }, request),
    };
    const started = Date.now();
    const fields = { command: command.name, user: invocation.userId };
    try {
      // The approval flow's own check, asked early so that a refused change reads nothing from Azure.
      if (command.changesAzure) await deps.approvals.checkMayRequest({ userId: invocation.userId, channelId: invocation.channelId, commandText: ctx.commandText });
      const work = command.run(ctx, args);
      // Its outcome is reported below (or, past the deadline, no longer awaited by anyone): only its end matters here.
      deps.track?.(work.then(
        () => undefined,
        () => undefined,
      ));
      const reply = await withDeadline(work, signal, ms);
      deps.logger.info("command answered", { ...fields, ms: Date.now() - started });
      return reply;
    } catch (error) {
      if (isBotError(error)) deps.logger.info("command refused", { ...fields, kind: error.kind, ms: Date.now() - started });
      return errorReply(error, fields);
    }
  }

  return {
    errorReply,
    async prepare(invocation) {
      let parsed;
      try {
        parsed = parseCommand(deps.commands, invocation.text);
      } catch (error) {
        return { ack: errorReply(error), work: undefined };
      }
      const { command, args } = parsed;
      if (command.instant) return { ack: await run(command, invocation, { ...args }, INSTANT_DEADLINE_MS), work: undefined };
      return { ack: textReply(WORKING(invocation.text.trim().replace(/\s+/g, " "))), work: () => run(command, invocation, { ...args }, deadlineMs) };
    },
    async click({ userId, channelId, actionId, value }) {
      const handler = deps.actions?.[actionId];
      if (handler) {
        try {
          return await handler({ userId, channelId, value });
        } catch (error) {
          return { reply: errorReply(error, { action: actionId, user: userId }), execution: undefined };
        }
      }
      if (actionId !== ACTIONS.approve && actionId !== ACTIONS.reject) {
        return { reply: problemReply("This button is not one I know any more.", "Ask for the change again."), execution: undefined };
      }
      try {
        return await deps.approvals.decide(value, userId, actionId === ACTIONS.approve ? "approve" : "reject");
      } catch (error) {
        return { reply: errorReply(error, { action: actionId, user: userId }), execution: undefined };
      }
    },
  };
}

function withDeadline<T>(work: Promise<T>, signal: AbortSignal, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new BotError("unavailable", DEADLINE_PASSED(Math.round(ms / 1000)), { hint: TRY_AGAIN }));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
