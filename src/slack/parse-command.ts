/** Parses what follows /vnet into a command and checked arguments, before anything reaches Azure. */
import { BotError } from "../errors.ts";
import { parseAddressRange, parseCidr } from "../core/address-range.ts";
import { isValidAzureName, type NamedResource } from "../core/azure-names.ts";
import { closestWord, editDistance } from "../core/closest-word.ts";
import { CommandArgs, isShareable, SHARE_FLAG, type Command, type ParamKind, type ParsedArg } from "../core/command.ts";
import { aResource, parseResourceRef } from "../core/resolve.ts";
import { parseTarget } from "../core/diagnose/parse-target.ts";
import { parseResourceId } from "../core/resource-id.ts";
import { escapeMrkdwn } from "../core/reply.ts";
import { DID_YOU_MEAN, SEE_HELP, UNKNOWN_COMMAND, USAGE } from "./messages.ts";

/** A command with its arguments by name. */
export interface ParsedCommand {
  command: Command;
  args: CommandArgs;
  /** --share: post the answer in the channel rather than to the asker only (read commands). */
  share: boolean;
  /**
   * A longer command of the same family whose last word the first argument looks like a typo of ("migrate rolback
   * APP"): said if the command then finds nothing by that name, since an app may really be called so.
   */
  mayMean: string | undefined;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Finds the command (longest name first, so "route add" beats "route") and checks its arguments. */
export function parseCommand(table: readonly Command[], text: string): ParsedCommand {
  const words = text.trim().split(/\s+/).filter((w) => w.length > 0);
  if (words.length === 0) words.push("help");
  const byLength = [...table].sort((a, b) => b.name.split(" ").length - a.name.split(" ").length);
  const command = byLength.find((c) => c.name.split(" ").every((part, i) => words[i]?.toLowerCase() === part));
  if (!command) throw unknownCommand(table, words);
  const rest = words.slice(command.name.split(" ").length);
  // A flag of the dispatcher's rather than the command's: taken out before the command's own arguments are checked.
  const share = isShareable(command) && rest.some((w) => w.toLowerCase() === SHARE_FLAG);
  const mayMean = subFormMeant(table, command, rest);
  try {
    return { command, args: parseArgs(command, share ? rest.filter((w) => w.toLowerCase() !== SHARE_FLAG) : rest), share, mayMean };
  } catch (error) {
    throw mayMean && error instanceof BotError ? new BotError(error.kind, `${error.message} ${DID_YOU_MEAN(mayMean)}`, { hint: error.hint }) : error;
  }
}

/** "migrate rolback orders-api" → "migrate rollback orders-api": the family's longer command the words may have meant. */
function subFormMeant(table: readonly Command[], command: Command, rest: readonly string[]): string | undefined {
  const first = rest[0];
  if (first === undefined || first.startsWith("--")) return undefined;
  const longer = table.filter((c) => c.name.startsWith(`${command.name} `)).map((c) => c.name.slice(command.name.length + 1));
  // An exact one matched the longer command already (longest name first): only typos get here.
  const meant = closestWord(first, longer);
  return meant ? [command.name, meant, ...rest.slice(1)].join(" ") : undefined;
}

/** The usage error for words that name no command, with the command they most likely meant. */
function unknownCommand(table: readonly Command[], words: string[]): BotError {
  const first = words[0]!.toLowerCase();
  const family = table.filter((c) => c.name.split(" ")[0] === first);
  const typed = (n: number) => words.slice(0, n).join(" ").toLowerCase();
  if (family.length > 0) {
    // "route ad": the family is right, its second word is not.
    const meant = words[1] === undefined ? undefined : closestWord(typed(2), family.map((c) => c.name));
    const needs = `\`/vnet ${shorten(words[0]!)}\` needs one of: ${family.map((c) => `\`${c.name}\``).join(", ")}.`;
    // "route list": the reading command of the family's name ("routes") is what was meant.
    const reading = meant ? undefined : table.find((c) => c.name === `${first}s`);
    const message = meant ? `${UNKNOWN_COMMAND(shorten(typed(2)))} ${DID_YOU_MEAN(meant)}` : reading ? `${needs} ${DID_YOU_MEAN(reading.name)}` : needs;
    return new BotError("usage", message, { hint: [...family, ...(reading ? [reading] : [])].map((c) => USAGE(c.usage)).join("\n") });
  }
  // Each name is compared with as many typed words as it has, so "rout add" finds "route add" and "lsit" finds "list".
  const scored = table.map((c) => ({ c, typed: typed(c.name.split(" ").length) })).filter((s) => closestWord(s.typed, [s.c.name]) !== undefined);
  const meant = pickClosest(scored);
  if (meant) return new BotError("usage", `${UNKNOWN_COMMAND(shorten(words[0]!))} ${DID_YOU_MEAN(meant.name)}`, { hint: `${USAGE(meant.usage)}\n${SEE_HELP}` });
  return new BotError("usage", UNKNOWN_COMMAND(shorten(words[0]!)), { hint: SEE_HELP });
}

function pickClosest(scored: Array<{ c: Command; typed: string }>): Command | undefined {
  let best: { c: Command; d: number } | undefined;
  for (const { c, typed } of scored) {
    const d = editDistance(typed, c.name);
    if (!best || d < best.d) best = { c, d };
  }
  return best?.c;
}

function parseArgs(command: Command, words: string[]): CommandArgs {
  const usage = (message: string) => new BotError("usage", message, { hint: `${USAGE(command.usage)}\n${SEE_HELP}` });
  const args = new Map<string, ParsedArg>();
  const positional: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith("--")) {
      positional.push(word);
      continue;
    }
    const flag = command.flags.find((f) => f.name === word.toLowerCase());
    if (!flag) throw usage(`\`${shorten(word)}\` is not an option of \`/vnet ${command.name}\`.`);
    if (flag.kind === "switch") {
      args.set(flag.name, { text: flag.name });
      continue;
    }
    const value = words[++i];
    if (value === undefined || value.startsWith("--")) throw usage(`\`${flag.name}\` needs a value: ${flag.value}.`);
    // Which of two values was meant is not for the bot to guess.
    if (args.has(flag.name)) throw usage(`\`${flag.name}\` is given twice: give it once.`);
    args.set(flag.name, check(flag.kind, flag.value, value, usage));
  }
  command.params.forEach((param, index) => {
    const value = param.rest ? positional.slice(index).join(" ") || undefined : positional[index];
    if (value === undefined) {
      if (!param.optional) throw usage(`Missing ${param.name}.`);
      return;
    }
    args.set(param.name, check(param.kind, param.name, value, usage, param.max));
  });
  const taken = command.params.some((p) => p.rest) ? positional.length : command.params.length;
  if (positional.length > taken) {
    throw usage(`Too many arguments: \`${shorten(positional.slice(taken).join(" "))}\` is more than \`/vnet ${command.name}\` takes.`);
  }
  return new CommandArgs(args);
}

