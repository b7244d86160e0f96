/**
 * ARM's request throttling: a token bucket per subscription, principal and operation type, as ARM has run it since
 * 2024. MicrosoftDocs/azure-docs articles/azure-resource-manager/management/request-limits-and-throttling.md
 * (ms.date 05/28/2025), "Regional throttling and token bucket algorithm": "Subscription | reads | 250 | 25",
 * "Subscription | deletes | 200 | 10", "Subscription | writes | 200 | 10" (bucket size, refill rate per second);
 * "The subscription limits apply per subscription, per service principal, and per operation type."
 */
import { createHash } from "node:crypto";

/** ARM's operation types, named as in the x-ms-ratelimit-remaining-subscription-* headers. */
export type OperationType = "reads" | "writes" | "deletes";

/** One bucket: how many requests it holds when full and how many tokens come back each second. */
export interface BucketLimits {
  burst: number;
  refillPerSecond: number;
}

/** The buckets of every (subscription, principal) pair. */
export type ThrottlingLimits = Record<OperationType, BucketLimits>;

/** ARM's documented subscription limits (the article above, "The updated limits are"). */
export const ARM_THROTTLING_LIMITS: ThrottlingLimits = {
  reads: { burst: 250, refillPerSecond: 25 },
  writes: { burst: 200, refillPerSecond: 10 },
  deletes: { burst: 200, refillPerSecond: 10 },
};

/** What the simulator counted, for benchmarks: requests by operation type, and those answered 429. */
export interface ThrottlingCounters {
  /** Subscription-scoped requests by an authenticated principal, throttled or not. */
  readonly requests: Record<OperationType, number>;
  /** Of those, the ones answered 429 SubscriptionRequestsThrottled. */
  readonly throttled: Record<OperationType, number>;
}

/** The throttling verdict on one request: the headers to send, and the error when the bucket is empty. */
export interface ThrottleVerdict {
  headers: Record<string, string>;
  throttled?: { retryAfterSeconds: number; code: string; message: string };
}

interface Bucket {
  tokens: number;
  at: number;
}

const SUBSCRIPTION_PATH = /^\/subscriptions\/([^/]+)(?:\/|$)/i;
const VERB: Record<OperationType, string> = { reads: "read", writes: "write", deletes: "delete" };

/**
 * The operation type ARM charges a method to. POST counts as a write: a POST listKeys lowers
 * x-ms-ratelimit-remaining-subscription-writes (Azure/azure-rest-api-specs#6363) and is refused with "Number of write
 * requests for subscription …" (Azure/azure-sdk-for-java#1389).
 */
export function operationTypeOf(method: string): OperationType {
  if (method === "DELETE") return "deletes";
  return method === "PUT" || method === "PATCH" || method === "POST" ? "writes" : "reads";
}

const zero = (): Record<OperationType, number> => ({ reads: 0, writes: 0, deletes: 0 });

/** The buckets of one simulator, on a clock the caller controls (milliseconds from a monotonic source). */
export class ArmThrottle {
  readonly counters: ThrottlingCounters = { requests: zero(), throttled: zero() };
  readonly #limits: ThrottlingLimits | false;
  readonly #clock: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(limits: ThrottlingLimits | false, clock: () => number) {
    this.#limits = limits;
    this.#clock = clock;
  }

  /**
   * Charges one request to its bucket. Requests outside a subscription (Kudu, tenant-level paths) and requests
   * without a principal are not charged: undefined. With throttling off the request is counted and nothing is sent.
   */
  take(method: string, path: string, authorization: string | undefined): ThrottleVerdict | undefined {
    const subscription = SUBSCRIPTION_PATH.exec(path)?.[1]?.toLowerCase();
    if (subscription === undefined || !authorization) return undefined;
    const type = operationTypeOf(method);
    this.counters.requests[type] += 1;
    if (this.#limits === false) return { headers: {} };
    const limits = this.#limits[type];
    const bucket = this.#refilled(`${subscription} ${principalOf(authorization)} ${type}`, limits);
    const header = `x-ms-ratelimit-remaining-subscription-${type}`;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { headers: { [header]: String(Math.floor(bucket.tokens)) } };
    }
    // A throttled request "isn't processed" and gets "a new retry value" (the article's "Error code" section):
    // it takes no token. Retry-After is in whole seconds, so it rounds up to when the next token is there.
    this.counters.throttled[type] += 1;
    const retryAfterSeconds = Math.ceil((1 - bucket.tokens) / limits.refillPerSecond);
    return {
      headers: { [header]: "0", "retry-after": String(retryAfterSeconds) },
      throttled: {
        retryAfterSeconds,
        // The code and message shape of ARM's answer: MicrosoftDocs/SupportArticles-docs
        // support/azure/azure-kubernetes/error-code-subscriptionrequeststhrottled.md (Status=429,
        // Code="SubscriptionRequestsThrottled", "Number of requests for subscription '…' … Please try again after
        // '6' seconds."); Azure/azure-sdk-for-java#1389 shows the same code in the wire body {"error":{"code",…}}.
        code: "SubscriptionRequestsThrottled",
        message: `Number of '${VERB[type]}' requests for subscription '${subscription}' exceeded. Please try again after '${retryAfterSeconds}' seconds.`,
      },
    };
  }

  #refilled(key: string, limits: BucketLimits): Bucket {
    const now = this.#clock();
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = { tokens: limits.burst, at: now };
      this.#buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(limits.burst, bucket.tokens + ((now - bucket.at) / 1000) * limits.refillPerSecond);
    bucket.at = now;
    return bucket;
  }
}

/** Each distinct bearer token is a principal; buckets are keyed by a digest of it rather than the token itself. */
function principalOf(authorization: string): string {
  return createHash("sha256").update(authorization).digest("base64url").slice(0, 22);
}
