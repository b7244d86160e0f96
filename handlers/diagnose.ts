/** /vnet diagnose APP [HOST[:PORT]]: the troubleshooting checklist, then live tests from the app's worker. */
import { BotError } from "../src/errors.ts";
import { defineCommand, type CommandContext } from "../src/core/command.ts";
import { diagnoseApp, type DiagnoseDeps, type LiveTestReport } from "../src/core/diagnose/diagnose.ts";
import { learnFromTcpTest } from "../src/core/migration/migration-records.ts";
import { commandTextOf } from "../src/core/changes/registry.ts";
import { diagnosisReply, STATUS_MARK } from "../src/core/diagnose/diagnosis-reply.ts";
import { ACTIONS, type Reply } from "../src/core/reply.ts";

/** What the diagnose commands need, from the command context; BotError when Kudu is not configured. */
export function diagnoseDeps(ctx: CommandContext): DiagnoseDeps {
  if (!ctx.kudu) {
    throw new BotError("unavailable", "Live tests on the app's worker are not set up in this vnetbot.", {
      hint: "An administrator sets azure.kuduUrl (or lets vnetbot use the apps' SCM hosts) and grants it Microsoft.Web/sites/publish/Action.",
    });
  }
  return { reader: ctx.reader, kudu: ctx.kudu, clock: ctx.clock, subscriptions: ctx.subscriptions, migrations: ctx.migrations };
}

/** A single live test (tcpping, resolve) as a reply. */
export function liveTestReply(report: LiveTestReport, title: string): Reply {
  const { check } = report;
  const lines = [`${STATUS_MARK[check.status]} *${check.title}*: ${check.evidence}`];
  if (check.status !== "pass" && check.fix) lines.push(`_Fix:_ ${check.fix}`);
  const more = [
    `From ${report.appName} (${report.integration}).`,
    ...(report.note ? [`:warning: ${report.note}`] : []),
    // The checklist is of gateway-required integration: it is offered only where it applies.
    ...(check.status === "pass" || !report.gatewayRequired ? [] : [`\`/vnet diagnose ${report.appName} HOST[:PORT]\` runs the whole checklist.`]),
  ];
  return {
    title,
    text: `${report.appName} (${report.integration}): ${check.evidence}`,
    parts: [{ kind: "status", lines }, { kind: "context", lines: more }],
  };
}

export const diagnose = defineCommand({
  name: "diagnose",
  summary: "Why an app cannot reach a host: the checklist, then live tests from the app's worker",
  changesAzure: false,
  params: [{ name: "APP", kind: "app" }, { name: "HOST", kind: "host", optional: true }],
  valueNames: { HOST: "HOST[:PORT]" },
  async run(ctx, args) {
    const diagnosis = await diagnoseApp(diagnoseDeps(ctx), args.ref("APP"), args.optional("HOST"), { signal: ctx.signal });
    // A host:port the app reached is one it must keep reaching: a migration tests it again afterwards.
    const tcp = diagnosis.checks.find((c) => c.id === "tcp-connect");
    if (diagnosis.target?.port !== undefined && tcp) {
      await learnFromTcpTest(ctx.migrations, diagnosis.appId, { host: diagnosis.target.host, port: diagnosis.target.port, addresses: diagnosis.resolved }, tcp.status);
    }
    const { offers } = ctx;
    const reply = diagnosisReply(
      diagnosis,
      offers &&
        ((fix) => ({
          actionId: ACTIONS.diagnoseFix,
          label: `Fix: ${commandTextOf(fix.change)}`,
          // A click re-reads what the Fix was for: someone may have fixed it since.
          value: offers.offer(fix.change, ctx.channelId, { appId: diagnosis.appId, checks: fix.checks.map((check) => check.id) }),
          style: "primary",
        })),
    );
    // The buttons are shown only once what they stand for is stored.
    await offers?.flush();
    return reply;
  },
});
