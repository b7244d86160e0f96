/**
 * Reports every ARM request attempt (method, path template, status) to an observer, for the metrics: a pipeline
 * policy below the SDK's retry policy, so that each retried 429 is seen, not only the last answer.
 */
import type { AdditionalPolicyConfig } from "@azure-rest/core-client";

type PipelinePolicy = AdditionalPolicyConfig["policy"];

/** Told of each attempt; status is undefined when no answer came (DNS, TLS, a refused connection, an abort). */
export type ArmResponseObserver = (method: string, pathTemplate: string, status: number | undefined) => void;

/** The policy that tells the observer about each attempt. */
export function observingPolicy(observe: ArmResponseObserver): PipelinePolicy {
  return {
    name: "vnetbotArmRequestObserver",
    async sendRequest(request, next) {
      const path = armPathTemplate(request.url);
      try {
        const response = await next(request);
        observe(request.method, path, response.status);
        return response;
      } catch (error) {
        observe(request.method, path, (error as { statusCode?: number }).statusCode);
        throw error;
      }
    },
  };
}

// Keywords whose next segment is an id, and how the template names it.
const IDS: Record<string, string> = { subscriptions: "{subscriptionId}", resourcegroups: "{resourceGroup}" };

/**
 * The path with every name replaced, so that a label has one value per API, not per resource:
 * /subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Web/sites/{name}/config/{name}.
 * After a provider namespace, segments alternate between a type (kept) and a name (replaced).
 */
export function armPathTemplate(url: string): string {
  const parts = new URL(url, "https://arm.invalid").pathname.split("/").filter(Boolean);
  const out: string[] = [];
  let isName = false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const id = IDS[part.toLowerCase()];
    if (id && !isName) {
      out.push(part);
      if (i + 1 < parts.length) out.push(id);
      i += 1;
    } else if (part.toLowerCase() === "providers" && !isName) {
      out.push(part);
      if (i + 1 < parts.length) out.push(parts[i + 1]!);
      i += 1;
      isName = false;
    } else {
      out.push(isName ? "{name}" : part);
      isName = !isName;
    }
  }
  return `/${out.join("/")}`;
}
