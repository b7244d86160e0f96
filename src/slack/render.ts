/** Turns a neutral reply into Block Kit within Slack's limits: long content is cut or summarised, never rejected. */
import type { types } from "@slack/bolt";
import type { Reply, ReplyPart } from "../core/reply.ts";
import { CUT, TRUNCATED } from "./messages.ts";

type KnownBlock = types.KnownBlock;
type SectionBlock = types.SectionBlock;

/**
 * Slack's limits (docs.slack.dev Block Kit reference). totalBlocks is undocumented: Slack answers msg_blocks_too_long
 * at about 13k characters of blocks even when every other limit is met (bolt-js #2509, #2867, the latter below 12k of
 * text alone), so we count the blocks' whole JSON, which is more than any text Slack may count, and stop at 12,000.
 */
export const LIMITS = {
  blocks: 50, sectionText: 3000, header: 150, field: 2000, fields: 10, contextElements: 10,
  buttonText: 75, buttonValue: 2000, actionsElements: 25, fallbackText: 3000, totalBlocks: 12_000,
} as const;

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

function renderPart(part: ReplyPart, omitted: { buttons: number }): KnownBlock[] {
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
      // A value is our own id: one too long for Slack could never come back, so its button is left out and counted.
      const usable = part.buttons.filter((b) => b.value.length <= LIMITS.buttonValue);
      omitted.buttons += part.buttons.length - usable.length;
      const elements: types.Button[] = usable.map((b, index) => ({
        type: "button",
        action_id: uniqueActionId(b.actionId, usable.slice(0, index).filter((earlier) => earlier.actionId === b.actionId).length),
        text: { type: "plain_text", text: cut(b.label, LIMITS.buttonText) },
        value: b.value,
        ...(b.style ? { style: b.style } : {}),
      }));
      const blocks: types.ActionsBlock[] = [];
      for (let i = 0; i < elements.length; i += LIMITS.actionsElements) blocks.push({ type: "actions", elements: elements.slice(i, i + LIMITS.actionsElements) });
      return blocks;
    }
    case "divider":
      return [{ type: "divider" }];
  }
}

/**
 * Slack refuses two buttons with one action_id in a block (a digest has a Renew button per certificate): repeats get
 * a "#n" suffix, which actionIdOf takes off again when the click comes back.
 */
function uniqueActionId(actionId: string, repeat: number): string {
  return repeat === 0 ? actionId : `${actionId}#${repeat + 1}`;
}

/** Our action id of a clicked button, without the suffix that kept it unique in its block. */
export function actionIdOf(renderedActionId: string): string {
  return renderedActionId.replace(/#\d+$/, "");
}

/** Renders a reply. What does not fit in one message (50 blocks, 12,000 characters) is left out, from the end, and summarised; buttons are kept first. */
export function renderReply(reply: Reply): RenderedMessage {
  const header: KnownBlock[] = reply.title ? [{ type: "header", text: { type: "plain_text", text: cut(reply.title, LIMITS.header) } }] : [];
  const omitted = { buttons: 0 };
  const body = reply.parts.flatMap((part) => renderPart(part, omitted));
  const text = cut(reply.title ? `${reply.title}: ${reply.text}` : reply.text, LIMITS.fallbackText);
  const all = [...header, ...body];
  if (omitted.buttons === 0 && all.length <= LIMITS.blocks && sizeOf(all) <= LIMITS.totalBlocks) return { text, blocks: all };
  return { text, blocks: fit(header, body, omitted.buttons) };
}

const note = (lines: number, buttons: number): KnownBlock => ({ type: "context", elements: [{ type: "mrkdwn", text: TRUNCATED(lines, buttons) }] });
const sizeOf = (value: unknown) => JSON.stringify(value).length;

// Keeps the buttons, then content from the start, while both budgets last; the rest becomes one note.
function fit(header: KnownBlock[], body: KnownBlock[], omittedButtons: number): KnownBlock[] {
  // Each kept block also costs a comma in the array; the note is measured with room for large counts.
  let room = LIMITS.totalBlocks - sizeOf([...header, note(99_999, 99_999)]);
  let slots = LIMITS.blocks - header.length - 1;
  const take = (block: KnownBlock) => {
    const cost = sizeOf(block) + 1;
    if (slots < 1 || cost > room) return false;
    slots -= 1;
    room -= cost;
    return true;
  };
  let buttons = omittedButtons;
  const actions: KnownBlock[] = [];
  for (const block of body) {
    if (block.type !== "actions") continue;
    if (take(block)) actions.push(block);
    else buttons += block.elements.length;
  }
  const kept: KnownBlock[] = [];
  let lines = 0;
  let full = false;
  for (const block of body.filter((b) => b.type !== "actions")) {
    if (!full && take(block)) {
      kept.push(block);
      continue;
    }
    if (!full) {
      full = true;
      const partial = slots > 0 ? firstLinesOf(block, room - 1) : undefined;
      if (partial && take(partial)) {
        kept.push(partial);
        lines += linesOf(block) - linesOf(partial);
        continue;
      }
    }
    lines += linesOf(block);
  }
  return [...header, ...kept, note(lines, buttons), ...actions];
}

// A section cut to its first lines that fit in room characters, or undefined if not even one does.
function firstLinesOf(block: KnownBlock, room: number): KnownBlock | undefined {
  if (block.type !== "section" || !block.text) return undefined;
  const lines = block.text.text.split("\n");
  let fitting: KnownBlock | undefined;
  for (let n = 1; n < lines.length; n++) {
    const candidate = section(lines.slice(0, n).join("\n"));
    if (sizeOf(candidate) > room) break;
    fitting = candidate;
  }
  return fitting;
}

// What a block shows, counted as the lines a reader would miss.
function linesOf(block: KnownBlock): number {
  if (block.type === "section") return block.text ? block.text.text.split("\n").length : (block.fields?.length ?? 0);
  if (block.type === "context") return block.elements.length;
  return 0;
}
