/** Our buttons as the dispatcher sees them: an action id, who may click it, and what a click does. */
import type { AccessRule } from "./access.ts";
import type { ActionId, Reply } from "./reply.ts";

/** A click: who, where, and the button's value (our own id, never parameters a user could tamper with). */
export interface Click {
  userId: string;
  channelId: string;
  value: string;
}

/** The answer to a click, and the change it started (await it to know when that change has finished; it never rejects). */
export interface Decision {
  reply: Reply;
  execution: Promise<void> | undefined;
}

/** One of our buttons. */
export interface Button {
  actionId: ActionId;
  /** What users see on it ("Approve", "Fix"), for the audit trail. */
  label: string;
  /** Where the button is shown ("/vnet diagnose"), for the audit trail. */
  source?: string;
  access: AccessRule;
  /** The requester of the change request the value names; needed when access.requester is set. */
  requesterOf?(value: string): Promise<string | undefined>;
  /** The /vnet command (without "/vnet") the click would ask for, when it asks for a change: for refusals and the audit. */
  commandTextOf?(value: string): Promise<string | undefined>;
  /** Runs once access is granted; throws BotError to refuse for any other reason. */
  click(click: Click): Promise<Decision>;
}

/** The buttons by action id; two buttons with one action id would shadow each other, so that is refused. */
export function buttonTable(buttons: readonly Button[]): ReadonlyMap<string, Button> {
  const table = new Map<string, Button>();
  for (const button of buttons) {
    if (table.has(button.actionId)) throw new Error(`Two buttons have the action id "${button.actionId}".`);
    table.set(button.actionId, button);
  }
  return table;
}
