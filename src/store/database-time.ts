/**
 * The database's clock for the times replicas compare. Leases, a running change's heartbeat and an announcement's
 * claim are written by one replica and judged by another against its own clock: a host whose clock runs a minute
 * ahead would take over a 30-second lease that is still held, and run a job or a change a second time. With
 * PostgreSQL shared, every replica measures how far its clock is from the database's and corrects the times it
 * writes and compares by that, so the replicas agree with each other as long as each can reach the database.
 *
 * Below a second the offset is taken as none: leases tolerate a third of their 30 s, and a clock that is exactly the
 * system's keeps every time the bot shows and records as the host has it.
 */
import type { Clock } from "../core/ports.ts";

/** How far this host's clock is from the database's. */
export interface DatabaseTime {
  /** Milliseconds to add to this host's time to get the database's; 0 when they are within a second. */
  offsetMs(): number;
  stop(): void;
}

const TOLERANCE_MS = 1_000;
const REMEASURE_MS = 10 * 60_000;

/** Something that answers SQL, as pg's Pool does. */
interface Queryable {
  query(sql: string): Promise<{ rows: Array<Record<string, unknown>> }>;
}

/**
 * Measures the offset now (half the round trip is charged to each side) and again every ten minutes; a failed
 * re-measurement keeps the last offset. `onSkew` hears of every offset beyond the tolerance.
 */
export async function measureDatabaseTime(db: Queryable, options: { systemNow?: () => number; onSkew?: (offsetMs: number) => void } = {}): Promise<DatabaseTime> {
  const systemNow = options.systemNow ?? Date.now;
  const measure = async (): Promise<number> => {
    const before = systemNow();
    const { rows } = await db.query("SELECT (extract(epoch from clock_timestamp()) * 1000)::float8 AS ms");
    const after = systemNow();
    const raw = Number(rows[0]?.["ms"]) - (before + after) / 2;
    if (!Number.isFinite(raw) || Math.abs(raw) < TOLERANCE_MS) return 0;
    options.onSkew?.(raw);
    return Math.round(raw);
  };
  let offset = await measure();
  const timer = setInterval(() => {
    measure().then((next) => (offset = next), () => {});
  }, REMEASURE_MS);
  timer.unref();
  return { offsetMs: () => offset, stop: () => clearInterval(timer) };
}

/** The clock corrected to the database's time. */
export function databaseClock(base: Clock, time: DatabaseTime): Clock {
  return { now: () => new Date(base.now().getTime() + time.offsetMs()) };
}
