/** Long-running operations as Microsoft.Network runs them: Azure-AsyncOperation status and Location result URLs. */
import { randomUUID } from "node:crypto";
import { SimError, type Reply } from "./http.ts";

const NETWORK_API = "2026-01-01";

interface Operation {
  pollsLeft: number;
  done: boolean;
  failure: { code: string; message: string } | undefined;
  /** Runs once when the operation finishes; its value is the Location result body. */
  complete: (succeeded: boolean) => unknown;
  result: unknown;
}

/** A request that starts an LRO, as the fault injector may have marked it. */
export interface LroStart {
  subscriptionId: string;
  location: string;
  baseUrl: string;
  polls: number;
  failure: { code: string; message: string } | undefined;
  complete: (succeeded: boolean) => unknown;
}

/** The running operations of one simulator. */
export class LroStore {
  readonly #operations = new Map<string, Operation>();

  /** Registers an operation; returns the headers of its first answer (Retry-After 0 keeps tests fast). */
  start(start: LroStart, withLocation: boolean): Record<string, string> {
    const id = randomUUID();
    this.#operations.set(id, { pollsLeft: Math.max(start.polls, 1), done: false, failure: start.failure, complete: start.complete, result: undefined });
    const base = `${start.baseUrl}/subscriptions/${start.subscriptionId}/providers/Microsoft.Network/locations/${start.location}`;
    const headers: Record<string, string> = {
      "azure-asyncoperation": `${base}/operations/${id}?api-version=${NETWORK_API}`,
      "retry-after": "0",
    };
    if (withLocation) headers["location"] = `${base}/operationResults/${id}?api-version=${NETWORK_API}`;
    return headers;
  }

  #poll(id: string): Operation {
    const op = this.#operations.get(id);
    if (!op) throw new SimError(404, "OperationNotFound", `No operation ${id} is known.`);
    if (!op.done) {
      op.pollsLeft -= 1;
      if (op.pollsLeft <= 0) {
        op.done = true;
        op.result = op.complete(op.failure === undefined);
      }
    }
    return op;
  }

  /** GET …/operations/{id}: the Azure-AsyncOperation status. */
  status(id: string): Reply {
    const op = this.#poll(id);
    if (!op.done) return { status: 200, body: { status: "InProgress" }, headers: { "retry-after": "0" } };
    if (op.failure) return { status: 200, body: { status: "Failed", error: op.failure } };
    return { status: 200, body: { status: "Succeeded" } };
  }

  /** GET …/operationResults/{id}: 202 while running, then the result (or the failure). */
  result(id: string, selfUrl: string): Reply {
    const op = this.#poll(id);
    if (!op.done) return { status: 202, headers: { location: selfUrl, "retry-after": "0" } };
    if (op.failure) throw new SimError(500, op.failure.code, op.failure.message);
    return op.result === undefined ? { status: 204 } : { status: 200, body: op.result };
  }
}
