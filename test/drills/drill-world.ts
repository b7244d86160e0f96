/**
 * The world of the fault drills, built from the benchmarks' parts: the ARM simulator (demo estate) in a process of its
 * own (simulator-process.ts), the Slack stand-in and the managed-identity endpoint in the drill's process, and the
 * bot as production runs it, `npm start`'s command in another (bot-process.ts). On top: commands whose answers are
 * awaited at their response URLs, the approval flow through the buttons, and the thread a change reports in.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ACTIONS } from "../../src/core/reply.ts";
import { blockActionsPayload, signedInteraction, signedSlashCommand } from "../../src/stand-ins/slack/signing.ts";
import { startLocalWebApi, type LocalWebApi } from "../../src/stand-ins/slack/web-api.ts";
import type { LocalMessage } from "../../src/stand-ins/slack/workspace.ts";
import { PRODUCTION, SHARED } from "../support/demo-estate.ts";
import { BENCH_SLACK, startBotProcess, startTokenEndpoint, type BotProcess, type TokenEndpoint } from "../bench/bot-process.ts";
import type { SeenRequest } from "../bench/simulator-child.ts";
import { startSimulatorProcess, type SimulatorProcess } from "../bench/simulator-process.ts";

/** Where the bot posts approval requests (bot-process.ts's configuration). */
export const APPROVALS_CHANNEL = "C0APPROVALS";

/** What a drill's world is started with. */
export interface DrillWorldOptions {
  /** ARM's token buckets in the simulator (default on, as ARM and local mode have them). */
  throttling?: boolean;
  /** More users of the workspace than the operator and the approver (ids). */
  users?: readonly string[];
  /** More environment for the bot, e.g. VNETBOT_POSTGRES_URL. */
  env?: Readonly<Record<string, string>>;
}

/** A command as Slack sends it: the ack, and later the answer at its response URL. */
export interface SentCommand {
  status: number;
  ackMs: number;
  /** The ack's text ("Working on …"), or an error body. */
  ack: string;
  /** Resolves with the answer's text and its time from sending; undefined when none came within the timeout. */
  answered: Promise<{ ms: number; text: string } | undefined>;
}

/** How a change ended, as its thread says. */
export interface ChangeOutcome {
  ok: boolean;
  /** The last line of the thread: ":tada: … done" or ":x: … stopped: …". */
  text: string;
  /** The thread's step lines of this run, e.g. ":white_check_mark: Step 1 of 5 done: …". */
  steps: string[];
}

/** Every text of a message: its fallback text and the texts in its blocks. */
export function plainText(message: { text: string; blocks: unknown[] }): string {
  const texts: string[] = [message.text];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (value === null || typeof value !== "object") return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === "text" && typeof inner === "string") texts.push(inner);
      else walk(inner);
    }
  };
  walk(message.blocks);
  return texts.join("\n");
}

/** "PUT …/virtualNetworkGateways/gw-hub": a request's method and its path from the provider on. */
export const shortPath = (r: Pick<SeenRequest, "method" | "path">) => `${r.method} ${r.path.replace(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\//i, "…/")}`;

/** Writes are what ARM charges as writes or deletes: PUT, PATCH, POST, DELETE. */
export const isWrite = (r: Pick<SeenRequest, "method">) => r.method !== "GET" && r.method !== "HEAD";

