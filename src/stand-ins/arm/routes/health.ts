/** Resource Health: GET {resourceId}/providers/Microsoft.ResourceHealth/availabilityStatuses/current. */
import { readFileSync } from "node:fs";
import { sourceFile } from "../../../source-files.ts";
import { notFound, ok, type Route, type RouteContext } from "../http.ts";

const EXAMPLE = JSON.parse(readFileSync(sourceFile("src/stand-ins/arm/fixtures/resourcehealth-2025-04-01_AvailabilityStatus_GetByResource.json"), "utf8")) as {
  responses: { "200": { body: { location: string; properties: Record<string, unknown> } } };
};

const SUMMARIES: Record<string, { title: string; summary: string; reasonType?: string }> = {
  Available: { title: "Available", summary: "There aren't any known Azure platform problems affecting this resource." },
  Unavailable: { title: "Unavailable", summary: "The VPN service on this gateway is not running.", reasonType: "Unplanned" },
  Degraded: { title: "Degraded", summary: "This gateway is running with reduced capacity.", reasonType: "Unplanned" },
  Unknown: { title: "Unknown", summary: "Resource Health has not received information about this resource for more than 10 minutes." },
};

function exists(ctx: RouteContext, id: string): boolean {
  const s = ctx.state;
  return [s.plans, s.apps, s.vnets, s.gateways, s.nsgs, s.gatewayConnections].some((map) => map.get(id) !== undefined);
}

function currentStatus(ctx: RouteContext): ReturnType<typeof ok> {
  const resourceId = ctx.params["resource"]!;
  if (!exists(ctx, resourceId)) throw notFound("resource", resourceId.split("/").pop()!);
  const state = ctx.state.healthOf(resourceId);
  const example = structuredClone(EXAMPLE.responses["200"].body);
  const text = SUMMARIES[state]!;
  const now = ctx.now().toISOString();
  return ok({
    id: `${resourceId}/providers/Microsoft.ResourceHealth/availabilityStatuses/current`,
    name: "current",
    type: "Microsoft.ResourceHealth/AvailabilityStatuses",
    location: example.location,
    properties: {
      availabilityState: state,
      title: text.title,
      summary: text.summary,
      detailedStatus: text.summary,
      reasonType: text.reasonType ?? "",
      context: state === "Available" ? "" : "Platform Initiated",
      category: state === "Available" ? "" : "Unplanned",
      reasonChronicity: state === "Available" ? "" : "Persistent",
      occuredTime: now,
      reportedTime: now,
      recommendedActions: state === "Available" ? [] : example.properties["recommendedActions"],
    },
  });
}

/** The Resource Health route (any resource id). */
export const healthRoutes: Route[] = [
  {
    method: "GET",
    pattern: /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/.+)\/providers\/Microsoft\.ResourceHealth\/availabilityStatuses\/current\/?$/i,
    names: ["resource"],
    handle: currentStatus,
  },
];
