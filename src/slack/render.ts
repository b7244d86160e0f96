/** Turns a neutral reply into Block Kit within Slack's limits: long content is cut or summarised, never rejected. */
import type { types } from "@slack/bolt";
import type { Reply, ReplyPart } from "../core/reply.ts";
import { CUT, TRUNCATED } from "./messages.ts";

type KnownBlock = types.KnownBlock;
type SectionBlock = types.SectionBlock;

/** Slack's limits (docs.slack.dev Block Kit reference). */
export const LIMITS = { blocks: 50, sectionText: 3000, header: 150, field: 2000, fields: 10, contextElements: 10, buttonText: 75, fallbackText: 3000 } as const;

/** What chat.postMessage, chat.update and response_url take. */
export interface RenderedMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Cuts text to a length, marking the cut. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - CUT.length - 1)} ${CUT}`;
}

/** Splits text into chunks of at most max characters, at line breaks where possible. */
export function chunk(text: string, max: number): string[] {
  const chunks: string[] = [];
  let current = "";
  for (const line of text.split("\n")) {
    const pieces = line.length > max ? (line.match(new RegExp(`[\\s\\S]{1,${max}}`, "g")) ?? []) : [line];
    for (const piece of pieces) {
      if (current.length > 0 && current.length + 1 + piece.length > max) {
        chunks.push(current);
        current = piece;
      } else {
        current = current.length > 0 ? `${current}\n${piece}` : piece;
      }
    }
  }
  if (current.length > 0 || chunks.length === 0) chunks.push(current);
  return chunks;
}

const section = (text: string): SectionBlock => ({ type: "section", text: { type: "mrkdwn", text: text.length > 0 ? text : " " } });

function renderPart(part: ReplyPart): KnownBlock[] {
  switch (part.kind) {
    case "text":
    case "status": {
      const text = part.kind === "text" ? part.text : part.lines.join("\n");
      return chunk(text, LIMITS.sectionText).map(section);
    }
    case "fields": {
      const blocks: KnownBlock[] = [];
      for (let i = 0; i < part.fields.length; i += LIMITS.fields) {
        const fields = part.fields.slice(i, i + LIMITS.fields).map((f) => ({ type: "mrkdwn" as const, text: cut(`*${f.label}*\n${f.value}`, LIMITS.field) }));
        blocks.push({ type: "section", fields });
      }
      return blocks;
    }
    case "context": {
      const lines = part.lines.length <= LIMITS.contextElements ? part.lines : [...part.lines.slice(0, LIMITS.contextElements - 1), part.lines.slice(LIMITS.contextElements - 1).join("\n")];
      const block: types.ContextBlock = { type: "context", elements: lines.map((line) => ({ type: "mrkdwn", text: cut(line, LIMITS.sectionText) })) };
      return [block];
    }
    case "buttons": {
      const elements: types.Button[] = part.buttons.map((b) => ({
        type: "button",
        action_id: b.actionId,
        text: { type: "plain_text", text: cut(b.label, LIMITS.buttonText) },
        value: b.value,
        ...(b.style ? { style: b.style } : {}),
      }));
      const block: types.ActionsBlock = { type: "actions", elements };
      return [block];
    }
    case "divider":
      return [{ type: "divider" }];
  }
}

/** Renders a reply; if it needs more than 50 blocks, the middle is replaced by a note and the buttons are kept. */
export function renderReply(reply: Reply): RenderedMessage {
  let blocks: KnownBlock[] = [];
  if (reply.title) blocks.push({ type: "header", text: { type: "plain_text", text: cut(reply.title, LIMITS.header) } });
  for (const part of reply.parts) blocks.push(...renderPart(part));
  if (blocks.length > LIMITS.blocks) {
    const actions = blocks.filter((b) => b.type === "actions");
    const room = LIMITS.blocks - 1 - actions.length;
    const kept = blocks.filter((b) => b.type !== "actions").slice(0, room);
    const hidden = blocks.length - actions.length - kept.length;
    blocks = [...kept, { type: "context", elements: [{ type: "mrkdwn", text: TRUNCATED(hidden) }] }, ...actions];
  }
  const text = cut(reply.title ? `${reply.title}: ${reply.text}` : reply.text, LIMITS.fallbackText);
  return { text, blocks };
}
