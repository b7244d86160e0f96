/**
 * Fault drill: a storm of 429s from ARM while an approved `/vnet connect orders-worker vnet-hub` runs (demo estate).
 * Run: `. scripts/node24.sh && node test/drills/arm-429-storm.ts [--short 1.5] [--long 6] [--retry-after 1]` (~15 s)
 *
 * From the click on Approve, every ARM request under /subscriptions/ is answered as ARM answers an empty bucket:
 * 429 SubscriptionRequestsThrottled with Retry-After (the simulator's fault injection), for --short seconds, then for
 * --long seconds in a fresh world. The SDK retries a 429 after Retry-After, three times (src/azure/clients.ts), so a
 * storm shorter than three Retry-Afters must not reach the user, and a longer one must: as "Azure is throttling the
 * bot's requests…" in the change's thread, after which running the same command again finishes the change.
 */
import { parseArgs } from "node:util";
import { printFigures, type Figure } from "../bench/report.ts";
import { shortPath, startDrillWorld, type DrillWorld } from "./drill-world.ts";
import { Verdicts } from "./verdicts.ts";

const { values } = parseArgs({ options: { short: { type: "string", default: "1.5" }, long: { type: "string", default: "6" }, "retry-after": { type: "string", default: "1" } } });
const SHORT_S = Number(values.short);
const LONG_S = Number(values.long);
const RETRY_AFTER_S = Number(values["retry-after"]);
const COMMAND = "connect orders-worker vnet-hub";
const THROTTLED = "Azure is throttling the bot's requests";
const MAX_RETRIES = 3;

/** ARM's answer when a subscription's bucket is empty (src/stand-ins/arm/throttling.ts), for every request. */
const storm = (world: DrillWorld) =>
  world.sim.fault({
    path: { pattern: "^/subscriptions/" },
    status: 429,
    code: "SubscriptionRequestsThrottled",
    message: `Number of requests for subscription exceeded. Please try again after '${RETRY_AFTER_S}' seconds.`,
    retryAfterSeconds: RETRY_AFTER_S,
  });

/** Messages that name the throttling: in the change's thread, the request's own message, and ephemerals since the click. */
function throttlingSeen(world: DrillWorld, message: Parameters<DrillWorld["thread"]>[0], ephemeralsBefore: number): number {
  const inThread = world.thread(message).filter((t) => t.includes(THROTTLED)).length;
  const inMessage = world.messageText(message).includes(THROTTLED) ? 1 : 0;
  const ephemerals = world.workspace.ephemerals().slice(ephemeralsBefore).filter((e) => e.text.includes(THROTTLED)).length;
  return inThread + inMessage + ephemerals;
}

/** One storm of `seconds` from the click on Approve; when the change stops, runs the same command again. */
async function drill(seconds: number) {
  const world = await startDrillWorld();
  try {
    const { message } = await world.requestChange(COMMAND);
    const from = (await world.requests()).length;
    const ephemeralsBefore = world.workspace.ephemerals().length;
    await storm(world);
    const clicked = performance.now();
    await world.approve(message);
    const ended = world.outcome(message).then((outcome) => ({ outcome, ms: performance.now() - clicked }));
    // The storm's length is the point of the drill: it ends on the clock, whatever the bot is doing.
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    await world.sim.clearFaults();
    const { outcome: first, ms: firstMs } = await ended;
    const seenFirstRun = throttlingSeen(world, message, ephemeralsBefore);
    const stepsShown = world.stepStates(message);
    let rerun: { ok: boolean; text: string; skipped: string; ms: number } | undefined;
    if (!first.ok) {
      const again = await world.requestChange(COMMAND);
      await world.approve(again.message);
      const outcome = await world.outcome(again.message);
      const skipped = outcome.steps.filter((step) => / skipped: /.test(step)).map((step) => /Step (\d+)/.exec(step)![1]);
      rerun = { ok: outcome.ok, text: outcome.text, skipped: skipped.join(", ") || "none", ms: performance.now() - clicked };
    }
    const requests = await world.requests(from);
    const writes = requests.filter((r) => r.method !== "GET" && r.status !== undefined && r.status < 300).map(shortPath);
    return {
      first,
      firstMs,
      stepsShown,
      rerun,
      answered429: requests.filter((r) => r.status === 429).length,
      seenByUser: seenFirstRun,
      armRequests: requests.length,
      duplicateWrites: writes.filter((w, i) => writes.indexOf(w) !== i && !w.endsWith("/generatevpnclientpackage")),
    };
  } finally {
    await world.close();
  }
}

const verdicts = new Verdicts();
const absorbable = MAX_RETRIES * RETRY_AFTER_S;
const short = await drill(SHORT_S);
const long = await drill(LONG_S);
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

printFigures(`429 storms during an approved /vnet ${COMMAND}: every ARM request answered 429 with Retry-After ${RETRY_AFTER_S} s from the click; the SDK retries ${MAX_RETRIES} times (${absorbable} s)`, [
  { name: `short storm (${SHORT_S} s): outcome`, measured: short.first.ok ? "done" : `stopped: ${short.first.text}` },
  { name: "  429s ARM answered", measured: String(short.answered429), against: `${short.armRequests} ARM requests in all` },
  { name: "  messages naming the throttling", measured: String(short.seenByUser), goal: "0", meets: short.seenByUser === 0 },
  { name: "  wall time, click to done", measured: s(short.firstMs), against: `storm ${SHORT_S} s` },
  { name: `long storm (${LONG_S} s): first run`, measured: long.first.ok ? "done" : `stopped after ${s(long.firstMs)}; steps: ${long.stepsShown}` },
  { name: "  429s ARM answered", measured: String(long.answered429), against: `${long.armRequests} ARM requests in all, re-run included` },
  { name: "  messages naming the throttling", measured: `${long.seenByUser} (the thread's reply, the request's status)`, goal: "≥ 1", meets: long.seenByUser >= 1 },
  { name: "  the same command again", measured: long.rerun ? (long.rerun.ok ? `done, steps skipped: ${long.rerun.skipped}` : "stopped") : "not needed", goal: "done", meets: long.rerun?.ok === true },
  { name: "  wall time, click to done", measured: long.rerun ? s(long.rerun.ms) : s(long.firstMs), against: `storm ${LONG_S} s` },
] satisfies Figure[], [`long storm, what the user read: ${long.first.text}`]);

verdicts.expect(`short storm (${SHORT_S} s < ${absorbable} s of retries): the change ends done`, short.first.ok ? "done" : short.first.text, "done", short.first.ok);
verdicts.expect("short storm: ARM answered 429s", String(short.answered429), "> 0 (the storm happened)", short.answered429 > 0);
verdicts.expect("short storm: 429s that reached the user", String(short.seenByUser), "0", short.seenByUser === 0);
const told = new RegExp(`${THROTTLED}[^;]*`).exec(long.first.text)?.[0];
verdicts.expect(`long storm (${LONG_S} s > ${absorbable} s of retries): the user is told Azure is throttling`, long.first.ok ? "the change ended done" : (told ?? long.first.text), `stopped, "${THROTTLED}…"`, !long.first.ok && told !== undefined);
verdicts.expect("long storm: running the same command again finishes the change", long.rerun ? (long.rerun.ok ? "done" : long.rerun.text) : "no re-run", "done", long.rerun?.ok === true);
verdicts.expect("no write applied twice (the VPN package, a POST that changes nothing, aside)", [...short.duplicateWrites, ...long.duplicateWrites].join(", ") || "none", "none", short.duplicateWrites.length + long.duplicateWrites.length === 0);
verdicts.print();
