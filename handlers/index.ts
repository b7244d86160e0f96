/** The /vnet command table: every subcommand, in the order /vnet help lists them. */
import type { Command } from "../src/core/command.ts";
import { approvals } from "./approvals.ts";
import { audit } from "./audit.ts";
import { connect } from "./connect.ts";
import { diagnose } from "./diagnose.ts";
import { disconnect } from "./disconnect.ts";
import { expiring } from "./expiring.ts";
import { gateways } from "./gateways.ts";
import { help } from "./help.ts";
import { list } from "./list.ts";
import { plan } from "./plan.ts";
import { peer } from "./peer.ts";
import { renew } from "./renew.ts";
import { resolve } from "./resolve.ts";
import { routeAdd } from "./route-add.ts";
import { routeRemove } from "./route-remove.ts";
import { routes } from "./routes.ts";
import { show } from "./show.ts";
import { snooze } from "./snooze.ts";
import { sync } from "./sync.ts";
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
  snooze,
  diagnose,
  tcpping,
  resolve,
  connect,
  disconnect,
  sync,
  routeAdd,
  routeRemove,
  renew,
  peer,
  approvals,
  audit,
]);
