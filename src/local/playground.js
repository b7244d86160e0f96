// The playground page: follows the local workspace over Server-Sent Events and renders its messages from their Block
// Kit. Every piece of text goes into the page as a text node (never as HTML), so message text cannot inject markup.
"use strict";

const BOT_USER = "U0VNETBOT";
const EMOJI = {
  white_check_mark: "✅", warning: "⚠️", x: "❌", hourglass_flowing_sand: "⏳", hourglass: "⌛", tada: "🎉", gear: "⚙️",
  white_small_square: "▫️", arrow_forward: "▶️", no_entry: "⛔", alarm_clock: "⏰", zzz: "💤", repeat: "🔁", memory: "📝",
  red_circle: "🔴", large_green_circle: "🟢", large_orange_circle: "🟠", large_yellow_circle: "🟡", large_blue_circle: "🔵", white_circle: "⚪",
  grey_question: "❔", leftwards_arrow_with_hook: "↩️", lock: "🔒", link: "🔗", bulb: "💡", information_source: "ℹ️", mag: "🔍", rotating_light: "🚨",
};

const state = { people: [], channels: [], user: "", channel: "", items: new Map(), expanded: new Set(), seen: new Map(), source: null };
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

const personName = (id) => (id === BOT_USER ? "vnetbot" : state.people.find((p) => p.id === id)?.name ?? id);
const channelName = (id) => state.channels.find((c) => c.id === id)?.name ?? id;
const decode = (text) => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

