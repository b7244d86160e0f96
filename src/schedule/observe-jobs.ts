/**
 * Scheduled jobs as the metrics see them: how long each run took and whether it succeeded, and which job sent each
 * message to the alert channel. The jobs stay plain run(deps, now) functions; this wraps them and their chat port.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { ChatPort } from "../core/ports.ts";
import type { ScheduledJob } from "./scheduler.ts";

/** Told when a run ends, and when a job posts to the alert channel. */
export interface JobObserver {
  jobFinished(job: string, result: "succeeded" | "failed", seconds: number): void;
  alertSent(job: string, kind: "message" | "thread_reply"): void;
}

// The job a post belongs to: the jobs share one chat port and may run at the same time.
const runningJob = new AsyncLocalStorage<string>();

/** The same jobs, each run timed and reported, and run in its own context for alertsCounted. */
export function observeJobs(jobs: readonly ScheduledJob[], observer: Pick<JobObserver, "jobFinished">): ScheduledJob[] {
  return jobs.map((job) => ({
    ...job,
    run: (now: Date) =>
      runningJob.run(job.name, async () => {
        const started = performance.now();
        const seconds = () => (performance.now() - started) / 1000;
        try {
          const result = await job.run(now);
          observer.jobFinished(job.name, "succeeded", seconds());
          return result;
        } catch (error) {
          observer.jobFinished(job.name, "failed", seconds());
          throw error;
        }
      }),
  }));
}

/** The chat port the jobs post through, counting each new message and thread reply for the job that sent it. */
export function alertsCounted<TReply>(chat: ChatPort<TReply>, observer: Pick<JobObserver, "alertSent">): ChatPort<TReply> {
  const job = () => runningJob.getStore() ?? "(none)";
  return {
    async post(channel, reply) {
      const posted = await chat.post(channel, reply);
      observer.alertSent(job(), "message");
      return posted;
    },
    // An update edits an alert already counted (resolved, snoozed): nothing new reaches people.
    update: (message, reply) => chat.update(message, reply),
    async replyInThread(message, reply) {
      const posted = await chat.replyInThread(message, reply);
      observer.alertSent(job(), "thread_reply");
      return posted;
    },
  };
}
