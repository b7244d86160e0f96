/**
 * Builds Slack requests signed exactly as Slack signs them (v0 HMAC-SHA256 over "v0:{ts}:{body}"), with the bare
 * application/x-www-form-urlencoded type Bolt expects. Local mode feeds Bolt with these; tests do too.
 */
import { createHmac } from "node:crypto";

/** A request ready to POST to /slack/events: send body as a string, with these headers. */
export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/** The signature headers of a raw body at a time (seconds since the epoch). */
export function signatureHeaders(signingSecret: string, body: string, timestampSeconds: number): Record<string, string> {
  const signature = createHmac("sha256", signingSecret).update(`v0:${timestampSeconds}:${body}`).digest("hex");
  return {
    "content-type": "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": String(timestampSeconds),
    "x-slack-signature": `v0=${signature}`,
  };
}

/** Fields of a slash command; the rest get Slack-like defaults. */
export interface SlashCommandFields {
  text: string;
  userId: string;
  channelId: string;
  responseUrl: string;
  command?: string;
  userName?: string;
  teamId?: string;
  triggerId?: string;
}

/** A signed slash-command request, shaped like Slack's (see test/fixtures/slack/slash-command.docs-example.form.txt). */
export function signedSlashCommand(signingSecret: string, fields: SlashCommandFields, now: Date = new Date()): SignedRequest {
  const body = new URLSearchParams({
    token: "local",
    team_id: fields.teamId ?? "T0LOCAL",
    team_domain: "local",
    channel_id: fields.channelId,
    channel_name: fields.channelId.toLowerCase(),
    user_id: fields.userId,
    user_name: fields.userName ?? fields.userId.toLowerCase(),
    command: fields.command ?? "/vnet",
    text: fields.text,
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId ?? `${now.getTime()}.1.local`,
    api_app_id: "A0LOCAL",
  }).toString();
  return { body, headers: signatureHeaders(signingSecret, body, Math.floor(now.getTime() / 1000)) };
}

/** A signed interactivity request: the payload travels as payload=<JSON>. */
export function signedInteraction(signingSecret: string, payload: unknown, now: Date = new Date()): SignedRequest {
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return { body, headers: signatureHeaders(signingSecret, body, Math.floor(now.getTime() / 1000)) };
}

/** A block_actions payload for a button click on a message, shaped like Slack's. */
export function blockActionsPayload(click: {
  userId: string;
  actionId: string;
  value: string;
  channelId: string;
  messageTs: string;
  responseUrl: string;
  teamId?: string;
}): Record<string, unknown> {
  const teamId = click.teamId ?? "T0LOCAL";
  return {
    type: "block_actions",
    team: { id: teamId, domain: "local" },
    user: { id: click.userId, username: click.userId.toLowerCase(), team_id: teamId },
    api_app_id: "A0LOCAL",
    token: "local",
    container: { type: "message", message_ts: click.messageTs, channel_id: click.channelId, is_ephemeral: false },
    trigger_id: `${click.messageTs}.local`,
    channel: { id: click.channelId, name: click.channelId.toLowerCase() },
    message: { type: "message", ts: click.messageTs, text: "" },
    response_url: click.responseUrl,
    actions: [{ action_id: click.actionId, block_id: "actions", value: click.value, type: "button", action_ts: click.messageTs }],
  };
}
