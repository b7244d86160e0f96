/**
 * Readiness: whether the bot can do its work, as opposed to whether it is alive (/healthz). Each dependency (the
 * store, Slack, Azure) has a check; /readyz runs them at most once per interval and says which one failed and why.
 */
import { isBotError } from "./errors.ts";
import { redact, type Logger } from "./log.ts";

/** One dependency's check: resolves when it is usable, rejects with what is wrong (a BotError's message is shown). */
export interface DependencyCheck {
  name: string;
  check(signal: AbortSignal): Promise<void>;
}

/** The outcome of one check. */
export interface CheckResult {
  name: string;
  ok: boolean;
  /** Why it is not usable, and what to do: safe to show (no secrets, no internal details). */
  problem?: string;
}

/** Every check's outcome, and when they ran. */
export interface ReadinessReport {
  ready: boolean;
  checks: CheckResult[];
  checkedAt: Date;
}

/** Answers "is the bot ready?" from cached check results. */
export interface Readiness {
  /** The last report if it is fresher than the interval, otherwise a new one (concurrent callers share a run). */
  report(): Promise<ReadinessReport>;
}

/** What readiness is built from. */
export interface ReadinessOptions {
  checks: readonly DependencyCheck[];
  logger: Logger;
  /** How long a report is reused (default 15 s): a load balancer polling every second must not hammer ARM. */
  cacheMs?: number;
  /** How long one check may take before it counts as failed (default 10 s). */
  timeoutMs?: number;
  /** Monotonic milliseconds (tests). */
  now?: () => number;
}

/** The cache interval when none is given. */
export const READINESS_CACHE_MS = 15_000;

/** Builds readiness over the checks; nothing runs until the first report. */
export function createReadiness(options: ReadinessOptions): Readiness {
  const cacheMs = options.cacheMs ?? READINESS_CACHE_MS;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = options.now ?? (() => performance.now());
  let last: { report: ReadinessReport; at: number } | undefined;
  let running: Promise<ReadinessReport> | undefined;
  let previouslyFailing = new Set<string>();

  async function run(): Promise<ReadinessReport> {
    const checks = await Promise.all(options.checks.map((c) => runOne(c, timeoutMs)));
    const report = { ready: checks.every((c) => c.ok), checks, checkedAt: new Date() };
    // Logged on change only: a probe every few seconds would otherwise repeat the same line forever.
    const failing = new Set(checks.filter((c) => !c.ok).map((c) => c.name));
    for (const c of checks) {
      if (!c.ok && !previouslyFailing.has(c.name)) options.logger.error("not ready: a dependency is not usable", { dependency: c.name, problem: c.problem });
      if (c.ok && previouslyFailing.has(c.name)) options.logger.info("a dependency is usable again", { dependency: c.name });
    }
    previouslyFailing = failing;
    return report;
  }

  return {
    report() {
      if (last && now() - last.at < cacheMs) return Promise.resolve(last.report);
      running ??= run()
        .then((report) => {
          last = { report, at: now() };
          return report;
        })
        .finally(() => (running = undefined));
      return running;
    },
  };
}

async function runOne(dependency: DependencyCheck, timeoutMs: number): Promise<CheckResult> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    await Promise.race([
      dependency.check(signal),
      new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)), { once: true })),
    ]);
    return { name: dependency.name, ok: true };
  } catch (error) {
    return { name: dependency.name, ok: false, problem: problemOf(error) };
  }
}

// A BotError says what to do; anything else is shown by its message only, masked like a log line (a database
// driver's message could hold a connection string).
function problemOf(error: unknown): string {
  if (isBotError(error)) return redact([error.message, error.hint].filter(Boolean).join(" "));
  return redact(error instanceof Error ? error.message : String(error));
}

/** The /readyz body as text: "ready", or one line per dependency that is not usable. */
export function readinessText(report: ReadinessReport): string {
  if (report.ready) return `ready: ${report.checks.map((c) => c.name).join(", ")} usable\n`;
  return `not ready\n${report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.problem}`).join("\n")}\n`;
}
