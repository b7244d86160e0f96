/**
 * Fault drill: PostgreSQL restarted under load.
 * Run: `. scripts/node24.sh && node test/drills/postgres-restart.ts [--cut 20] [--with-running-change]` (~1 min, ~3.5 min
 * with a running change; needs the local PostgreSQL the store tests use, or VNETBOT_TEST_POSTGRES_URL).
 *
 * The bot (`npm start`'s command, VNETBOT_POSTGRES_URL) reaches PostgreSQL through a TCP proxy started here, in a schema
 * of its own. Cutting the proxy drops every connection and refuses new ones: that stands for a restart of the database
 * server, which this drill cannot do to the machine's PostgreSQL without root. Before the cut: a change done, another
 * waiting for approval. During the cut (--cut seconds, longer than /readyz's 15 s cache): other users' commands and a
 * change request, one every 2 s, and a click on Approve; /readyz is asked every half second throughout. After it: the
 * waiting change is approved again and must run exactly once. The approvals and the audit trail are read from the
 * database directly, before and after. With --with-running-change, a change is also in the middle of its step (its
 * ARM write held for 3 s) when the cut comes: the drill waits for what its requester is told, then runs it again.
 */
import { parseArgs } from "node:util";
import { DATABASE_UNREACHABLE } from "../../src/store/postgres-unreachable.ts";
import { BENCH_SLACK } from "../bench/bot-process.ts";
import { printFigures } from "../bench/report.ts";
import { createTestSchema } from "../store/postgres-test-schema.ts";
import { startTcpProxy } from "../support/tcp-proxy.ts";
import { startDrillWorld, type SentCommand } from "./drill-world.ts";
import { Verdicts } from "./verdicts.ts";

const { values } = parseArgs({ options: { cut: { type: "string", default: "20" }, "with-running-change": { type: "boolean", default: false } } });
const CUT_MS = Number(values.cut) * 1000;
const RUNNING_CHANGE = "route add plan-platform vnet-hr 10.61.0.0/16";
const RUNNING_ROUTE = "/routes/route-10-61-0-0-16$";
const READYZ_CACHE_MS = 15_000;
const USERS = ["U0USER01", "U0USER02", "U0USER03", "U0USER04", "U0USER05", "U0USER06"] as const;
// During the cut, one every 2 s: reads (from the kept inventory, in the store), instant commands (approvals and audit
// answer in the ack) and a change request.
const DURING_CUT = [
  { userId: USERS[0], text: "list" },
  { userId: USERS[1], text: "show orders-web" },
  { userId: USERS[2], text: "approvals" },
  { userId: BENCH_SLACK.operator, text: "route add plan-platform vnet-data 10.60.0.0/16" },
  { userId: USERS[3], text: "plan plan-orders" },
  { userId: USERS[4], text: "audit 5" },
  { userId: USERS[5], text: "gateways" },
];
const WAITING_CHANGE = "route add plan-orders vnet-hub 10.50.0.0/16";
const waitMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

