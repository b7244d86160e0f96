/** What /vnet diagnose reports: a checklist of named checks, each with its evidence and, when it fails, the fix. */
import type { ChangeRequest } from "../changes/types.ts";

/** ✅ pass, ⚠️ warn (works now, needs attention, or could not be checked), ❌ fail (breaks connectivity). */
export type CheckStatus = "pass" | "warn" | "fail";

/** The name of a check, stable for tests and for the renderer. */
export type CheckId =
  | "eligibility"
  | "regional-integration"
  | "p2s-pool"
  | "gateway-up"
  | "certificate-on-gateway"
  | "dns-servers"
  | "resync"
  | "certificate-expiry"
  | "target-route"
  | "peering"
  | "nsg"
  | "site-to-site"
  | "private-ip"
  | "dns-lookup"
  | "tcp-connect";

/** One line of the checklist. */
export interface DiagnosisCheck {
  id: CheckId;
  status: CheckStatus;
  /** Short and stable, e.g. "Gateway is up". */
  title: string;
  /** What vnetbot saw, in one or two sentences. */
  evidence: string;
  /** What to do when the check is not a pass. */
  fix: string | undefined;
  /** The change vnetbot can make for it (a Fix button opens the approval flow with it). */
  change: ChangeRequest | undefined;
  /** True when what it found stops every change of the integration (a gateway down or busy): no Fix is offered. */
  blocksChanges?: boolean;
}

/** The host and port a user wants the app to reach. */
export interface DiagnoseTarget {
  host: string;
  port: number | undefined;
  /** The host when it is written as an IPv4 address. */
  ip: string | undefined;
}

/** The whole report for one app. */
export interface Diagnosis {
  appId: string;
  appName: string;
  vnetName: string;
  target: DiagnoseTarget | undefined;
  /**
   * The IPv4 addresses a target given by name resolved to on the worker: empty when the lookup failed (no such name,
   * no DNS answer), undefined when there was none or it could not tell (Kudu unreachable, output not understood).
   */
  resolved: string[] | undefined;
  checks: DiagnosisCheck[];
  /** Things the reader should know that are not checks (what was skipped, and why). */
  notes: string[];
}

/** Builds a check; fix and change default to none. */
export function check(
  id: CheckId,
  status: CheckStatus,
  title: string,
  evidence: string,
  options: { fix?: string; change?: ChangeRequest; blocksChanges?: boolean } = {},
): DiagnosisCheck {
  return { id, status, title, evidence, fix: options.fix, change: options.change, ...(options.blocksChanges ? { blocksChanges: true } : {}) };
}

/** The checks that did not pass, worst first. */
export function problemsOf(diagnosis: Pick<Diagnosis, "checks">): DiagnosisCheck[] {
  const rank: Record<CheckStatus, number> = { fail: 0, warn: 1, pass: 2 };
  return diagnosis.checks.filter((c) => c.status !== "pass").sort((a, b) => rank[a.status] - rank[b.status]);
}