/** Starts the simulator, the Slack stand-in, the token endpoint and the bot; resolves once the bot is healthy. */
export async function startDrillWorld(options: DrillWorldOptions = {}) {
  const sim: SimulatorProcess = await startSimulatorProcess("demo", { throttling: options.throttling ?? true });
  const users = [BENCH_SLACK.operator, BENCH_SLACK.approver, ...(options.users ?? [])];
  const api: LocalWebApi = await startLocalWebApi({ token: BENCH_SLACK.botToken, users: users.map((id) => ({ id, name: id.toLowerCase() })) });
  const token: TokenEndpoint = await startTokenEndpoint();
  const dir = mkdtempSync(join(tmpdir(), "vnetbot-drill-"));
  let bot: BotProcess;
  try {
    bot = await startBotProcess({ sim, slackApiUrl: api.url, subscriptions: [PRODUCTION, SHARED], dir, token, quietJobs: true, ...(options.env ? { env: options.env } : {}) });
  } catch (error) {
    await Promise.all([sim.close(), api.close(), token.close()]);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const workspace = api.workspace;
  const post = (request: { body: string; headers: Record<string, string> }) =>
    fetch(`http://127.0.0.1:${bot.port}/slack/events`, { method: "POST", body: request.body, headers: request.headers });
  const approvals = () => workspace.messages(APPROVALS_CHANNEL);
  const current = (message: LocalMessage) => workspace.message(message.channel, message.ts) ?? message;

  const world = {
    sim,
    api,
    bot,
    workspace,

    /**
     * A signed `/vnet text` from the user, not sent yet (to send it from another process), and its answer: awaited at
     * its response URL from now on (when a timeout is given); undefined when none came in time.
     */
    signedCommand(text: string, userId: string = BENCH_SLACK.operator, answerTimeoutMs?: number) {
      const responseUrl = api.responseUrl({ channel: BENCH_SLACK.channel, user: userId });
      const id = responseUrl.split("/").pop()!;
      const request = signedSlashCommand(BENCH_SLACK.signingSecret, { text, userId, channelId: BENCH_SLACK.channel, responseUrl });
      const answered =
        answerTimeoutMs === undefined
          ? Promise.resolve(undefined)
          : workspace.waitFor(() => workspace.ephemerals(userId).find((e) => e.responseUrlId === id), answerTimeoutMs).then(
              (e) => ({ at: performance.now(), text: plainText(e) }),
              () => undefined,
            );
      return { request, answered };
    },

    /** Types `/vnet text` as the user (default the operator); the answer is watched from the moment it is sent. */
    async send(text: string, userId: string = BENCH_SLACK.operator, answerTimeoutMs = 180_000): Promise<SentCommand> {
      const { request, answered } = world.signedCommand(text, userId, answerTimeoutMs);
      const sent = performance.now();
      const response = await post(request);
      const raw = await response.text();
      const ackMs = performance.now() - sent;
      const body = raw.startsWith("{") ? (JSON.parse(raw) as { text?: string; blocks?: unknown[] }) : undefined;
      const ack = body ? plainText({ text: body.text ?? "", blocks: body.blocks ?? [] }) : raw;
      return { status: response.status, ackMs, ack, answered: answered.then((a) => a && { ms: a.at - sent, text: a.text }) };
    },

    /** Asks for a change as the operator; resolves with the answer and the approval message it posted. */
    async requestChange(text: string): Promise<{ answer: string; message: LocalMessage }> {
      const before = approvals().length;
      const sent = await world.send(text);
      const answer = await sent.answered;
      if (!answer) throw new Error(`no answer to /vnet ${text}`);
      const message = await workspace.waitFor(() => approvals()[before], 30_000).catch(() => {
        throw new Error(`/vnet ${text} posted no approval request; it answered: ${answer.text}`);
      });
      return { answer: answer.text, message };
    },

    /** Clicks Approve on an approval message as the approver; resolves with the HTTP status of the click's ack. */
    async approve(message: LocalMessage, userId: string = BENCH_SLACK.approver): Promise<number> {
      const button = (current(message).blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>)
        .flatMap((b) => b.elements ?? [])
        .find((e) => e.action_id === ACTIONS.approve);
      if (!button?.value) throw new Error("the approval message has no Approve button");
      const payload = blockActionsPayload({
        userId, actionId: ACTIONS.approve, value: button.value, channelId: message.channel, messageTs: message.ts,
        responseUrl: api.responseUrl({ channel: message.channel, user: userId, messageTs: message.ts }),
      });
      const response = await post(signedInteraction(BENCH_SLACK.signingSecret, payload));
      await response.arrayBuffer();
      return response.status;
    },

    /** The approval message as it reads now (it is updated in place as the change runs). */
    messageText: (message: LocalMessage) => plainText(current(message)),

    /** The approval message's steps as it shows them now: "1 done, 2 skipped, 3 failed, 4 not run". */
    stepStates(message: LocalMessage): string {
      const MARKS: Record<string, string> = { white_check_mark: "done", x: "failed", white_small_square: "not run", arrow_forward: "running" };
      return plainText(current(message))
        .split("\n")
        .map((line) => /^:(\w+): (\d+)\. .*?( _\(skipped: .*\)_)?$/.exec(line))
        .filter((m) => m !== null)
        .map(([, mark, step, skipped]) => `${step} ${skipped ? "skipped" : (MARKS[mark!] ?? mark)}`)
        .join(", ");
    },

    /** The replies in an approval message's thread. */
    thread: (message: LocalMessage) => workspace.thread(message.channel, message.ts).map((m) => m.text),

    /** Waits for the change's last word in its thread, addressed to the requester: done (":tada:") or stopped (":x:", ":warning:"). */
    async outcome(message: LocalMessage, timeoutMs = 300_000): Promise<ChangeOutcome> {
      const text = await workspace.waitFor(() => world.thread(message).find((t) => /^:(tada|x|warning): <@/.test(t)), timeoutMs);
      return { ok: text.startsWith(":tada:"), text, steps: world.thread(message).filter((t) => /Step \d+ of \d+/.test(t)) };
    },

    /** The ARM requests the simulator saw from index `from` on, with their answers. */
    requests: (from = 0) => sim.requests(from),

    async close() {
      await bot.stop();
      await Promise.all([sim.close(), api.close(), token.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** A started drill world. */
export type DrillWorld = Awaited<ReturnType<typeof startDrillWorld>>;
