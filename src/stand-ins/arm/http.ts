/** The HTTP plumbing shared by the simulator's routes: errors in ARM's shape, replies, routing. */
import type { SimulatorState } from "./state.ts";
import type { LroStore } from "./lro.ts";

/**
 * An ARM error answer: status plus `{ error: { code, message } }`. One that App Service itself gives (not ARM's front
 * door) is marked, so that the estate option appServiceErrorCasing can write it in App Service's PascalCase.
 */
export class SimError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fromAppService: boolean;

  constructor(status: number, code: string, message: string, options: { fromAppService?: boolean } = {}) {
    super(message);
    this.name = "SimError";
    this.status = status;
    this.code = code;
    this.fromAppService = options.fromAppService ?? false;
  }
}

/** An error App Service (Microsoft.Web) answers with, as opposed to ARM's own. */
export function appServiceError(status: number, code: string, message: string): SimError {
  return new SimError(status, code, message, { fromAppService: true });
}

/** What a route answers; a string body is sent as a JSON string. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** What a route gets to work with. */
export interface RouteContext {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** The simulator's base URL, for nextLink and operation URLs. */
  baseUrl: string;
  state: SimulatorState;
  lro: LroStore;
  now: () => Date;
  /** Set when a failOperation fault matched: an LRO this request starts ends Failed with this error. */
  failure: { code: string; message: string } | undefined;
  /** Path parameters by name, in the order of the pattern. */
  params: Record<string, string>;
}

/** A route: method, a path pattern with {name} placeholders, and its handler. */
export interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handle: (ctx: RouteContext) => Reply | Promise<Reply>;
}

/** Builds a route; placeholders match one path segment; matching ignores case as ARM does. */
export function route(method: string, template: string, handle: Route["handle"]): Route {
  const names: string[] = [];
  const source = template.replace(/[.]/g, "\\.").replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  return { method, pattern: new RegExp(`^${source}/?$`, "i"), names, handle };
}

/** Finds the route for a request and its path parameters. */
export function matchRoute(routes: Route[], method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    candidate.names.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1]!)));
    return { route: candidate, params };
  }
  return undefined;
}

/** A 200 with a JSON body. */
export function ok(body: unknown): Reply {
  return { status: 200, body };
}

/** The ARM 404 for a missing resource. */
export function notFound(type: string, name: string, resourceGroup?: string): SimError {
  const where = resourceGroup ? ` under resource group '${resourceGroup}'` : "";
  return new SimError(404, "ResourceNotFound", `The Resource '${type}/${name}'${where} was not found.`);
}

/** One page of a list, with nextLink to the rest ($skipToken carries the offset). */
export function page(ctx: RouteContext, items: unknown[]): Reply {
  const start = Number(ctx.query["$skipToken"] ?? 0) || 0;
  const size = ctx.state.pageSize;
  const value = items.slice(start, start + size);
  if (start + size >= items.length) return ok({ value });
  const next = new URLSearchParams({ ...ctx.query, $skipToken: String(start + size) });
  return ok({ value, nextLink: `${ctx.baseUrl}${ctx.path}?${next.toString()}` });
}

/** The request body's `properties` object, or a 400 saying what is missing. */
export function propertiesOf(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null) throw new SimError(400, "InvalidRequestContent", "The request body must be a JSON object.");
  const props = (body as { properties?: unknown }).properties;
  if (props === undefined) return {};
  if (typeof props !== "object" || props === null) throw new SimError(400, "InvalidRequestContent", "The request body's properties must be a JSON object.");
  return props as Record<string, unknown>;
}
