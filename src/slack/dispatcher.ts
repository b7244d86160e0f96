/**
 * The one place that owns the cross-cutting work of commands and clicks: parse, look up, check access (as each
 * command and button declares it), run under a deadline, and turn failures into replies. Bolt wiring (ack,
 * respond) lives in slack-adapter.ts; handlers and buttons only return replies.
 */
import { BotError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { askSomeoneWhoMay, isInAudience, outsideAudience, ASK_ANOTHER_APPROVER, OWN_REQUEST, type AccessPolicy, type AccessRule } from "../core/access.ts";
import type { AuditLog } from "../core/audit.ts";
import type { Button, Decision } from "../core/button.ts";
import type { Command, CommandArgs, CommandContext } from "../core/command.ts";
import { describeFailure, failureReply, type Failure } from "../core/failure.ts";
import { problemReply, textReply, type Reply } from "../core/reply.ts";
import type { Metrics, Outcome } from "../metrics.ts";
import { BUTTON_GONE, DEADLINE_PASSED, DID_YOU_MEAN, RUN_IT_AGAIN, SHARED_BY, TRY_AGAIN, WORKING } from "./messages.ts";
import { parseCommand } from "./parse-command.ts";

/** Who typed what, where. */
export interface Invocation {
  userId: string;
  channelId: string;
  text: string;
}

/** A click on one of our buttons. */
export interface ButtonClick {
  userId: string;
  channelId: string;
  actionId: string;
  value: string;
}

/** What a command's context is made of besides who asked: the services the composition root built. */
export type CommandServices = Omit<CommandContext, "userId" | "channelId" | "commandText" | "signal" | "commands" | "requestChange"> & {
  requestChange(asker: { userId: string; channelId: string; commandText: string; signal: AbortSignal }, request: Parameters<CommandContext["requestChange"]>[0]): Promise<Reply>;
};

/** What the dispatcher needs. */
export interface DispatcherDeps {
  commands: readonly Command[];
  buttons: ReadonlyMap<string, Button>;
  services: CommandServices;
  access: AccessPolicy;
  audit: AuditLog;
  logger: Logger;
  /** How long a command may take before the user is told it stopped (default 120 s; instant ones 2.5 s). */
  deadlineMs?: number;
  /** Keeps work that outlived its deadline in view, so that stopping the bot (and tests) can wait for it. */
  track?: (work: Promise<unknown>) => void;
  /** Where commands and clicks are counted by outcome. */
  metrics?: Pick<Metrics, "commandFinished" | "clickFinished">;
}

/**
 * A typed command, split into what goes in the ack and the work that answers later through the response URL. A reply
 * whose visibility is in_channel is posted for the whole channel (--share); the adapter tells the asker it was.
 */
export interface PreparedCommand {
  ack: Reply;
  work: (() => Promise<Reply>) | undefined;
}

export interface Dispatcher {
  prepare(invocation: Invocation): Promise<PreparedCommand>;
  click(click: ButtonClick): Promise<Decision>;
}

const INSTANT_DEADLINE_MS = 2_500;

// Refused: the user can act on the answer (a typo, a missing right, a wrong name). Failed: Azure or the bot could not.
const FAILED_KINDS = new Set<Failure["kind"]>(["internal", "unavailable", "throttled"]);
const outcomeOf = (failure: Failure): Outcome => (FAILED_KINDS.has(failure.kind) ? "failed" : "refused");

/** Builds the dispatcher over the command table and the buttons. */
export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const deadlineMs = deps.deadlineMs ?? 120_000;
  const { services, logger } = deps;

  /** The refusal for someone the rule does not admit, audited; undefined when they may go ahead. */
  async function refusal(rule: AccessRule, userId: string, about: { subject: string; commandText?: string | undefined; decided?: { requester: string | undefined; requestId: string } }): Promise<Reply | undefined> {
    const { subject, commandText, decided } = about;
    const isRequester = decided?.requester !== undefined && decided.requester === userId;
    let refused: BotError | undefined;
    if (isRequester && rule.requester === "refused") refused = new BotError("forbidden", OWN_REQUEST, { hint: ASK_ANOTHER_APPROVER });
    else if (!(isRequester && rule.requester === "allowed") && !(await isInAudience(deps.access, rule.audience, userId))) {
      refused = new BotError("forbidden", outsideAudience(rule), { hint: askSomeoneWhoMay(rule.audience, commandText) });
    }
    if (!refused) return undefined;
    const why = refused.message === OWN_REQUEST ? "own request" : `not ${rule.audience === "approvers" ? "an approver" : "an operator"}`;
    await deps.audit.append({ at: services.clock.now(), actor: userId, action: "refuse", requestId: decided?.requestId, summary: `${why}: ${subject}`, azureRequestIds: [] });
    logger.info("refused", { user: userId, subject, audience: rule.audience });
    return failureReply(describeFailure(refused, logger, "access"));
  }

  async function run(command: Command, invocation: Invocation, args: CommandArgs, ms: number, share: boolean, mayMean?: string): Promise<Reply> {
    const signal = AbortSignal.timeout(ms);
    const commandText = invocation.text.trim().replace(/\s+/g, " ");
    const { requestChange, ...rest } = services;
    const ctx: CommandContext = {
      ...rest,
      // Every read of the command carries its deadline to ARM.
      reader: services.reader.withSignal(signal),
      userId: invocation.userId,
      channelId: invocation.channelId,
      commandText,
      signal,
      commands: deps.commands,
      requestChange: (request) => requestChange({ userId: invocation.userId, channelId: invocation.channelId, commandText, signal }, request),
    };
    const started = Date.now();
    const fields = { command: command.name, user: invocation.userId };
    try {
      const work = command.run(ctx, args);
      // Its outcome is reported below (or, past the deadline, no longer awaited by anyone): only its end matters here.
      deps.track?.(work.then(
        () => undefined,
        () => undefined,
      ));
      const reply = await withDeadline(work, signal, ms);
      logger.info("command answered", { ...fields, ms: Date.now() - started });
      deps.metrics?.commandFinished(command.name, "answered");
      return share ? sharedReply(reply, invocation.userId, commandText) : reply;
    } catch (error) {
      const described = describeFailure(error, logger, "command", fields);
      // "No app rolback": the typo was of the command's form, not of an app's name.
      const failure = mayMean && described.kind === "not-found" ? { ...described, message: `${described.message} ${DID_YOU_MEAN(mayMean)}` } : described;
      if (failure.ref === undefined) logger.info("command refused", { ...fields, kind: failure.kind, ms: Date.now() - started });
      deps.metrics?.commandFinished(command.name, outcomeOf(failure));
      return failureReply(failure);
    }
  }

  return {
    async prepare(invocation) {
      let parsed;
      try {
        parsed = parseCommand(deps.commands, invocation.text);
      } catch (error) {
        const failure = describeFailure(error, logger, "parsing a command");
        // Never the typed words as a label: they are unbounded, and may hold anything.
        deps.metrics?.commandFinished("(unknown)", outcomeOf(failure));
        return { ack: failureReply(failure), work: undefined };
      }
      const { command, args, share, mayMean } = parsed;
      const commandText = invocation.text.trim().replace(/\s+/g, " ");
      // Access is checked before anything reads Azure, so a refused change costs no call; and after the ack, since
      // expanding a user group asks Slack, which the 3-second ack must not wait for.
      const checkedRun = async (ms: number) => {
        const refused = await refusal(command.access, invocation.userId, { subject: `/vnet ${commandText}`, commandText });
        if (refused) deps.metrics?.commandFinished(command.name, "refused");
        return refused ?? run(command, invocation, args, ms, share, mayMean);
      };
      if (command.instant) return { ack: await checkedRun(INSTANT_DEADLINE_MS), work: undefined };
      return { ack: textReply(WORKING(commandText)), work: () => checkedRun(deadlineMs) };
    },

    async click({ userId, channelId, actionId, value }) {
      const button = deps.buttons.get(actionId);
      if (!button) {
        deps.metrics?.clickFinished("(unknown)", "refused");
        return { reply: problemReply(BUTTON_GONE, RUN_IT_AGAIN), execution: undefined };
      }
      const fields = { action: actionId, user: userId };
      try {
        const decided = button.access.requester ? { requester: await button.requesterOf?.(value), requestId: value } : undefined;
        const asked = await button.commandTextOf?.(value);
        const subject = asked ? `/vnet ${asked} (${button.label} button${button.source ? ` of ${button.source}` : ""})` : decided ? `${button.label} button of request ${value}` : `${button.label} button (${value})`;
        const refused = await refusal(button.access, userId, { subject, commandText: asked, decided });
        if (refused) {
          deps.metrics?.clickFinished(button.actionId, "refused");
          return { reply: refused, execution: undefined };
        }
        const decision = await button.click({ userId, channelId, value });
        deps.metrics?.clickFinished(button.actionId, "answered");
        return decision;
      } catch (error) {
        const failure = describeFailure(error, logger, "click", fields);
        deps.metrics?.clickFinished(button.actionId, outcomeOf(failure));
        return { reply: failureReply(failure), execution: undefined };
      }
    },
  };
}

// The answer for the whole channel, saying who asked for it: a shared answer must not look like the bot's own post.
function sharedReply(reply: Reply, userId: string, commandText: string): Reply {
  return { ...reply, parts: [{ kind: "context", lines: [SHARED_BY(userId, commandText)] }, ...reply.parts], visibility: "in_channel" };
}

function withDeadline<T>(work: Promise<T>, signal: AbortSignal, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new BotError("unavailable", DEADLINE_PASSED(Math.round(ms / 1000)), { hint: TRY_AGAIN }));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
