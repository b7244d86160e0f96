/** The scheduled certificate check (schedule.certificates): one digest per scan to slack.alertChannel. */
import type { AlertDeps } from "../src/core/alerts/alert-deps.ts";
import { runCertificateCheck } from "../src/core/alerts/certificate-check.ts";

/** The job for the scheduler: its name, cron expression and run(now). */
export function certificateJob(deps: AlertDeps, expression: string) {
  return { name: "certificates", expression, run: (now: Date) => runCertificateCheck(deps, now) };
}
