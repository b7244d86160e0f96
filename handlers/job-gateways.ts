/** The scheduled gateway check (schedule.gateways): down, reminders, snoozes and recovery in slack.alertChannel. */
import type { AlertDeps } from "../src/core/alerts/alert-deps.ts";
import { runGatewayCheck } from "../src/core/alerts/gateway-check.ts";

/** The job for the scheduler: its name, cron expression and run(now). */
export function gatewayJob(deps: AlertDeps, expression: string) {
  return { name: "gateways", expression, run: (now: Date) => runGatewayCheck(deps, now) };
}
