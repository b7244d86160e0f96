/** Fault injection: make chosen requests fail, throttle, stall, or start an LRO that ends Failed. */

/** One fault. A string path matches the end of the request path (case-insensitive); a RegExp is tested as is. */
export interface FaultSpec {
  method?: string;
  path: RegExp | string;
  /** HTTP status to answer with (default 500, or 429 when retryAfterSeconds is set). */
  status?: number;
  code?: string;
  message?: string;
  /** How many matching requests it affects (default: all). */
  times?: number;
  /** Delay before answering (or before passing the request on when no status is set). */
  delayMs?: number;
  /** Sends Retry-After with this many seconds. */
  retryAfterSeconds?: number;
  /** The LRO starts fine but its status ends Failed. */
  failOperation?: boolean;
}

interface ActiveFault extends FaultSpec {
  id: number;
  remaining: number;
}

/** Adds and removes faults; the server asks it about every request. */
export class FaultInjector {
  #faults: ActiveFault[] = [];
  #nextId = 1;

  /** Adds a fault; returns its id for remove(). */
  add(spec: FaultSpec): number {
    const id = this.#nextId++;
    this.#faults.push({ ...spec, id, remaining: spec.times ?? Infinity });
    return id;
  }

  remove(id: number): void {
    this.#faults = this.#faults.filter((f) => f.id !== id);
  }

  clear(): void {
    this.#faults = [];
  }

  /** The fault that applies to this request, counting it as used. */
  take(method: string, path: string): FaultSpec | undefined {
    const fault = this.#faults.find(
      (f) =>
        f.remaining > 0 &&
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (typeof f.path === "string" ? path.toLowerCase().endsWith(f.path.toLowerCase()) : f.path.test(path)),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    return fault;
  }
}
