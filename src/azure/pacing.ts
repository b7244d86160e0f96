/**
 * Pacing: the bot spaces its own ARM requests so that it does not run ARM's throttling buckets dry, instead of
 * sending a burst and retrying into 429s.
 *
 * ARM keeps a token bucket per subscription, principal and operation type ("reads | 250 | 25", "writes | 200 | 10",
 * "deletes | 200 | 10": bucket size, refill per second; MicrosoftDocs/azure-docs
 * articles/azure-resource-manager/management/request-limits-and-throttling.md, ms.date 05/28/2025) and reports what
 * is left in x-ms-ratelimit-remaining-subscription-reads|writes|deletes on each answer (same article, "Remaining
 * requests"). The pacer keeps a local copy of each bucket the bot's principal uses:
 *   - Nothing is known until an answer carries the header, so the first request of a (subscription, type) goes alone
 *     and the others wait for its answer; it seeds the copy with the remaining count.
 *   - The copy refills at ARM's documented rate up to ARM's documented size, and each request takes a token from it
 *     before it is sent; a request waits only while the copy holds less than one token.
 *   - Each later header can only lower the copy (to what ARM said minus the requests still in flight), never raise
 *     it. As long as ARM's bucket is at least as large and refills at least as fast as the copy's limits, the copy
 *     never holds more than ARM's bucket, so a bot alone on its principal gets no 429 at all; another client of the
 *     same principal shows up as a lower header and slows the bot down.
 * Answers without the header (a proxy that strips it, a simulator with throttling off) leave that bucket unpaced.
 * The SDK's retry stays the safety net: a 429 with Retry-After is still retried by defaultRetryPolicy.
 */
import type { AdditionalPolicyConfig } from "@azure-rest/core-client";

type PipelinePolicy = AdditionalPolicyConfig["policy"];
type PipelineRequest = Parameters<PipelinePolicy["sendRequest"]>[0];
type AbortSignalLike = NonNullable<PipelineRequest["abortSignal"]>;

/** ARM's operation types, as the x-ms-ratelimit-remaining-subscription-* headers name them. */
export type ArmOperationType = "reads" | "writes" | "deletes";

/** One ARM bucket: its size and how many tokens come back each second. */
export interface ArmBucketLimits {
  burst: number;
  refillPerSecond: number;
}

/** ARM's buckets for one subscription and principal. */
export type ArmRateLimits = Record<ArmOperationType, ArmBucketLimits>;

/** ARM's documented subscription limits (the article above, "The updated limits are"). */
export const ARM_RATE_LIMITS: ArmRateLimits = {
  reads: { burst: 250, refillPerSecond: 25 },
  writes: { burst: 200, refillPerSecond: 10 },
  deletes: { burst: 200, refillPerSecond: 10 },
};

/** How much the pacer held requests back, for benchmarks. */
export interface PacingStats {
  /** Requests that could not go at once (including those that waited for a bucket's first answer). */
  requestsWaited: number;
  /** Their waits added up, in milliseconds. */
  totalWaitMs: number;
  longestWaitMs: number;
  /** Requests waiting right now. */
  waiting: number;
}

/** How to pace: the buckets to assume (default ARM's) and the clock (monotonic milliseconds). */
export interface PacingOptions {
  limits?: Partial<ArmRateLimits>;
  now?: () => number;
}

interface Waiter {
  enqueuedAt: number;
  admit: () => void;
}

interface Bucket {
  limits: ArmBucketLimits;
  /** unknown: no request yet; probing: the first is out; unmetered: answers carry no header; metered: tokens is known. */
  state: "unknown" | "probing" | "unmetered" | "metered";
  tokens: number;
  at: number;
  inFlight: number;
  queue: Waiter[];
  timer: ReturnType<typeof setTimeout> | undefined;
}

// A POST counts as a write: a POST listKeys lowers the writes header (Azure/azure-rest-api-specs#6363).
function operationTypeOf(method: string): ArmOperationType {
  if (method === "DELETE") return "deletes";
  return method === "PUT" || method === "PATCH" || method === "POST" ? "writes" : "reads";
}

const SUBSCRIPTION_PATH = /(?:^|\/)subscriptions\/([^/]+)/i;

function abortError(): Error {
  // Shaped like the SDK's own (ts-http-runtime AbortError), so callers handle both alike.
  const error = new Error("The operation was aborted.");
  error.name = "AbortError";
  return error;
}

/** The local copies of ARM's buckets for one principal (one credential), and the policy that paces by them. */
export class ArmPacer {
  readonly #limits: ArmRateLimits;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();
  readonly #stats: PacingStats = { requestsWaited: 0, totalWaitMs: 0, longestWaitMs: 0, waiting: 0 };