function check(kind: ParamKind, name: string, value: string, usage: (message: string) => BotError, max = 200): ParsedArg {
  switch (kind) {
    case "app":
    case "plan":
    case "vnet":
      if (!isResourceReference(kind, value)) {
        throw usage(`\`${shorten(value)}\` is not a valid ${name}: give ${aResource(kind)} name, resource-group/name, or a full resource id.`);
      }
      return { text: value, ref: parseResourceRef(kind, value) };
    case "range":
      try {
        return { text: value, range: parseAddressRange(value) };
      } catch (error) {
        throw usage(error instanceof BotError ? error.message : `\`${shorten(value)}\` is not an address range.`);
      }
    case "cidr":
      try {
        return { text: value, range: parseCidr(value) };
      } catch (error) {
        throw usage(error instanceof BotError ? error.message : `\`${shorten(value)}\` is not a CIDR range.`);
      }
    case "route":
      if (!/^[A-Za-z0-9._\-/]{1,80}$/.test(value)) throw usage(`\`${shorten(value)}\` is not a route name or range.`);
      return { text: value };
    case "count": {
      const count = Number(value);
      if (!Number.isInteger(count) || count < 1 || count > max) throw usage(`${name} must be a whole number from 1 to ${max}, not \`${shorten(value)}\`.`);
      return { text: String(count) };
    }
    case "subscription":
      if (!GUID.test(value)) throw usage(`\`${shorten(value)}\` is not a subscription id (a GUID such as 00000000-0000-0000-0000-000000000000).`);
      return { text: value };
    case "alert":
      if (!/^[A-Za-z0-9._-]{1,80}$/.test(value)) throw usage(`\`${shorten(value)}\` is not an alert id or gateway name.`);
      return { text: value };
    case "duration":
      if (!/^\d{1,4}[mhd]$/i.test(value)) throw usage(`\`${shorten(value)}\` is not a duration: use minutes, hours or days such as 30m, 4h or 2d.`);
      return { text: value };
    case "host":
    case "host-port":
    case "host-name":
      return { text: checkHost(kind, value, usage) };
    case "command":
      // Help echoes it back: words only.
      if (!/^[A-Za-z][A-Za-z -]{0,40}$/.test(value)) throw usage(`\`${shorten(value)}\` is not a command name.`);
      return { text: value };
    case "text":
    case "switch":
      return { text: value };
  }
}

// What a host may be made of; anything else is refused here, without echoing it back in full.
const HOST_TEXT = /^[A-Za-z0-9._:\-\[\]/]{1,260}$/;

function checkHost(kind: "host" | "host-port" | "host-name", value: string, usage: (message: string) => BotError): string {
  if (!HOST_TEXT.test(value)) throw usage(`\`${shorten(value)}\` is not a host: give a DNS name or an IPv4 address${kind === "host-name" ? "" : ", with :PORT"}.`);
  let target;
  try {
    target = parseTarget(value, { requirePort: kind === "host-port" });
  } catch (error) {
    if (error instanceof BotError) throw usage(error.message);
    throw error;
  }
  if (kind === "host-name" && target.port !== undefined) throw usage(`\`${shorten(value)}\` has a port; give the host name only.`);
  return value;
}

function isResourceReference(kind: Exclude<NamedResource, "resource group">, value: string): boolean {
  if (value.startsWith("/")) return parseResourceId(value) !== undefined;
  const parts = value.split("/");
  if (parts.length === 1) return isValidAzureName(kind, value);
  return parts.length === 2 && isValidAzureName("resource group", parts[0]!) && isValidAzureName(kind, parts[1]!);
}

/** Makes user input safe to echo inside a `code` span: at most 60 characters, no backticks, no mrkdwn controls. */
export function shorten(text: string): string {
  const short = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return escapeMrkdwn(short.replace(/`/g, "'"));
}