// Slack mrkdwn: ```pre```, `code`, <links|and> <@mentions>, *bold*, _italic_, ~strike~, :emoji:; line breaks by CSS.
function mrkdwn(text) {
  const out = el("span", { class: "mrkdwn" });
  for (const part of text.split(/(```[\s\S]*?```|`[^`\n]+`)/)) {
    if (part.length >= 6 && part.startsWith("```") && part.endsWith("```")) out.append(el("pre", {}, decode(part.slice(3, -3))));
    else if (part.length >= 2 && part.startsWith("`") && part.endsWith("`")) out.append(el("code", {}, decode(part.slice(1, -1))));
    else out.append(...angled(part));
  }
  return out;
}

function angled(text) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(/<([^<>\n]+)>/g)) {
    nodes.push(...styled(text.slice(last, match.index)));
    nodes.push(token(match[1]));
    last = match.index + match[0].length;
  }
  nodes.push(...styled(text.slice(last)));
  return nodes;
}

function token(inner) {
  const [target, label] = inner.split("|", 2);
  if (target.startsWith("@")) return el("span", { class: "mention" }, `@${label ?? personName(target.slice(1))}`);
  if (target.startsWith("#")) return el("span", { class: "mention" }, `#${label ?? channelName(target.slice(1))}`);
  if (target.startsWith("!")) return el("span", { class: "mention" }, `@${label ?? target.slice(1).split("^")[0]}`);
  if (/^(https?:|mailto:)/i.test(target)) return el("a", { href: target, target: "_blank", rel: "noopener noreferrer" }, decode(label ?? target));
  return document.createTextNode(decode(`<${inner}>`));
}

function styled(text) {
  const nodes = [];
  let last = 0;
  const pattern = /(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])|(?<![\w_])_(?!\s)([^_\n]+?)_(?![\w_])|(?<![\w~])~(?!\s)([^~\n]+?)~(?![\w~])/g;
  for (const match of text.matchAll(pattern)) {
    nodes.push(emoji(text.slice(last, match.index)));
    const [tag, inner] = match[1] !== undefined ? ["strong", match[1]] : match[2] !== undefined ? ["em", match[2]] : ["s", match[3]];
    nodes.push(el(tag, {}, ...styled(inner)));
    last = match.index + match[0].length;
  }
  nodes.push(emoji(text.slice(last)));
  return nodes;
}

// Slack's :codes: as characters, each in a span drawn with the shipped emoji font; unknown codes stay as typed.
function emoji(text) {
  const out = el("span");
  let last = 0;
  for (const match of text.matchAll(/:([a-z0-9_+-]+):/g)) {
    const character = EMOJI[match[1]];
    if (!character) continue;
    out.append(decode(text.slice(last, match.index)), el("span", { class: "emoji", role: "img", "aria-label": match[1].replace(/_/g, " ") }, character));
    last = match.index + match[0].length;
  }
  out.append(decode(text.slice(last)));
  return out;
}

function textObject(object) {
  if (!object || typeof object.text !== "string") return document.createTextNode("");
  return object.type === "mrkdwn" ? mrkdwn(object.text) : el("span", { class: "mrkdwn" }, object.text);
}

function renderBlock(block, item) {
  switch (block.type) {
    case "header":
      return el("div", { class: "block-header" }, block.text?.text ?? "");
    case "section": {
      const section = el("div", { class: "block-section" });
      if (block.text) section.append(el("div", {}, textObject(block.text)));
      if (Array.isArray(block.fields)) section.append(el("div", { class: "fields" }, ...block.fields.map((f) => el("div", {}, textObject(f)))));
      if (block.accessory?.type === "button") section.append(el("div", { class: "actions" }, button(block.accessory, item)));
      return section;
    }
    case "context":
      return el("div", { class: "block-context" }, ...(block.elements ?? []).map((e) => el("div", {}, textObject(e))));
    case "divider":
      return el("hr");
    case "actions":
      return el("div", { class: "actions", role: "group" }, ...(block.elements ?? []).filter((e) => e.type === "button").map((e) => button(e, item)));
    default:
      return el("div", { class: "block-context" }, `(a ${block.type} block, not shown in the playground)`);
  }
}

function button(element, item) {
  const node = el("button", { type: "button", class: element.style ?? "" }, element.text?.text ?? "");
  node.addEventListener("click", () => {
    node.disabled = true;
    const body = { user: state.user, channel: item.channel, messageTs: item.kind === "message" ? item.ts : "", actionId: element.action_id, value: element.value ?? "" };
    post("/playground/click", body).finally(() => (node.disabled = false));
  });
  return node;
}

function renderItem(item) {
  const head = el("div", {}, el("span", { class: "author" }, personName(item.kind === "ephemeral" ? BOT_USER : item.user)));
  if (item.kind === "ephemeral" || item.user === BOT_USER) head.append(el("span", { class: "app-tag" }, "APP"));
  if (item.kind === "ephemeral") head.append(el("span", { class: "only-you" }, "Only visible to you"));
  const body = Array.isArray(item.blocks) && item.blocks.length > 0 ? item.blocks.map((b) => renderBlock(b, item)) : [el("div", {}, mrkdwn(item.text))];
  const article = el("article", { class: item.kind, "aria-label": item.kind === "ephemeral" ? "Only visible to you" : `Message from ${personName(item.user)}` }, head, ...body);
  if (item.edited) article.append(el("span", { class: "edited" }, "(edited)"));
  if (item.kind === "message") article.append(...threadOf(item));
  return article;
}

function threadOf(parent) {
  const replies = [...state.items.values()].filter((i) => i.kind === "message" && i.channel === parent.channel && i.threadTs === parent.ts).sort((a, b) => a.order - b.order);
  if (replies.length === 0) return [];
  const open = state.expanded.has(parent.id);
  const toggle = el("button", { type: "button", "aria-expanded": String(open) }, open ? "Hide replies" : `${replies.length} ${replies.length === 1 ? "reply" : "replies"}`);
  toggle.addEventListener("click", () => {
    if (open) state.expanded.delete(parent.id);
    else state.expanded.add(parent.id);
    render();
  });
  const parts = [el("div", { class: "threads" }, toggle)];
  if (open) parts.push(el("section", { class: "replies", "aria-label": "Thread" }, ...replies.map(renderItem)));
  return parts;
}

function topLevel(channel) {
  return [...state.items.values()].filter((i) => i.channel === channel && !i.threadTs).sort((a, b) => a.order - b.order);
}

function render() {
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const items = topLevel(state.channel);
  state.seen.set(state.channel, Math.max(0, ...items.map((i) => i.order)));
  $("channel-title").textContent = `# ${channelName(state.channel)}`;
  $("channels").replaceChildren(...state.channels.map((c) => {
    const unread = topLevel(c.id).filter((i) => i.order > (state.seen.get(c.id) ?? 0)).length;
    const node = el("button", { type: "button", "aria-current": String(c.id === state.channel), class: unread > 0 ? "unread" : "", onclick: () => selectChannel(c.id) }, `# ${c.name}`);
    if (unread > 0) node.append(el("span", { class: "badge", "aria-label": `${unread} new` }, String(unread)));
    return node;
  }));
  list.replaceChildren(...(items.length > 0 ? items.map(renderItem) : [el("p", { class: "empty" }, "Nothing here yet. Type a /vnet command below.")]));
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function selectChannel(id) {
  state.channel = id;
  render();
  $("messages").scrollTop = $("messages").scrollHeight;
}

function connect() {
  state.source?.close();
  // Nothing of the previous user's stays on screen (their ephemerals were theirs only) until the snapshot arrives.
  state.items = new Map();
  render();
  $("status").textContent = "connecting…";
  const source = new EventSource(`/playground/events?user=${encodeURIComponent(state.user)}`);
  state.source = source;
  source.addEventListener("snapshot", (event) => {
    state.items = new Map(JSON.parse(event.data).items.map((i) => [i.id, i]));
    for (const c of state.channels) state.seen.set(c.id, Math.max(0, ...topLevel(c.id).map((i) => i.order)));
    $("status").textContent = "live";
    render();
  });
  source.addEventListener("upsert", (event) => {
    const item = JSON.parse(event.data);
    state.items.set(item.id, item);
    render();
  });
  source.addEventListener("remove", (event) => {
    state.items.delete(JSON.parse(event.data).id);
    render();
  });
  source.addEventListener("error", () => ($("status").textContent = "reconnecting…"));
}

async function post(path, body) {
  const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) $("status").textContent = `the playground could not send that (HTTP ${response.status})`;
}

async function start() {
  const workspace = await (await fetch("/playground/workspace")).json();
  state.people = workspace.people;
  state.channels = workspace.channels;
  state.user = state.people[0].id;
  state.channel = state.channels[0].id;
  $("user").replaceChildren(...state.people.map((p) => el("option", { value: p.id }, p.realName)));
  $("user").addEventListener("change", (event) => {
    state.user = event.target.value;
    connect();
  });
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("text").value.trim();
    if (!text) return;
    $("text").value = "";
    post("/playground/command", { user: state.user, channel: state.channel, text });
  });
  render();
  connect();
}

start();
