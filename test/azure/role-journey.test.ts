// The whole journey through signed Slack requests — every read, every change kind, every diagnosis, both scans —
// and the role: every request the SDK sent, polls included, needs an action the role grants, and the role grants
// nothing the journey did not need.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCertificateCheck } from "../../src/core/alerts/certificate-check.ts";
import { runGatewayCheck } from "../../src/core/alerts/gateway-check.ts";
import { silentLogger } from "../../src/log.ts";
import type { RecordedRequest } from "../../src/stand-ins/arm/index.ts";
import { CHANNELS, NOW, PEOPLE, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";

const role = JSON.parse(readFileSync(new URL("../../src/azure/vnetbot-role.json", import.meta.url), "utf8")) as { Actions: string[] };

const READS = [
  "list", "show orders-web", "show orders-api/staging", "plan plan-orders", "routes plan-orders vnet-hub", "expiring", "gateways",
  "diagnose orders-api sql-orders.contoso.internal:1433", "diagnose orders-web mainframe.corp.contoso.com:443",
  "tcpping orders-api 10.10.1.4:1433", "resolve orders-api sql-orders.contoso.internal", "diagnose orders-api/staging 10.10.1.4:1433", "migration --fresh",
];
const CHANGES = [
  "connect orders-worker vnet-hub", "disconnect orders-web", "disconnect orders-api/staging", "connect orders-api/staging vnet-hub",
  "sync plan-platform vnet-data", "route add plan-orders vnet-hub 10.99.0.0/16", "route remove plan-orders vnet-hub onprem-datacenter",
  "renew payments-api", "peer plan-orders vnet-hub vnet-nogateway",
  // The migration and its rollback: an app into an existing subnet, a slot into a new one, then an app and a slot of
  // another plan joining the first app's subnet (multi-plan subnet join, through a site PATCH) once its VNet is peered.
  "migrate inventory-api --route-all", "migrate orders-api/staging vnet-hub/snet-staging --new-subnet 10.10.8.0/26 --route-all",
  "migrate rollback orders-api/staging", "migrate peer plan-orders vnet-hub vnet-inventory",
  "migrate orders-api vnet-inventory/snet-inventory-apps", "migrate orders-api/staging vnet-inventory/snet-inventory-apps",
  "migrate rollback inventory-api", "migrate rollback orders-api/staging",
];

/**
 * The RBAC action ARM checks for a request, by its conventions: the provider's type path and the verb (GET read,
 * PUT/PATCH write, DELETE delete, POST the action named last); Kudu is the site's publish action.
 */
function actionOf(request: Pick<RecordedRequest, "method" | "path" | "body">): string[] {
  const kudu = /^\/kudu\/([^/]+)\/api\/command$/i.exec(request.path);
  if (kudu) return [kudu[1]!.includes("-staging") ? "Microsoft.Web/sites/slots/publish/Action" : "Microsoft.Web/sites/publish/Action"];
  if (/\/providers\/Microsoft\.ResourceHealth\/availabilityStatuses\//i.test(request.path)) return ["Microsoft.ResourceHealth/availabilityStatuses/read"];
  const match = /\/providers\/([^/]+)\/(.+)$/i.exec(request.path);
  if (!match) throw new Error(`no provider in ${request.path}`);
  const segments = match[2]!.split("/");
  const types = segments.filter((_, i) => i % 2 === 0);
  const verb = request.method === "GET" ? "read" : request.method === "DELETE" ? "delete" : request.method === "POST" ? "action" : "write";
  // A POST's last segment is the action's name, not a resource type.
  const typePath = verb === "action" ? `${segments.filter((_, i) => i % 2 === 0 && i < segments.length - 1).join("/")}/${segments.at(-1)}` : types.join("/");
  const action = `${match[1]}/${typePath}/${verb}`;
  // Linked access (azure-docs vpn-gateway roles-permissions; virtual-network peering permissions).
  if (/virtualNetworkGateways\/write$/i.test(action)) return [action, "Microsoft.Network/publicIPAddresses/join/action", "Microsoft.Network/virtualNetworks/subnets/join/action"];
  if (/virtualNetworkPeerings\/write$/i.test(action)) return [action, "Microsoft.Network/virtualNetworks/peer/action"];
  // A subnet PUT that references an NSG or a route table joins them; setting an integration subnet joins the subnet
  // (azure-docs virtual-network manage-subnet "Permissions"; app-service overview-vnet-integration "Permissions").
  if (/virtualNetworks\/subnets\/write$/i.test(action)) {
    const props = (request.body as { properties?: { networkSecurityGroup?: unknown; routeTable?: unknown } } | undefined)?.properties;
    return [
      action,
      ...(props?.networkSecurityGroup ? ["Microsoft.Network/networkSecurityGroups/join/action"] : []),
      ...(props?.routeTable ? ["Microsoft.Network/routeTables/join/action"] : []),
    ];
  }
  if (/\/networkConfig\/write$/i.test(action)) return [action, "Microsoft.Network/virtualNetworks/subnets/join/action"];
  if (/^Microsoft\.Web\/sites(\/slots)?\/write$/i.test(action) && (request.body as { properties?: { virtualNetworkSubnetId?: unknown } } | undefined)?.properties?.virtualNetworkSubnetId) {
    return [action, "Microsoft.Network/virtualNetworks/subnets/join/action"];
  }
  return [action];
}

const lower = (actions: Iterable<string>) => [...new Set([...actions].map((a) => a.toLowerCase()))].sort();

describe("the custom role against the whole journey", () => {
  let slack: SlackHarness;
  beforeAll(async () => {
    slack = await startSlackHarness({ alerts: true });
    for (const text of READS) {
      const answer = await slack.ask(PEOPLE.bystander, text);
      if (/Something went wrong|not allowed/.test(textOf(answer))) throw new Error(`/vnet ${text}: ${textOf(answer)}`);
    }
    for (const text of CHANGES) {
      const message = await slack.requestChange(text);
      await slack.click(PEOPLE.approver, "approve", /request `(req\d+)`/.exec(textOf(message))?.[1] ?? "", message);
      await slack.bot.idle();
      if (!textOf(slack.current(message)).includes(":tada: Done")) throw new Error(`/vnet ${text} did not finish: ${textOf(slack.current(message))}`);
    }
    const deps = { reader: slack.azure.reader, subscriptions: slack.azure.subscriptions, store: slack.stores.alerts, chat: slack.bot.chat, channel: CHANNELS.alerts, logger: silentLogger };
    await runCertificateCheck(deps, NOW);
    await runGatewayCheck(deps, NOW);
  }, 60_000);
  afterAll(() => slack.close());

  it("grants an action for every request the bot sent, polls of long-running operations included", () => {
    const needed = lower(slack.sim.requests.flatMap(actionOf));
    const granted = lower(role.Actions);

    expect(slack.sim.requests.some((r) => /\/locations\/[^/]+\/operations\//i.test(r.path))).toBe(true);
    expect(needed.filter((action) => !granted.includes(action))).toEqual([]);
  });

  it("grants nothing the journey did not need", () => {
    const needed = lower(slack.sim.requests.flatMap(actionOf));

    expect(lower(role.Actions).filter((action) => !needed.includes(action))).toEqual([]);
  });
});
