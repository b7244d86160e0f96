/**
 * The bot's Prometheus metrics, the only prom-client importer. The layers report through the small Metrics
 * interface (the core never sees it: the composition root hands callbacks to what needs them), and GET /metrics
 * serves scrape() on the same port as /healthz. One registry per bot, so that tests can run several side by side.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** How a command or a click ended: answered, refused with a reason the user can act on, or failed (Azure, the bot). */
export type Outcome = "answered" | "refused" | "failed";

/** A change request as the approvals gauge counts it. */
export interface ApprovalCount {
  status: string;
  createdAt: Date;
}

/** What the bot reports. Labels are bounded: command and button names, templated ARM paths, job names. */
export interface Metrics {
  commandFinished(command: string, outcome: Outcome): void;
  clickFinished(button: string, outcome: Outcome): void;
  /** Seconds from receiving Slack's request to acknowledging it (Slack gives up after 3). */
  acked(kind: "command" | "click", seconds: number): void;
  /** One ARM request attempt (retries count again); status undefined when no answer came. */
  armResponse(method: string, pathTemplate: string, status: number | undefined): void;
  jobFinished(job: string, result: "succeeded" | "failed", seconds: number): void;
  /** A message a scheduled job sent to the alert channel: a new message or a reply in an alert's thread. */
  alertSent(job: string, kind: "message" | "thread_reply"): void;
  /** Where the approvals gauge reads the active change requests from, on each scrape. */
  watchApprovals(read: () => Promise<readonly ApprovalCount[]>): void;
  /** The exposition in Prometheus text format. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

/** The states the approvals gauge reports: those that still wait for someone or something. */
export const ACTIVE_APPROVAL_STATES = ["pending", "approved", "running"] as const;

/** Builds the metrics; processMetrics adds Node's own (CPU, memory, event loop), for the running process only. */
export function createMetrics(options: { processMetrics?: boolean; now?: () => Date } = {}): Metrics {
  const registry = new Registry();
  const now = options.now ?? (() => new Date());
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: "vnetbot_" });
  const registers = [registry];
  const commands = new Counter({ name: "vnetbot_commands_total", help: "/vnet commands by command and outcome (answered, refused, failed).", labelNames: ["command", "outcome"], registers });
  const clicks = new Counter({ name: "vnetbot_button_clicks_total", help: "Button clicks by button and outcome.", labelNames: ["button", "outcome"], registers });
  const acks = new Histogram({
    name: "vnetbot_ack_duration_seconds",
    help: "Time from receiving a Slack request to acknowledging it; Slack shows an error after 3 s.",
    labelNames: ["kind"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    registers,
  });
  const arm = new Counter({ name: "vnetbot_arm_requests_total", help: "ARM request attempts by method, path template and HTTP status (error: no answer).", labelNames: ["method", "path", "status"], registers });
  const scans = new Counter({ name: "vnetbot_scans_total", help: "Scheduled scans by job and result.", labelNames: ["job", "result"], registers });
  const scanSeconds = new Histogram({ name: "vnetbot_scan_duration_seconds", help: "How long scheduled scans took.", labelNames: ["job"], buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300], registers });
  const lastSuccess = new Gauge({ name: "vnetbot_scan_last_success_timestamp_seconds", help: "When each scheduled scan last succeeded (Unix time).", labelNames: ["job"], registers });
  const alerts = new Counter({ name: "vnetbot_alerts_sent_total", help: "Messages scheduled jobs sent to the alert channel, by job and kind.", labelNames: ["job", "kind"], registers });
  let readApprovals: (() => Promise<readonly ApprovalCount[]>) | undefined;
  // Read from the store on each scrape, so that every replica reports the same shared truth.
  new Gauge({
    name: "vnetbot_approvals",
    help: "Change requests waiting for a decision (pending) or running (approved, running).",
    labelNames: ["state"],
    registers,
    async collect() {
      if (!readApprovals) return;
      // A store that cannot answer leaves these two out of the scrape rather than failing it: /readyz names the store.
      const records = await readApprovals().catch(() => undefined);
      if (!records) {
        // Not the last known counts: a stale number would look like a truth the store no longer confirms.
        this.reset();
        oldest.reset();
        return;
      }
      for (const state of ACTIVE_APPROVAL_STATES) this.set({ state }, records.filter((r) => r.status === state).length);
      oldest.set(Math.max(0, ...records.filter((r) => r.status === "pending").map((r) => (now().getTime() - r.createdAt.getTime()) / 1000)));
    },
  });
  const oldest = new Gauge({ name: "vnetbot_approval_oldest_pending_seconds", help: "Age of the oldest pending change request (0: none).", registers });

  return {
    commandFinished: (command, outcome) => commands.inc({ command, outcome }),
    clickFinished: (button, outcome) => clicks.inc({ button, outcome }),
    acked: (kind, seconds) => acks.observe({ kind }, seconds),
    armResponse: (method, path, status) => arm.inc({ method, path, status: status === undefined ? "error" : String(status) }),
    jobFinished(job, result, seconds) {
      scans.inc({ job, result });
      scanSeconds.observe({ job }, seconds);
      if (result === "succeeded") lastSuccess.set({ job }, now().getTime() / 1000);
    },
    alertSent: (job, kind) => alerts.inc({ job, kind }),
    watchApprovals(read) {
      readApprovals = read;
    },
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
