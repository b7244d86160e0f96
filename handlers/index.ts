/** The /vnet command table: every subcommand, in the order /vnet help lists them. */
import { changeCommands } from "../src/core/changes/registry.ts";
import type { Command } from "../src/core/command.ts";
import { approvals } from "./approvals.ts";
import { audit } from "./audit.ts";
import { diagnose } from "./diagnose.ts";
import { expiring } from "./expiring.ts";
import { gateways } from "./gateways.ts";
import { help } from "./help.ts";
import { list } from "./list.ts";
import { migration } from "./migration.ts";
import { plan } from "./plan.ts";
import { resolve } from "./resolve.ts";
import { routes } from "./routes.ts";
import { show } from "./show.ts";
import { snooze } from "./snooze.ts";
import { tcpping } from "./tcpping.ts";

/** Builds a table; refuses two commands of the same name (one would silently shadow the other). */
export function createCommandTable(list: readonly Command[]): readonly Command[] {
  const seen = new Set<string>();
  for (const command of list) {
    if (seen.has(command.name)) throw new Error(`Two /vnet commands are named "${command.name}": rename one of them.`);
    seen.add(command.name);
  }
  return Object.freeze([...list]);
}

/** Every /vnet command. */
export const commands: readonly Command[] = createCommandTable([
  help,
  list,
  show,
  plan,
  routes,
  expiring,
  gateways,
  migration,
  snooze,
  diagnose,
  tcpping,
  resolve,
  // One per change kind (src/core/changes/registry.ts), each asking for approval.
  ...changeCommands(),
  approvals,
  audit,
]);
