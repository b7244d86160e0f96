/**
 * Fault drill: Azure's server errors in the middle of an approved connect (demo estate), each in a fresh world.
 * Run: `. scripts/node24.sh && node test/drills/arm-server-errors.ts [--run 4]` (~15 s)
 *
 * (a) `/vnet connect orders-worker vnet-hub`: the PUT that gives orders-worker the VPN package (step 4 of 5) is
 *     answered HTTP 500 --run times in a row (the SDK tries a request four times: one try and three retries, so 4
 *     reaches the user). The user must read "Azure answered HTTP 500 …" with the steps that ran, and running the same
 *     command again must finish the change, skipping what was done.
 * (b) `/vnet connect orders-worker vnet-hr`: plan-orders has no certificate on gw-hr yet, so the connect adds one to
 *     the gateway's root certificates; that PUT starts a long-running operation which ends Failed (the simulator's
 *     failOperation fault). The user must read that the operation ended Failed, with Azure's reason, and running the
 *     command again must finish it.
 * Both: every write ARM applied, once (a write answered with an error, or whose operation failed, changed nothing).
 */
import { parseArgs } from "node:util";
import type { SeenRequest } from "../bench/simulator-child.ts";
import { printFigures, type Figure } from "../bench/report.ts";
import { isWrite, shortPath, startDrillWorld, type ChangeOutcome } from "./drill-world.ts";
import { Verdicts } from "./verdicts.ts";

const { values } = parseArgs({ options: { run: { type: "string", default: "4" } } });
const RUN = Number(values.run);
const FAILED_CODE = "InternalServerError";
const FAILED_MESSAGE = "An error occurred while processing the operation.";

/** What one scenario saw: both runs' outcomes, the steps each ran, and ARM's writes. */
interface Scenario {
  first: ChangeOutcome;
  /** The approval message's steps after the first run stopped: "1 done, 2 skipped, 3 failed, …". */
  stepsShown: string;
  rerun: ChangeOutcome | undefined;
  writes: SeenRequest[];
}

/** Requests a change, injects the fault, approves; when it stops, runs the same command again. */
async function scenario(command: string, fault: Parameters<Awaited<ReturnType<typeof startDrillWorld>>["sim"]["fault"]>[0]): Promise<Scenario> {
  const world = await startDrillWorld();
  try {
    const { message } = await world.requestChange(command);
    const from = (await world.requests()).length;
    await world.sim.fault(fault);
    await world.approve(message);
    const first = await world.outcome(message);
    const stepsShown = world.stepStates(message);
    let rerun: ChangeOutcome | undefined;
    if (!first.ok) {
      const again = await world.requestChange(command);
      await world.approve(again.message);
      rerun = await world.outcome(again.message);
    }
    return { first, stepsShown, rerun, writes: (await world.requests(from)).filter(isWrite) };
  } finally {
    await world.close();
  }
}

const packagePut = { pattern: "/sites/orders-worker/virtualNetworkConnections/vnet-hub/gateways/primary$" };
const a = await scenario("connect orders-worker vnet-hub", { method: "PUT", path: packagePut, status: 500, code: "InternalServerError", message: "An unexpected error occured while processing the request.", times: RUN });
const b = await scenario("connect orders-worker vnet-hr", { method: "PUT", path: "/virtualNetworkGateways/gw-hr", failOperation: true, code: FAILED_CODE, message: FAILED_MESSAGE, times: 1 });

/** Writes as ARM saw them: how often each was sent, answered, and applied (2xx, less the operation that failed). */
function writeSummary(writes: SeenRequest[], failedOperations: Record<string, number> = {}) {
  const byWrite = new Map<string, { sent: number; answered: number[]; applied: number }>();
  for (const w of writes) {
    const key = shortPath(w);
    const entry = byWrite.get(key) ?? { sent: 0, answered: [], applied: 0 };
    entry.sent += 1;
    entry.answered.push(w.status ?? 0);
    if ((w.status ?? 0) < 300) entry.applied += 1;
    byWrite.set(key, entry);
  }
  for (const [key, failed] of Object.entries(failedOperations)) {
    const entry = byWrite.get(key);
    if (entry) entry.applied -= failed;
  }
  const rows = [...byWrite].map(([key, e]) => `${key}: sent ${e.sent} (${e.answered.join(", ")}), applied ${e.applied}`);
  // The VPN package is generated afresh by each run (its URL carries a SAS token that is not kept): a POST that
  // changes nothing in Azure, so generating it twice is not a write done twice.
  const twice = [...byWrite].filter(([key, e]) => e.applied > 1 && !key.endsWith("/generatevpnclientpackage")).map(([key]) => key);
  const total = [...byWrite.values()].reduce((sum, e) => ({ sent: sum.sent + e.sent, applied: sum.applied + e.applied }), { sent: 0, applied: 0 });
  return { rows, twice, ...total };
}