const schema = await createTestSchema();
const direct = new URL(schema.url);
const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
const throughProxy = new URL(schema.url);
throughProxy.port = String(proxy.port);
const world = await startDrillWorld({ users: USERS, env: { VNETBOT_POSTGRES_URL: throughProxy.toString(), VNETBOT_INSTANCE_ID: "drill" } });
try {
  const verdicts = new Verdicts();
  const readyz = async () => {
    try {
      const response = await fetch(`http://127.0.0.1:${world.bot.port}/readyz`);
      return { status: response.status, text: (await response.text()).trim() };
    } catch (error) {
      return { status: 0, text: `no answer: ${(error as Error).message}` };
    }
  };
  const approvals = () => schema.query<{ id: string; status: string }>("SELECT id, status FROM approvals ORDER BY id");
  const audit = () => schema.query<{ seq: string; action: string; request_id: string | null; summary: string }>("SELECT seq, action, request_id, summary FROM audit ORDER BY seq");

  // Before: the kept inventory, a change done, another waiting for an approver.
  await (await world.send("list")).answered;
  const done = await world.requestChange("connect orders-worker vnet-hub");
  await world.approve(done.message);
  const doneBefore = await world.outcome(done.message);
  const waiting = await world.requestChange(WAITING_CHANGE);
  const readyBefore = await readyz();
  const running = values["with-running-change"] ? await startRunningChange() : undefined;
  const approvalsBefore = await approvals();
  const auditBefore = await audit();

  // /readyz every half second from the cut until it is ready again after the restore.
  const probes: Array<{ at: number; status: number; text: string }> = [];
  let probing = true;
  const cutAt = performance.now();
  const prober = (async () => {
    while (probing) {
      const probe = await readyz();
      probes.push({ at: performance.now() - cutAt, ...probe });
      await waitMs(500);
    }
  })();
  await proxy.cut();

  const sent: Array<{ text: string; userId: string; command: SentCommand | undefined; error?: string }> = [];
  let clickAnswer: Promise<string | undefined> = Promise.resolve(undefined);
  for (const [i, { userId, text }] of DURING_CUT.entries()) {
    await waitMs(cutAt + 1000 + i * 2000 - performance.now());
    const command = await world.send(text, userId, 30_000).catch((error: unknown) => {
      sent.push({ text, userId, command: undefined, error: (error as Error).message });
      return undefined;
    });
    if (command) sent.push({ text, userId, command });
    // The approval flow during the cut: the approver clicks Approve on the waiting change halfway through.
    if (i === 2) {
      const before = world.workspace.ephemerals(BENCH_SLACK.approver).length;
      await world.approve(waiting.message);
      clickAnswer = world.workspace.waitFor(() => world.workspace.ephemerals(BENCH_SLACK.approver)[before], 30_000).then((e) => e.text, () => undefined);
    }
  }
  await waitMs(cutAt + CUT_MS - performance.now());
  await proxy.restore();
  const restoredAt = performance.now() - cutAt;
  while (!probes.some((p) => p.at > restoredAt && p.status === 200) && performance.now() - cutAt < restoredAt + 60_000) await waitMs(100);
  probing = false;
  await prober;

  // What each command during the cut answered: in its ack (instant commands) or at its response URL.
  const answers = await Promise.all(
    sent.map(async ({ text, command, error }) => {
      if (!command) return { text, answer: `not acked: ${error}` };
      const later = await command.answered;
      return { text, ack: command.status, answer: (later?.text ?? (command.ack.startsWith(":hourglass") ? "" : command.ack)).split("\n")[0]! };
    }),
  );
  const clear = (answer: string) => answer.includes(DATABASE_UNREACHABLE);
  const clicked = await clickAnswer;
  const silent = answers.filter((a) => a.answer === "");
  const internal = answers.filter((a) => /something went wrong/i.test(a.answer));

  // After: still up, ready, the records of before still there, and the waiting change approved once more runs once.
  const stillUp = world.bot.ended() === undefined;
  const afterList = await (await world.send("list")).answered;
  const approvalsAfter = await approvals();
  const auditAfter = await audit();
  const fromRun = (await world.requests()).length;
  await world.approve(waiting.message);
  const waitingOutcome = await world.outcome(waiting.message, 60_000).catch(() => undefined);
  const runs = (await audit()).filter((r) => r.request_id === waiting.answer.match(/request `(\w+)`/)?.[1] && r.action === "execute").length;
  const routePuts = (await world.requests(fromRun)).filter((r) => r.method === "PUT" && /\/routes\/route-10-50-0-0-16$/i.test(r.path) && (r.status ?? 0) < 300).length;

  const runningEnd = running ? await finishRunningChange(running, restoredAt, cutAt) : undefined;

  const inCut = probes.filter((p) => p.at >= 0 && p.at < restoredAt);
  const first503 = inCut.find((p) => p.status === 503);
  const first200After = probes.find((p) => p.at > restoredAt && p.status === 200);
  // A change that was running at the cut may have ended since: it is kept if it is still there.
  const keptApprovals = approvalsBefore.filter((b) => approvalsAfter.some((a) => a.id === b.id && (a.status === b.status || b.status === "running")));
  const keptAudit = auditBefore.filter((b) => auditAfter.some((a) => a.seq === b.seq && a.action === b.action && a.summary === b.summary));
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

  printFigures(`PostgreSQL cut for ${s(CUT_MS)} (a TCP proxy standing for a restart) under commands and an approval`, [
    { name: "before: the change, /readyz", measured: `${doneBefore.ok ? "done" : "stopped"}, ${readyBefore.status}` },
    { name: "/readyz during the cut", measured: first503 ? `503 from ${s(first503.at)} on (${inCut.filter((p) => p.status === 503).length} of ${inCut.length} probes)` : `never 503 (${inCut.length} probes)`, against: `cache ${s(READYZ_CACHE_MS)}`, goal: "503 naming the store", meets: first503?.text.includes("store:") === true },
    { name: "/readyz after the restore", measured: first200After ? `200 after ${s(first200After.at - restoredAt)}` : "never 200", goal: `200 within ${s(READYZ_CACHE_MS + 5_000)}`, meets: first200After !== undefined && first200After.at - restoredAt <= READYZ_CACHE_MS + 5_000 },
    { name: "bot process", measured: stillUp ? "stayed up" : `ended (${world.bot.ended()})`, goal: "up", meets: stillUp },
    { name: "commands during the cut answered", measured: `${answers.length - silent.length} of ${answers.length}; ${answers.filter((a) => clear(a.answer)).length} say "${DATABASE_UNREACHABLE}", ${internal.length} "something went wrong"`, goal: "all, clearly", meets: silent.length === 0 && internal.length === 0 },
    { name: "Approve clicked during the cut", measured: clicked?.split("\n")[0] ?? "no answer", goal: "a clear refusal", meets: clicked !== undefined && clear(clicked) },
    { name: "approvals written before the cut, after it", measured: `${keptApprovals.length} of ${approvalsBefore.length} unchanged`, goal: "all", meets: keptApprovals.length === approvalsBefore.length },
    { name: "audit records written before the cut, after it", measured: `${keptAudit.length} of ${auditBefore.length}`, goal: "all", meets: keptAudit.length === auditBefore.length },
    { name: "the waiting change approved after the restore", measured: waitingOutcome ? `${waitingOutcome.ok ? "done" : "stopped"}; runs ${runs}, route PUTs ${routePuts}` : "no outcome", goal: "done, once", meets: waitingOutcome?.ok === true && runs === 1 && routePuts === 1 },
    ...(runningEnd
      ? [
          { name: "a change running at the cut: its requester told", measured: runningEnd.told ? `${s(runningEnd.toldAfterRestoreMs)} after the restore` : "nothing", against: "its lease (120 s) and the sweep (30 s)", goal: "told how to finish it", meets: runningEnd.told?.includes(`/vnet ${RUNNING_CHANGE}`) === true },
          { name: "  run again", measured: runningEnd.rerun ? `${runningEnd.rerun.ok ? "done" : "stopped"}; route PUTs applied in all ${runningEnd.routePuts}` : "no re-run", goal: "done, the route written once", meets: runningEnd.rerun?.ok === true && runningEnd.routePuts === 1 },
        ]
      : []),
  ], [
    ...(runningEnd ? [`the running change's thread: ${runningEnd.thread.join(" / ")}`] : []),
    ...answers.map((a) => `during the cut, /vnet ${a.text}: ${a.answer || "(no answer)"}`),
    `/readyz during the cut said: ${first503?.text.replace(/\n/g, " | ") ?? "(never 503)"}`,
    `after the restore, /vnet list answered: ${afterList?.text.split("\n")[0] ?? "(nothing)"}`,
  ]);

  verdicts.expect("before the cut: a change done and /readyz 200", `${doneBefore.ok ? "done" : "stopped"}, ${readyBefore.status}`, "done, 200", doneBefore.ok && readyBefore.status === 200);
  verdicts.expect("/readyz during the cut", first503 ? `503 after ${s(first503.at)}: ${first503.text.split("\n")[1] ?? ""}` : "never 503", "503 naming the store", first503?.text.includes("store:") === true);
  verdicts.expect("/readyz after the restore", first200After ? `200 after ${s(first200After.at - restoredAt)}` : "never 200", `200 within ${s(READYZ_CACHE_MS + 5_000)}`, first200After !== undefined && first200After.at - restoredAt <= READYZ_CACHE_MS + 5_000);
  verdicts.expect("the bot process stayed up", stillUp ? "up" : `ended (${world.bot.ended()})`, "up", stillUp);
  verdicts.expect("every command during the cut answered, none silent", `${answers.length - silent.length} of ${answers.length}`, "all", silent.length === 0);
  const unclear = answers.filter((a) => a.answer !== "" && !clear(a.answer));
  verdicts.expect(
    "answers during the cut say the database cannot be reached",
    unclear.length > 0 ? `${unclear.length} did not, e.g. /vnet ${unclear[0]!.text}: ${unclear[0]!.answer}` : `${answers.length - silent.length} of ${answers.length} say "${DATABASE_UNREACHABLE}"`,
    `"${DATABASE_UNREACHABLE}…", never "something went wrong"`,
    unclear.length === 0,
  );
  verdicts.expect("Approve clicked during the cut", clicked?.split("\n")[0] ?? "no answer", `"${DATABASE_UNREACHABLE}…"`, clicked !== undefined && clear(clicked));
  verdicts.expect("approvals and audit records written before the cut are still there", `approvals ${keptApprovals.length} of ${approvalsBefore.length}, audit ${keptAudit.length} of ${auditBefore.length}`, "all", keptApprovals.length === approvalsBefore.length && keptAudit.length === auditBefore.length);
  verdicts.expect("a command after the restore is answered", afterList?.text.split("\n")[0] ?? "no answer", "the list", afterList?.text.startsWith("Gateway-required integrations") === true);
  verdicts.expect("the change approved after the restore runs exactly once", waitingOutcome ? `${waitingOutcome.ok ? "done" : waitingOutcome.text}; execute records ${runs}, route PUTs ${routePuts}` : "no outcome", "done; 1 and 1", waitingOutcome?.ok === true && runs === 1 && routePuts === 1);
  if (runningEnd) {
    verdicts.expect("a change running at the cut: its requester is told how to finish it", runningEnd.told ? `after ${s(runningEnd.toldAfterRestoreMs)}: ${runningEnd.told.slice(0, 140)}` : "nothing", "told, with the command to run again", runningEnd.told?.includes(`/vnet ${RUNNING_CHANGE}`) === true);
    verdicts.expect("a change running at the cut, run again: done, its write applied once", runningEnd.rerun ? `${runningEnd.rerun.ok ? "done" : runningEnd.rerun.text}; route PUTs applied ${runningEnd.routePuts}` : "no re-run", "done; 1", runningEnd.rerun?.ok === true && runningEnd.routePuts === 1);
  }
  verdicts.print();

  /** Approves a change whose ARM write is held for 3 s; resolves once ARM holds it, so that the cut comes mid-step. */
  async function startRunningChange() {
    const change = await world.requestChange(RUNNING_CHANGE);
    await world.sim.fault({ method: "PUT", path: { pattern: RUNNING_ROUTE }, delayMs: 3_000, times: 1 });
    const from = (await world.requests()).length;
    await world.approve(change.message);
    const held = new RegExp(RUNNING_ROUTE, "i");
    while (!(await world.requests(from)).some((r) => r.method === "PUT" && held.test(r.path))) await waitMs(50);
    return { ...change, from };
  }

  /** Waits for the last word on the running change (its lease must run out first), then runs it again. */
  async function finishRunningChange(change: Awaited<ReturnType<typeof startRunningChange>>, restoredAt: number, cutAt: number) {
    const told = await world.outcome(change.message, 240_000).then((o) => o.text, () => undefined);
    const toldAfterRestoreMs = performance.now() - cutAt - restoredAt;
    const thread = world.thread(change.message).map((t) => t.split("\n")[0]!.slice(0, 100));
    const again = await world.requestChange(RUNNING_CHANGE);
    await world.approve(again.message);
    const rerun = await world.outcome(again.message, 60_000).catch(() => undefined);
    const route = new RegExp(RUNNING_ROUTE, "i");
    const routePuts = (await world.requests(change.from)).filter((r) => r.method === "PUT" && route.test(r.path) && (r.status ?? 0) < 300).length;
    return { told, toldAfterRestoreMs, thread, rerun, routePuts };
  }
} finally {
  await world.close();
  await proxy.close();
  await schema.drop();
}
