/** A problem the gateway check watches (a gateway down, an integration needing a resync) as one scan saw it. */

/** down: alert; busy: being worked on, neither down nor recovered; unknown: could not tell; up: fine. */
export type ProblemCondition = "down" | "busy" | "unknown" | "up";

/** One watched subject and its condition on this scan. */
export interface ProblemFinding {
  key: string;
  alertId: string;
  kind: "gateway" | "resync";
  condition: ProblemCondition;
  /** What the alert is about, e.g. "Gateway gw-hub (vnet-hub)". */
  subject: string;
  /** Names a user may type in /vnet snooze besides the alert id (the gateway's name). */
  names: string[];
  /** Why it is down, e.g. "provisioning state Failed". */
  reasons: string[];
  /** The apps cut off, e.g. "orders-api (plan-orders)". */
  apps: string[];
  /** What to do about it, e.g. "/vnet sync plan-x vnet-y". */
  fix: string | undefined;
}
