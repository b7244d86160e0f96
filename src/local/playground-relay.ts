/**
 * Turns what a playground user types or clicks into the request Slack would send: a correctly signed slash command
 * or block_actions payload (the exact bytes, bare application/x-www-form-urlencoded) POSTed to the bot's own
 * /slack/events, with a response URL of the local stand-in. A slash command's ack (the HTTP answer) is shown to the
 * user as an ephemeral message, as Slack shows it.
 */
import type { LocalWebApi } from "../stand-ins/slack/web-api.ts";
import { blockActionsPayload, signedInteraction, signedSlashCommand, type SignedRequest } from "../stand-ins/slack/signing.ts";

/** A /vnet command typed by a user in a channel; text is what follows "/vnet". */
export interface TypedCommand {
  user: string;
  channel: string;
  text: string;
}

/** A button clicked by a user; messageTs is absent for a button in an ephemeral message. */
export interface ClickedButton {
  user: string;
  channel: string;
  messageTs: string | undefined;
  actionId: string;
  value: string;
}

// The bot's user in the local workspace (the Web API stand-in's default), author of what it posts.
const BOT_USER = "U0VNETBOT";

/** Shown when the bot answers a relayed request with something other than 200 (e.g. a refused signature). */
export const BOT_REFUSED = (status: number) => `The bot answered HTTP ${status} to this request; see its log.`;

/** The relay to the bot's POST /slack/events at eventsUrl. */
export function createRelay(slack: LocalWebApi, signingSecret: string) {
  const post = (eventsUrl: string, request: SignedRequest) => fetch(eventsUrl, { method: "POST", body: request.body, headers: request.headers });
  const tellUser = (target: { user: string; channel: string }, content: { text: string; blocks: unknown[] }, responseUrl?: string) =>
    slack.workspace.postEphemeral({ channel: target.channel, user: target.user, ...content, responseUrlId: responseUrl?.split("/").at(-1) });

  return {
    /** Sends the command as Slack would and shows its ack to the user. */
    async command(eventsUrl: string, typed: TypedCommand): Promise<void> {
      const responseUrl = slack.responseUrl({ channel: typed.channel, user: typed.user });
      const request = signedSlashCommand(signingSecret, { text: typed.text, userId: typed.user, channelId: typed.channel, responseUrl });
      const response = await post(eventsUrl, request);
      const ack = await ackContent(response);
      // An in_channel ack (an instant command with --share) is a message everyone in the channel sees, as in Slack.
      if (ack?.inChannel) slack.workspace.post({ channel: typed.channel, threadTs: undefined, user: BOT_USER, text: ack.text, blocks: ack.blocks });
      else if (ack) tellUser(typed, ack, responseUrl);
    },

    /** Sends the click as Slack would; the bot answers through the response URL. */
    async click(eventsUrl: string, clicked: ClickedButton): Promise<void> {
      const responseUrl = slack.responseUrl({ channel: clicked.channel, user: clicked.user, ...(clicked.messageTs ? { messageTs: clicked.messageTs } : {}) });
      const payload = blockActionsPayload({
        userId: clicked.user,
        actionId: clicked.actionId,
        value: clicked.value,
        channelId: clicked.channel,
        messageTs: clicked.messageTs ?? slack.workspace.nextTs(),
        responseUrl,
      });
      if (!clicked.messageTs) payload["container"] = { ...(payload["container"] as object), is_ephemeral: true };
      const response = await post(eventsUrl, signedInteraction(signingSecret, payload));
      await response.body?.cancel();
      if (response.status !== 200) tellUser(clicked, { text: BOT_REFUSED(response.status), blocks: [] });
    },

    /** Shows the user a note from the playground itself, e.g. that only /vnet commands reach the bot. */
    note(target: { user: string; channel: string }, text: string): void {
      tellUser(target, { text, blocks: [] });
    },
  };
}

export type Relay = ReturnType<typeof createRelay>;

// Bolt writes an object ack as JSON and a string ack as text/plain; an empty ack shows nothing.
async function ackContent(response: Response): Promise<{ text: string; blocks: unknown[]; inChannel?: boolean } | undefined> {
  const body = await response.text();
  if (response.status !== 200) return { text: BOT_REFUSED(response.status), blocks: [] };
  if (body.length === 0) return undefined;
  if (!(response.headers.get("content-type") ?? "").includes("application/json")) return { text: body, blocks: [] };
  const parsed = JSON.parse(body) as { text?: unknown; blocks?: unknown; response_type?: unknown };
  return { text: typeof parsed.text === "string" ? parsed.text : "", blocks: Array.isArray(parsed.blocks) ? parsed.blocks : [], inChannel: parsed.response_type === "in_channel" };
}
