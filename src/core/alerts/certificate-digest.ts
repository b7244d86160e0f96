/** The certificate digest: one message per scan, grouped by urgency, each entry with a Renew button. */
import { ACTIONS, type Reply, type ReplyButton, type ReplyPart } from "../reply.ts";
import { formatDate, plural } from "../format.ts";
import { countdownLine, type MigrationProgress } from "../migration/countdown.ts";
import type { CertificateAnnouncement, CertificateFinding, CertificateRenewal } from "./certificate-alerts.ts";
import type { UrgencyGroup } from "./certificate-stage.ts";
import { idleGatewayLines, type IdleGateway } from "./idle-gateways.ts";
import { rootCapacityLines, type FillingGateway } from "./root-capacity.ts";

/** Group headings, most urgent first. */
export const GROUP_TITLES: Record<UrgencyGroup, (warningMonths: number) => string> = {
  expired: () => ":red_circle: *Expired*",
  "under-30-days": () => ":large_orange_circle: *Expiring within 30 days*",
  "within-window": (months) => `:large_yellow_circle: *Expiring within ${plural(months, "month")}*`,
};

const GROUP_ORDER: readonly UrgencyGroup[] = ["expired", "under-30-days", "within-window"];
// An actions block holds at most 25 elements.
const BUTTONS_PER_BLOCK = 25;

/** What the digest says. */
export interface DigestContent {
  entries: readonly CertificateAnnouncement[];
  renewals: readonly CertificateRenewal[];
  /** Certificates still expiring whose current stage was announced earlier. */
  alreadyAnnounced: number;
  /** Integrations migrated and still to migrate, for the retirement countdown. */
  progress: MigrationProgress;
  warningMonths: number;
  now: Date;
  /** Reads that failed, so that the digest does not look complete when it is not. */
  failures: readonly string[];
  /** Whether entries get Renew buttons (the scheduled digest) or not (a read-only answer). */
  withButtons: boolean;
  /** Gateways newly at the root-certificate warning level. */
  fillingGateways?: readonly FillingGateway[];
  /** Gateways newly left without any gateway-required integration by vnetbot's migrations. */
  idleGateways?: readonly IdleGateway[];
}

/** One entry: plan, VNet, apps, expiry date and days left. */
export function describeEntry(entry: CertificateAnnouncement): string {
  const when =
    entry.daysLeft < 0 || entry.group === "expired"
      ? `expired on ${formatDate(entry.notAfter)} (${plural(Math.max(1, -entry.daysLeft), "day")} ago)`
      : `expires on ${formatDate(entry.notAfter)} (${plural(entry.daysLeft, "day")} left)`;
  return `• *${entry.planName}* → *${entry.vnetName}*: ${when}. Apps: ${appsOf(entry)}`;
}

function appsOf(finding: CertificateFinding): string {
  return finding.apps.length > 0 ? finding.apps.join(", ") : "_none on this VNet_";
}

/**
 * The Renew button of an entry. Its value is the alert id, which the click resolves to the app to renew, and the
 * thumbprint of the certificate this digest names: the alert's stored state follows the certificate from scan to
 * scan, the digest does not.
 */
export function renewButton(entry: CertificateFinding): ReplyButton | undefined {
  if (!entry.renewAppId) return undefined;
  return { actionId: ACTIONS.alertRenew, label: `Renew ${entry.apps[0]} (${entry.vnetName})`, value: `${entry.alertId}:${entry.thumbprint}`, style: "primary" };
}

/** Builds the digest reply. */
export function certificateDigest(content: DigestContent): Reply {
  const parts: ReplyPart[] = [];
  const sorted = [...content.entries].sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime());
  for (const group of GROUP_ORDER) {
    const inGroup = sorted.filter((e) => e.group === group);
    if (inGroup.length === 0) continue;
    parts.push({ kind: "text", text: [GROUP_TITLES[group](content.warningMonths), ...inGroup.map(describeEntry)].join("\n") });
  }
  if (content.renewals.length > 0) {
    const lines = content.renewals.map((r) => `• *${r.planName}* → *${r.vnetName}*: new certificate, valid until ${formatDate(r.notAfter)} (was ${formatDate(r.previousNotAfter)}). Apps: ${appsOf(r)}`);
    parts.push({ kind: "text", text: [":white_check_mark: *Renewed*", ...lines].join("\n") });
  }
  if (content.fillingGateways && content.fillingGateways.length > 0) {
    parts.push({ kind: "text", text: [":warning: *Gateways running out of root certificates*", ...rootCapacityLines(content.fillingGateways)].join("\n") });
  }
  if (content.idleGateways && content.idleGateways.length > 0) {
    parts.push({ kind: "text", text: [":bulb: *Gateways no longer serving VNet integration*", ...idleGatewayLines(content.idleGateways, content.now)].join("\n") });
  }
  if (content.withButtons) {
    const buttons = sorted.map(renewButton).filter((b) => b !== undefined);
    for (let i = 0; i < buttons.length; i += BUTTONS_PER_BLOCK) parts.push({ kind: "buttons", buttons: buttons.slice(i, i + BUTTONS_PER_BLOCK) });
  }
  if (parts.length === 0) parts.push({ kind: "text", text: `:white_check_mark: ${digestSummary(content)}` });
  const context: string[] = [];
  if (content.alreadyAnnounced > 0) context.push(`${plural(content.alreadyAnnounced, "other certificate")} expiring or expired, announced before: \`/vnet expiring\` lists them all.`);
  if (content.failures.length > 0) context.push(`:warning: ${plural(content.failures.length, "read")} failed, so this list may be incomplete: ${content.failures.join("; ")}`);
  context.push(countdownLine(content.now, content.progress));
  parts.push({ kind: "context", lines: context });
  const summary = digestSummary(content);
  return { title: "VNet integration certificates", text: summary, parts, visibility: "in_channel" };
}

function digestSummary(content: DigestContent): string {
  const counts = GROUP_ORDER.map((g) => [g, content.entries.filter((e) => e.group === g).length] as const).filter(([, n]) => n > 0);
  const words: Record<UrgencyGroup, string> = { expired: "expired", "under-30-days": "expiring within 30 days", "within-window": `expiring within ${plural(content.warningMonths, "month")}` };
  const pieces = counts.map(([g, n]) => `${n} ${words[g]}`);
  if (content.renewals.length > 0) pieces.push(`${content.renewals.length} renewed`);
  if (content.fillingGateways?.length) pieces.push(`${plural(content.fillingGateways.length, "gateway")} running out of root certificates`);
  if (content.idleGateways?.length) pieces.push(`${plural(content.idleGateways.length, "gateway")} no longer serving any integration`);
  return pieces.length > 0 ? `Certificates: ${pieces.join(", ")}.` : `No certificate expires within ${plural(content.warningMonths, "month")}.`;
}
