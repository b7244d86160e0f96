/**
 * Acks go before the work after them. Slack gives an ack 3 seconds, and a burst of commands (an incident: everyone
 * types /vnet at once) must not see its last acks wait for the first commands' work. A command's work (reads,
 * previews, the answer) therefore starts only on a turn of the event loop on which no command arrived, one work per
 * turn; started at once, a read answered from the kept inventory ran to its end between one ack and the next.
 */
import type { Dispatcher } from "./dispatcher.ts";

/** No work waits longer than this for a quiet turn: a steady stream of commands must not starve the work. */
const MAX_DEFER_MS = 100;

/** The dispatcher, with each command's work started by a queue that lets acks go first. */
export function ackFirst(dispatcher: Dispatcher, now: () => number = () => performance.now()): Dispatcher {
  const queue = createAckFirstQueue(now);
  return {
    ...dispatcher,
    async prepare(invocation) {
      queue.arrived();
      const prepared = await dispatcher.prepare(invocation);
      const { work } = prepared;
      return work ? { ...prepared, work: () => queue.turn().then(work) } : prepared;
    },
  };
}

/** Hands out turns of the event loop for work: one per turn, on turns with no new command, in order. */
export function createAckFirstQueue(now: () => number) {
  const waiting: Array<{ since: number; start: () => void }> = [];
  let scheduled = false;
  let busy = false;
  const next = () => {
    const head = waiting[0];
    // A command arrived since the last turn: its ack (and those of any others) go first.
    if (head && (!busy || now() - head.since >= MAX_DEFER_MS)) {
      waiting.shift();
      head.start();
    }
    busy = false;
    if (waiting.length > 0) setImmediate(next);
    else scheduled = false;
  };
  return {
    /** A command arrived: the next turn is not quiet. */
    arrived() {
      busy = true;
    },
    /** Resolves on a turn of its own, after the acks. */
    turn() {
      return new Promise<void>((start) => {
        waiting.push({ since: now(), start });
        if (scheduled) return;
        scheduled = true;
        setImmediate(next);
      });
    },
  };
}
