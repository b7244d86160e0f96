/** The HTTPS request loop: auth, throttling, locks, faults, recording, routing, and ARM-shaped errors with x-ms-request-id. */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FaultInjector } from "./faults.ts";
import { lockRefusal } from "./locks.ts";
import { matchRoute, SimError, type Reply, type Route } from "./http.ts";
import type { LroStore } from "./lro.ts";
import type { SimulatorState } from "./state.ts";
import type { ArmThrottle } from "./throttling.ts";

/** One request as the simulator saw it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** The HTTP status the simulator answered, once it has (a fault's, a throttled request's, an error's or the route's). */
  status?: number;
}

/** What the request handler needs. */
export interface ServerDeps {
  routes: Route[];
  state: SimulatorState;
  faults: FaultInjector;
  lro: LroStore;
  throttle: ArmThrottle;
  requests: RecordedRequest[];
  now: () => Date;
  baseUrl: () => string;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new SimError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: it is not JSON.");
  }
}

function send(res: ServerResponse, reply: Reply, requestId: string, rateLimit: Record<string, string> = {}): void {
  const headers: Record<string, string> = { "x-ms-request-id": requestId, "x-ms-correlation-request-id": requestId, ...rateLimit, ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, { ...headers, "content-length": "0" });
    res.end();
    return;
  }
  // A reply that names its own content type (an HTML error page) is sent as it is.
  const raw = typeof reply.body === "string" && reply.headers?.["content-type"] !== undefined;
  const text = raw ? (reply.body as string) : JSON.stringify(reply.body);
  res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...headers, "content-length": String(Buffer.byteLength(text)) });
  res.end(text);
}

const errorReply = (error: SimError, headers?: Record<string, string>): Reply => ({
  status: error.status,
  body: { error: { code: error.code, message: error.message } },
  headers,
});

/**
 * App Service's own error body as every public capture shows it (azure-docs#43302, azure-rest-api-specs#5041), for
 * the estate option appServiceErrorCasing: PascalCase. No ExtendedCode: the captured ones belong to other errors.
 */
const pascalCaseReply = (error: SimError): Reply => ({
  status: error.status,
  body: {
    Code: error.code,
    Message: error.message,
    Target: null,
    Details: [{ Message: error.message }, { Code: error.code }, { ErrorEntity: { MessageTemplate: error.message, Parameters: [], Code: error.code, Message: error.message } }],
    Innererror: null,
  },
});

/** Handles one request; never throws. */
export async function handleRequest(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const url = new URL(req.url ?? "/", "https://simulator.invalid");
  const method = (req.method ?? "GET").toUpperCase();
  const query = Object.fromEntries(url.searchParams);
  // The remaining budget goes on every answer to a charged request, errors included: "Read requests return a value
  // in the header for the number of remaining read requests" (request-limits-and-throttling.md, "Remaining requests").
  let rateLimit: Record<string, string> = {};
  let recorded: RecordedRequest | undefined;
  const answer = (reply: Reply, headers: Record<string, string>) => {
    if (recorded) recorded.status = reply.status;
    send(res, reply, requestId, headers);
  };
  try {
    const body = await readBody(req).catch((error: unknown) => {
      deps.requests.push((recorded = { method, path: url.pathname, query, body: undefined, headers: req.headers }));
      throw error;
    });
    deps.requests.push((recorded = { method, path: url.pathname, query, body, headers: req.headers }));
    if (!/^Bearer \S+/i.test(req.headers.authorization ?? "")) {
      throw new SimError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing or is not a Bearer token.");
    }
    // ARM throttles before it routes to the resource provider, so a throttled request never reaches a fault or route.
    const verdict = deps.throttle.take(method, url.pathname, req.headers.authorization);
    if (verdict?.throttled) {
      const { code, message } = verdict.throttled;
      answer(errorReply(new SimError(429, code, message)), verdict.headers);
      return;
    }
    rateLimit = verdict?.headers ?? {};
    // Locks, like throttling, are ARM's own: a refused request never reaches the resource provider.
    const locked = lockRefusal(deps.state.locks, method, url.pathname);
    if (locked) throw locked;
    const fault = deps.faults.take(method, url.pathname);
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault && !fault.failOperation && (fault.status !== undefined || fault.retryAfterSeconds !== undefined)) {
      const status = fault.status ?? 429;
      const code = fault.code ?? (status === 429 ? "TooManyRequests" : "InternalServerError");
      const headers = fault.retryAfterSeconds === undefined ? undefined : { "retry-after": String(fault.retryAfterSeconds) };
      answer(errorReply(new SimError(status, code, fault.message ?? `Injected fault: ${code}.`), headers), rateLimit);
      return;
    }
    const found = matchRoute(deps.routes, method, url.pathname);
    if (!found) {
      throw new SimError(404, "NotFound", `The simulator does not serve ${method} ${url.pathname}: it is not an ARM path the simulator knows.`);
    }
    const failure = fault?.failOperation ? { code: fault.code ?? "InternalServerError", message: fault.message ?? "An error occurred while processing the operation." } : undefined;
    const reply = await found.route.handle({ method, path: url.pathname, query, body, baseUrl: deps.baseUrl(), state: deps.state, lro: deps.lro, now: deps.now, failure, params: found.params });
    answer(reply, rateLimit);
  } catch (error) {
    const simError = error instanceof SimError ? error : new SimError(500, "InternalServerError", `The simulator failed: ${(error as Error).message}`);
    const pascal = simError.fromAppService && deps.state.options.appServiceErrorCasing === "PascalCase";
    answer(pascal ? pascalCaseReply(simError) : errorReply(simError), rateLimit);
  }
}