  constructor(options: PacingOptions = {}) {
    this.#limits = { ...ARM_RATE_LIMITS, ...options.limits };
    this.#now = options.now ?? (() => performance.now());
  }

  /** A copy of the figures so far. */
  stats(): PacingStats {
    return { ...this.#stats };
  }

  /** The pipeline policy; add it per retry, so that every attempt the SDK makes is paced and seen. */
  readonly policy: PipelinePolicy = {
    name: "armPacingPolicy",
    sendRequest: async (request, next) => {
      const subscription = SUBSCRIPTION_PATH.exec(new URL(request.url).pathname)?.[1]?.toLowerCase();
      // Tenant-level requests have buckets of their own that the bot barely uses: not paced.
      if (subscription === undefined) return next(request);
      const type = operationTypeOf(request.method);
      const bucket = this.#bucket(`${subscription} ${type}`, type);
      await this.#acquire(bucket, request.abortSignal);
      let answered = false;
      let remaining: number | undefined;
      try {
        const response = await next(request);
        answered = true;
        const header = response.headers.get(`x-ms-ratelimit-remaining-subscription-${type}`)?.trim();
        remaining = header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
        return response;
      } finally {
        this.#settle(bucket, answered, remaining);
      }
    },
  };

  #bucket(key: string, type: ArmOperationType): Bucket {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = { limits: this.#limits[type], state: "unknown", tokens: 0, at: this.#now(), inFlight: 0, queue: [], timer: undefined };
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  #acquire(bucket: Bucket, signal: AbortSignalLike | undefined): Promise<void> | undefined {
    if (signal?.aborted) throw abortError();
    if (bucket.queue.length === 0 && this.#tryTake(bucket)) return undefined;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        bucket.queue.splice(bucket.queue.indexOf(waiter), 1);
        this.#stats.waiting -= 1;
        reject(abortError());
        this.#pump(bucket);
      };
      const waiter: Waiter = {
        enqueuedAt: this.#now(),
        admit: () => {
          signal?.removeEventListener("abort", onAbort);
          const waitedMs = this.#now() - waiter.enqueuedAt;
          this.#stats.waiting -= 1;
          this.#stats.requestsWaited += 1;
          this.#stats.totalWaitMs += waitedMs;
          this.#stats.longestWaitMs = Math.max(this.#stats.longestWaitMs, waitedMs);
          resolve();
        },
      };
      signal?.addEventListener("abort", onAbort);
      bucket.queue.push(waiter);
      this.#stats.waiting += 1;
      this.#pump(bucket);
    });
  }

  /** Takes a token (or the probe's place) when the bucket allows a request now. */
  #tryTake(bucket: Bucket): boolean {
    if (bucket.state === "probing") return false;
    if (bucket.state === "metered") {
      this.#refill(bucket);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
    }
    if (bucket.state === "unknown") bucket.state = "probing";
    bucket.inFlight += 1;
    return true;
  }

  /** Lets waiting requests go in order while the bucket allows, then sleeps until the next token is due. */
  #pump(bucket: Bucket): void {
    clearTimeout(bucket.timer);
    bucket.timer = undefined;
    while (bucket.queue.length > 0 && this.#tryTake(bucket)) bucket.queue.shift()!.admit();
    if (bucket.queue.length === 0 || bucket.state !== "metered") return;
    const dueMs = Math.ceil(((1 - bucket.tokens) / bucket.limits.refillPerSecond) * 1000);
    bucket.timer = setTimeout(() => this.#pump(bucket), Math.max(dueMs, 1));
  }

  #refill(bucket: Bucket): void {
    const now = this.#now();
    if (bucket.tokens < bucket.limits.burst) {
      bucket.tokens = Math.min(bucket.limits.burst, bucket.tokens + ((now - bucket.at) / 1000) * bucket.limits.refillPerSecond);
    }
    bucket.at = now;
  }

  /** Learns from an answer (or from its absence) and lets the next requests go. */
  #settle(bucket: Bucket, answered: boolean, remaining: number | undefined): void {
    bucket.inFlight -= 1;
    if (remaining !== undefined) {
      // What ARM had left when it counted this request, less the requests it may not have counted yet.
      const known = remaining - bucket.inFlight;
      if (bucket.state === "metered") {
        this.#refill(bucket);
        bucket.tokens = Math.min(bucket.tokens, known);
      } else {
        bucket.state = "metered";
        bucket.tokens = known;
        bucket.at = this.#now();
      }
    } else if (bucket.state === "probing") {
      // An answer without the header means nobody reports a budget here; no answer at all (a network error, an
      // abort) teaches nothing, and the next request probes again.
      bucket.state = answered ? "unmetered" : "unknown";
    }
    this.#pump(bucket);
  }
}
