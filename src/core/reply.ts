/**
 * A platform-neutral reply: what handlers and the core return and what the chat layer renders (Block Kit for
 * Slack). Text may use *bold*, _italic_, `code` and <@U…> mentions, which every chat the bot targets understands.
 */

/** Our own action ids: a button carries one of these and, as its value, only our request id. */
export const ACTIONS = {
  approve: "vnet:approve",
  reject: "vnet:reject",
  // Scheduled alerts: the value is the alert's short id; Renew goes on to the normal approval flow.
  alertRenew: "vnet:alert-renew",
  alertSnooze1h: "vnet:alert-snooze-1h",
  alertSnooze4h: "vnet:alert-snooze-4h",
  alertSnooze24h: "vnet:alert-snooze-24h",
  // A diagnosis' Fix button: the value is a fix offer's id; the click opens the normal approval flow.
  diagnoseFix: "vnet:diagnose-fix",
} as const;

/** One of our action ids. */
export type ActionId = (typeof ACTIONS)[keyof typeof ACTIONS];

/** A labelled value shown in a two-column grid. */
export interface ReplyField {
  label: string;
  value: string;
}

/** A button; value is the request id it acts on, never the parameters of the change. */
export interface ReplyButton {
  actionId: ActionId;
  label: string;
  value: string;
  style?: "primary" | "danger";
}

/** One part of a reply, rendered in order. */
export type ReplyPart =
  | { kind: "text"; text: string }
  | { kind: "fields"; fields: ReplyField[] }
  | { kind: "context"; lines: string[] }
  | { kind: "status"; lines: string[] }
  | { kind: "buttons"; buttons: ReplyButton[] }
  | { kind: "divider" };

/** A whole reply. text is the notification fallback and what plain-text chats show. */
export interface Reply {
  text: string;
  title?: string;
  parts: ReplyPart[];
  /** ephemeral (default): only the asker sees it; in_channel: everyone in the channel. */
  visibility?: "ephemeral" | "in_channel";
}

/** A reply of one paragraph. */
export function textReply(text: string, options: { title?: string; visibility?: Reply["visibility"] } = {}): Reply {
  return { text, ...options, parts: [{ kind: "text", text }] };
}

/** A reply saying something went wrong, with what to do next. */
export function problemReply(message: string, hint: string | undefined): Reply {
  const parts: ReplyPart[] = [{ kind: "text", text: `:warning: ${message}` }];
  if (hint) parts.push({ kind: "context", lines: [hint] });
  return { text: message, parts };
}

/**
 * Escapes Slack's mrkdwn control characters (&, <, >) in text a user typed, so that echoing it back can neither
 * mention (<!channel>, <@U…>) nor link (<https://…|label>).
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
