/** Azure's naming rules for the resources users type, checked before any call to Azure. */
import { BotError } from "../errors.ts";
import { escapeMrkdwn } from "./reply.ts";

/** The kinds of resource a user may name in a command. */
export type NamedResource = "app" | "slot" | "plan" | "vnet" | "subnet" | "resource group";

interface NameRule {
  pattern: RegExp;
  rule: string;
}

const RULES: Record<NamedResource, NameRule> = {
  app: {
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,58}[A-Za-z0-9])$/,
    rule: "2-60 characters: letters, digits and hyphens, not starting or ending with a hyphen",
  },
  // Slot names follow the app's rule; the slot's host name (app-slot) is limited as a whole, which Azure checks.
  slot: {
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,58}[A-Za-z0-9])?$/,
    rule: "1-60 characters: letters, digits and hyphens, not starting or ending with a hyphen",
  },
  plan: {
    pattern: /^[A-Za-z0-9_-]{1,60}$/,
    rule: "1-60 characters: letters, digits, hyphens and underscores",
  },
  vnet: {
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9_])$/,
    rule: "2-64 characters: letters, digits, underscores, periods and hyphens, starting with a letter or digit and ending with a letter, digit or underscore",
  },
  subnet: {
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/,
    rule: "1-80 characters: letters, digits, underscores, periods and hyphens, starting with a letter or digit and ending with a letter, digit or underscore",
  },
  "resource group": {
    pattern: /^[\p{L}\p{N}_().-]{0,89}[\p{L}\p{N}_()-]$/u,
    rule: "1-90 characters: letters, digits, underscores, hyphens, periods and parentheses, not ending with a period",
  },
};

/** True when the name follows Azure's rule for that kind of resource. */
export function isValidAzureName(kind: NamedResource, name: string): boolean {
  return RULES[kind].pattern.test(name);
}

/** Throws BotError("usage") quoting Azure's rule when the name cannot be a valid name of that kind. */
export function assertValidAzureName(kind: NamedResource, name: string): void {
  if (isValidAzureName(kind, name)) return;
  const shown = name.length > 100 ? `${name.slice(0, 100)}…` : name;
  throw new BotError("usage", `"${escapeMrkdwn(shown)}" is not a valid ${kind} name: Azure allows ${RULES[kind].rule}.`, {
    hint: `Check the ${kind} name, or give its full resource id.`,
  });
}