const aWrites = writeSummary(a.writes);
const bWrites = writeSummary(b.writes, { "PUT …/virtualNetworkGateways/gw-hr": 1 });
const skipped = (outcome: ChangeOutcome | undefined) => outcome?.steps.filter((s) => / skipped: /.test(s)).map((s) => /Step (\d+)/.exec(s)![1]) ?? [];
/** The part of a message that the expectation is about, or its start when that part is missing. */
const excerpt = (text: string, pattern: RegExp) => pattern.exec(text)?.[0] ?? `${text.slice(0, 120)}…`;
const A_SAYS = /Azure answered HTTP 500 [^:]+/;
const B_SAYS = /Azure started the operation on [^(]+ended Failed \([^)]*\)/;

printFigures("Server errors during an approved connect", [
  { name: `(a) ${RUN} × HTTP 500 on step 4's PUT: first run`, measured: a.first.ok ? "done" : "stopped" },
  { name: "  steps shown when it stopped", measured: a.stepsShown },
  { name: "  the same command again", measured: a.rerun ? `${a.rerun.ok ? "done" : "stopped"}, steps skipped: ${skipped(a.rerun).join(", ") || "none"}` : "not needed" },
  { name: "  ARM writes sent / applied", measured: `${aWrites.sent} / ${aWrites.applied}` },
  { name: "(b) gateway PUT whose operation ends Failed: first run", measured: b.first.ok ? "done" : "stopped" },
  { name: "  steps shown when it stopped", measured: b.stepsShown },
  { name: "  the same command again", measured: b.rerun ? `${b.rerun.ok ? "done" : "stopped"}, steps skipped: ${skipped(b.rerun).join(", ") || "none"}` : "not needed" },
  { name: "  ARM writes sent / applied", measured: `${bWrites.sent} / ${bWrites.applied}` },
] satisfies Figure[], [
  `(a) the user read: ${a.first.text}`,
  `(b) the user read: ${b.first.text}`,
  "(a) writes:", ...aWrites.rows.map((r) => `    ${r}`),
  "(b) writes:", ...bWrites.rows.map((r) => `    ${r}`),
]);

const verdicts = new Verdicts();
// Fewer 500s than the SDK's four tries are absorbed: then the change must simply end done.
const reachesUser = RUN >= 4;
verdicts.expect(`(a) ${RUN} × 500: the user reads what Azure answered`, excerpt(a.first.text, A_SAYS), reachesUser ? '"Azure answered HTTP 500 …"' : "done", reachesUser ? !a.first.ok && A_SAYS.test(a.first.text) : a.first.ok);
verdicts.expect("(a) the approval message shows which steps ran", a.stepsShown, "1 done, 2 skipped, 3 done, 4 failed, 5 not run", !reachesUser || a.stepsShown === "1 done, 2 skipped, 3 done, 4 failed, 5 not run");
verdicts.expect("(a) the same command again finishes it, earlier steps skipped", a.rerun ? `${a.rerun.ok ? "done" : a.rerun.text}; skipped ${skipped(a.rerun).join(", ") || "none"}` : "no re-run", "done; steps 1 and 2 skipped", !reachesUser || (a.rerun?.ok === true && skipped(a.rerun).join() === "1,2"));
const bFailed = b.first.text.includes(`ended Failed (${FAILED_CODE}: ${FAILED_MESSAGE})`);
verdicts.expect("(b) the user reads that the operation ended Failed, with Azure's reason", excerpt(b.first.text, B_SAYS), `"… ended Failed (${FAILED_CODE}: ${FAILED_MESSAGE})"`, !b.first.ok && bFailed);
verdicts.expect("(b) the same command again finishes it, earlier steps skipped", b.rerun ? `${b.rerun.ok ? "done" : b.rerun.text}; skipped ${skipped(b.rerun).join(", ") || "none"}` : "no re-run", "done; step 1 skipped", b.rerun?.ok === true && skipped(b.rerun).join() === "1");
verdicts.expect("no write applied twice", [...aWrites.twice, ...bWrites.twice].join(", ") || "none", "none", aWrites.twice.length + bWrites.twice.length === 0);
verdicts.print();
