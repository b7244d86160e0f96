import { DatabaseSync } from "node:sqlite";
// /vnet migrate end to end on the demo estate: signed Slack requests, the approval, and the steps against the ARM
// simulator through the Azure SDK; then what Azure holds afterwards.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMigrationRecords } from "../../src/core/migration/migration-records.ts";
import { demo } from "../support/demo-estate.ts";
import { startAzureHarness } from "../support/azure-harness.ts";
import { CHANNELS, NOW, PEOPLE, requestIdOf, type SlackHarness, startSlackHarness, textOf } from "../support/slack-harness.ts";
import type { LocalMessage } from "../../src/stand-ins/slack/workspace.ts";

let slack: SlackHarness;
beforeEach(async () => {
  slack = await startSlackHarness();
});
afterEach(() => slack.close());

const SUBNET = `${demo.vnet("vnet-inventory")}/subnets/snet-inventory-apps`;

/** The change, approved while App Service refuses every regional integration as busy: it stops after the disconnect. */
async function stoppedAtRegional(text: string): Promise<LocalMessage> {
  const fault = slack.sim.faults.add({ method: "PUT", path: /\/networkConfig\/virtualNetwork$/i, status: 409, code: "Conflict", message: "There is another operation in progress on the site." });
  try {
    return await approved(text);
  } finally {
    slack.sim.faults.remove(fault);
  }
}

/** Asks for the change, has it approved, waits for it to end; resolves with the approval message as it ends. */
async function approved(text: string): Promise<LocalMessage> {
  const message = await slack.requestChange(text);
  await slack.click(PEOPLE.approver, "approve", requestIdOf(message), message);
  await slack.bot.idle();
  return slack.current(message)!;
}

describe("/vnet migrate APP", () => {
  it("previews what changes for the network, then moves the app, keeps the subnet's NSG and route table, and verifies it", async () => {
    const request = await slack.requestChange("migrate inventory-api --route-all");
    const preview = textOf(request);
    expect(preview).toContain("inventory-api will send VNet traffic from subnet snet-inventory-apps (10.86.2.0/26) instead of gateway gw-inventory's point-to-site pool 172.16.212.0/24.");
    expect(preview).toContain("Allow 10.86.2.0/26 wherever firewalls, NSGs, on-premises ACLs or VPN routes allow 172.16.212.0/24");
    expect(preview).toContain("`partner-cgnat` (100.64.20.0/24, STATIC): outside RFC 1918, reached through route-all");
    expect(preview).toContain("sending back its NSG nsg-inventory-apps, route table rt-inventory, service endpoints Microsoft.Storage");
    expect(preview).toContain("NSG nsg-inventory-apps now applies to the apps' outbound traffic");
    // With route-all, its deny-internet-out takes the internet from the apps.
    expect(preview).toContain("NSG nsg-inventory-apps's rule `deny-internet-out` (priority 300) denies outbound traffic to the internet, and with route-all all of the apps' traffic enters the subnet: they would lose the internet, Microsoft Entra ID and certificate revocation lists included.");
    expect(preview).toContain("without the VNet for typically 2-5 minutes, possibly longer.");
    // vnet-inventory names no DNS servers: Azure's answers come from the private zones linked to it.
    expect(preview).toContain("Azure-provided DNS answers from the private DNS zones linked to vnet-inventory: link the zones the apps resolve");
    expect(slack.azureWrites()).toEqual([]);

    await slack.click(PEOPLE.approver, "approve", requestIdOf(request), request);
    await slack.bot.idle();

    expect(textOf(slack.current(request))).toContain(":tada: Done: 7 of 7 steps");
    // A subnet no other plan uses is integrated with the networkConfig PUT, which needs no write on the site itself.
    expect(slack.azureWrites().filter((write) => /\/sites\/inventory-api(\/networkConfig\/virtualNetwork)?$/i.test(write))).toEqual([expect.stringMatching(/^PUT .*\/networkConfig\/virtualNetwork$/)]);
    const subnet = await slack.azure.reader.getSubnet(SUBNET);
    expect(subnet.delegations).toEqual(["Microsoft.Web/serverFarms"]);
    expect([subnet.nsgId?.split("/").at(-1), subnet.routeTableId?.split("/").at(-1), subnet.serviceEndpoints]).toEqual(["nsg-inventory-apps", "rt-inventory", ["Microsoft.Storage"]]);
    expect(subnet.serviceAssociationLinks.map((link) => link.link.toLowerCase())).toEqual([demo.plan("plan-inventory").toLowerCase()]);
    expect((await slack.azure.reader.getRegionalIntegration(demo.app("inventory-api"))).subnetId?.toLowerCase()).toBe(SUBNET.toLowerCase());
    expect(await slack.azure.reader.getRouteAll(demo.app("inventory-api"))).toBe(true);
    expect((await slack.azure.reader.listAppVnetConnections(demo.app("inventory-api"))).filter((c) => !c.isRegional)).toEqual([]);
    // The plan's certificate was the gateway's only root: nothing uses it any more.
    expect((await slack.azure.reader.getGateway(demo.gateway("gw-inventory"))).rootCertificates).toEqual([]);
    expect(slack.threadTexts(request).join("\n")).toContain("worker address 10.86.2.");
  });

  it("names the subnet's outbound rule that would deny a target diagnosed by name, at the address it resolved to", async () => {
    await slack.ask(PEOPLE.operator, "diagnose inventory-api partner.fabrikam.example:443");

    const request = await slack.requestChange("migrate inventory-api");

    expect(textOf(request)).toContain("NSG rule `deny-internet-out` (priority 300) denies partner.fabrikam.example:443 (at 100.64.20.5, where it last resolved on the worker), which inventory-api was tested against");
    expect(textOf(request)).toContain("Targets known by name (partner.fabrikam.example:443) are tested from the worker after the move; partner.fabrikam.example:443 is also checked against the NSGs at the addresses it last resolved to on the worker.");
  });

  it("does not check a name at its last addresses when other DNS servers answer after the move", async () => {
    await slack.ask(PEOPLE.operator, "diagnose inventory-api partner.fabrikam.example:443");
    // The VNet's DNS servers change after the apps' last sync: the move takes the apps to them.
    slack.sim.state.vnets.named("vnet-inventory").dnsServers = ["10.86.0.4"];

    const request = textOf(await slack.requestChange("migrate inventory-api"));

    expect(request).not.toContain("denies partner.fabrikam.example:443");
    expect(request).toContain("Targets known by name (partner.fabrikam.example:443) are tested from the worker after the move; the addresses it last resolved to are not checked against the NSGs, since other DNS answers after the move.");
  });

  it("without --route-all says the partner route is lost, and the check after the move finds the partner unreachable", async () => {
    await slack.ask(PEOPLE.operator, "tcpping inventory-api 100.64.20.5:443");
    const request = await slack.requestChange("migrate inventory-api");
    expect(textOf(request)).toContain(":x: `partner-cgnat` (100.64.20.0/24, STATIC): outside RFC 1918, no longer reached. Add --route-all to keep it.");
    expect(textOf(request)).toContain("NSG rule `deny-internet-out` (priority 300) denies 100.64.20.5:443, which inventory-api was tested against");
    // Without route-all only RFC 1918 traffic enters the subnet: the NSG's internet rule takes nothing else.
    expect(textOf(request)).not.toContain("they would lose the internet");

    await slack.click(PEOPLE.approver, "approve", requestIdOf(request), request);
    await slack.bot.idle();

    const ended = textOf(slack.current(request));
    expect(ended).toContain(":x: Failed at step 5 of 6");
    expect(ended).toContain("inventory-api is not verified on vnet-inventory/snet-inventory-apps yet: it does not reach 100.64.20.5:443");
    expect(ended).toContain("or roll back with /vnet migrate rollback inventory-api");
    // The countdown sends people to /vnet show, which says the move is not finished and how to end it.
    const shown = textOf(await slack.ask(PEOPLE.operator, "show inventory-api"));
    expect(shown).toContain("inventory-api uses regional VNet integration: subnet vnet-inventory/snet-inventory-apps.");
    expect(shown).toContain(":warning: inventory-api's migration from vnet-inventory to vnet-inventory/snet-inventory-apps has not been verified: it stopped before the worker's checks passed. Finish the migration with `/vnet migrate inventory-api`, or put it back on the gateway with `/vnet migrate rollback inventory-api`.");
    // While the change that moves it runs (as it would between its steps), that is said instead.
    const database = new DatabaseSync(slack.dbPath);
    database.prepare("UPDATE approvals SET status = 'running' WHERE id = ?").run(requestIdOf(request));
    database.close();
    const running = textOf(await slack.ask(PEOPLE.operator, "show inventory-api"));
    expect(running).toContain(":hourglass: inventory-api is being moved from vnet-inventory to vnet-inventory/snet-inventory-apps now: the change has not verified it there yet.");
    expect(running).not.toContain("has not been verified: it stopped");
  });

  it("runs, once approved, though the VNet gained a peering unrelated to the move since the request", async () => {
    const request = await slack.requestChange("migrate inventory-api --route-all");
    slack.sim.state.vnets.get(demo.vnet("vnet-inventory"))!.peerings.push({ name: "inventory-to-spoke", remoteVnetId: demo.vnet("vnet-spoke"), allowVirtualNetworkAccess: true, allowForwardedTraffic: false, allowGatewayTransit: false, useRemoteGateways: false, peeringState: "Initiated" });

    await slack.click(PEOPLE.approver, "approve", requestIdOf(request), request);
    await slack.bot.idle();

    expect(textOf(slack.current(request))).toContain(":tada: Done");
  });

  it("counts route-all the app already has: the partner route stays reached, and the preview warns that all its traffic enters the VNet", async () => {
    slack.sim.state.apps.get(demo.app("inventory-api"))!.routeAll = true;

    const preview = textOf(await slack.requestChange("migrate inventory-api"));

    expect(preview).toContain("Route-all is already on for inventory-api, and regional integration applies it: all outbound traffic, the internet's included, enters the VNet");
    expect(preview).toContain(":white_check_mark: `partner-cgnat` (100.64.20.0/24, STATIC): outside RFC 1918, reached through route-all if the VNet routes it on.");
    expect(preview).toContain("Route-all is already set on inventory-api; gateway-required integration ignored it, regional integration applies it");
    expect(preview).not.toContain("Add --route-all");
    expect(preview).not.toContain("without --route-all the apps no longer reach it");
  });

  it("counts route-all set through the site's outboundVnetRouting, the newer API versions' form, as the same", async () => {
    slack.sim.state.apps.get(demo.app("inventory-api"))!.outboundRouting = { applicationTraffic: true };

    const preview = textOf(await slack.requestChange("migrate inventory-api"));

    expect(preview).toContain("Route-all is already on for inventory-api, and regional integration applies it");
    expect(preview).not.toContain("Add --route-all");
  });

  it("finishes a migration that stopped half-way when asked again, skipping what is done", async () => {
    const first = await stoppedAtRegional("migrate inventory-api --route-all");
    expect(textOf(first)).toContain(":x: Failed at step 4 of 7");
    expect(textOf(first)).toContain("Steps 1-3 finished before it");
    // The gateway connection is gone already: only the record says where the app came from.
    expect((await slack.azure.reader.listAppVnetConnections(demo.app("inventory-api"))).filter((c) => !c.isRegional)).toEqual([]);

    const again = await approved("migrate inventory-api --route-all");

    expect(textOf(again)).toContain(":tada: Done: 7 of 7 steps");
    const thread = slack.threadTexts(again).join("\n");
    expect(thread).toContain("Step 1 of 7 skipped: Delegate subnet");
    expect(thread).toContain("Step 3 of 7 skipped: Disconnect inventory-api from vnet-inventory's gateway");
    expect(thread).toContain("Step 4 of 7 done: Add inventory-api's regional integration with vnet-inventory/snet-inventory-apps");
    expect((await slack.azure.reader.getRegionalIntegration(demo.app("inventory-api"))).subnetId?.toLowerCase()).toBe(SUBNET.toLowerCase());
  });

  it("previews a resumed migration as it stands: the DNS servers the apps had, and one restart left for an app off its gateway", async () => {
    const fault = slack.sim.faults.add({ method: "PUT", path: /\/sites\/orders-web\/networkConfig\/virtualNetwork$/i, status: 409, code: "Conflict", message: "There is another operation in progress on the site." });
    const first = await approved("migrate plan-orders vnet-hub vnet-hub/snet-apps --new-subnet 10.10.8.0/26");
    slack.sim.faults.remove(fault);
    expect(textOf(first)).toContain(":x: Failed at step");

    const again = textOf(await slack.requestChange("migrate plan-orders vnet-hub vnet-hub/snet-apps"));

    expect(again).toContain("The apps keep using 10.10.0.4, 10.10.0.5 (vnet-hub's DNS servers).");
    expect(again).toContain("orders-web is off the gateway already, without any VNet until it restarts once more (regional integration added).");
    expect(again).not.toContain("restarts twice");
  });

  it("says the app was not verified from its worker when Kudu does not answer, rather than pass quietly", async () => {
    const fault = slack.sim.faults.add({ method: "POST", path: /command/i, status: 502, code: "BadGateway", message: "Kudu is down." });

    const done = await approved("migrate inventory-api --route-all");
    slack.sim.faults.remove(fault);

    expect(textOf(done)).toContain(":tada: Done");
    expect(slack.threadTexts(done).join("\n")).toMatch(/:warning: NOT verified from the worker \([^)]*502[^)]*\): `\/vnet tcpping inventory-api HOST:PORT` tests it once Kudu answers/);
  });

  it("says an app stopped between its gateway and its subnet has no VNet, there and in show, list and tcpping", async () => {
    const stopped = textOf(await stoppedAtRegional("migrate inventory-api --route-all"));

    const show = textOf(await slack.ask(PEOPLE.requester, "show inventory-api"));
    const list = textOf(await slack.ask(PEOPLE.requester, "list --fresh"));
    const tcpping = textOf(await slack.ask(PEOPLE.requester, "tcpping inventory-api 10.40.1.4:443"));
    const diagnose = textOf(await slack.ask(PEOPLE.requester, "diagnose inventory-api 10.40.1.4:443"));
    const plan = textOf(await slack.ask(PEOPLE.requester, "plan plan-inventory"));
    const readiness = textOf(await slack.ask(PEOPLE.requester, "migration --plan plan-inventory --fresh"));

    expect(stopped).toContain("inventory-api is without any VNet integration now: it left vnet-inventory's gateway and has not joined vnet-inventory/snet-inventory-apps. To put it back on the gateway now: `/vnet migrate rollback inventory-api`.");
    expect(stopped).toContain("Run `/vnet migrate inventory-api --route-all` again to finish it");
    expect(show).toContain("inventory-api is without any VNet integration: a migration that stopped half-way took it off vnet-inventory's gateway, and it has not joined vnet-inventory/snet-inventory-apps. Finish the migration with `/vnet migrate inventory-api`, or put it back on the gateway with `/vnet migrate rollback inventory-api`.");
    expect(list).toContain("Mid-migration (running, or stopped half-way, when it may be without any VNet): inventory-api.");
    expect(tcpping).toContain("inventory-api (no VNet integration)");
    expect(tcpping).toContain(":warning: inventory-api is without any VNet integration");
    expect(tcpping).not.toContain("regional VNet integration with a subnet there");
    expect(diagnose).toContain("inventory-api is without any VNet integration: a migration that stopped half-way");
    expect(plan).toContain(":warning: Mid-migration (running, or stopped half-way, when it may be without any VNet): inventory-api.");
    expect(readiness).toContain("but a migration is mid-way (above): finish it or roll it back.");
    expect(readiness).not.toContain("nothing to migrate");
  });

  it("says so from the kept inventory too, which a change that stopped half-way refreshes", async () => {
    await slack.ask(PEOPLE.requester, "list");
    await stoppedAtRegional("migrate inventory-api --route-all");

    const show = textOf(await slack.ask(PEOPLE.requester, "show inventory-api"));
    const list = textOf(await slack.ask(PEOPLE.requester, "list"));

    expect(show).toContain("inventory-api is without any VNet integration");
    expect(list).toContain("Mid-migration (running, or stopped half-way, when it may be without any VNet): inventory-api.");
  });

  it("answers a scale unit's refusal at the regional step with the plan's way out, not \"fix that and try again\"", async () => {
    const fault = slack.sim.faults.add({ method: "PUT", path: /\/networkConfig\/virtualNetwork$/i, status: 400, code: "BadRequest", message: "Regional VNET Integration is unsupported in this scale unit." });
    const stopped = textOf(await approved("migrate payments-api --new-subnet 10.30.0.0/26"));
    slack.sim.faults.remove(fault);

    expect(stopped).toContain("Regional VNET Integration is unsupported in this scale unit.");
    expect(stopped).toContain("Scale plan plan-basic up to PremiumV2");
    expect(stopped).not.toContain("fix that and try again");
    expect(stopped).toContain("`/vnet migrate rollback payments-api`");
  });

  it("keeps the subnet a stopped migration made for its plan out of what /vnet migration proposes to other plans", async () => {
    const stopped = textOf(await stoppedAtRegional("migrate payments-api --new-subnet 10.30.0.0/26"));

    const readiness = textOf(await slack.ask(PEOPLE.requester, "migration --fresh"));

    expect(stopped).toContain("payments-api is without any VNet integration now");
    expect(readiness).not.toMatch(/migrate plan-platform vnet-finance snet-plan-basic/);
    expect(readiness).toContain("Mid-migration (running, or stopped half-way, when it may be without any VNet): payments-api.");
  });

  it("suggests migrating the slot first when the app has one", async () => {
    const before = slack.sim.requests.length;
    const request = await slack.requestChange("migrate orders-api vnet-hub/snet-apps --new-subnet 10.10.8.0/26");

    expect(textOf(request)).toContain("orders-api has slot orders-api/staging, whose integration is its own (it does not swap): migrate it first (`/vnet migrate orders-api/staging`)");
    expect(textOf(request)).toContain("Created in vnet-hub as 10.10.8.0/26, delegated to Microsoft.Web/serverFarms");
    // vnet-hub has DNS servers of its own: no word about Azure's private zones.
    expect(textOf(request)).toContain("(vnet-hub's DNS servers)");
    expect(textOf(request)).not.toContain("private DNS zones");
    // The plan's sites and the slot-first advice share one read of the app's slots.
    expect(slack.sim.requests.slice(before).filter((r) => r.method === "GET" && /\/sites\/orders-api\/slots$/i.test(r.path))).toHaveLength(1);
  });

  it("has /vnet plan show the plan's regional integrations beside its gateway VNets, kept and fresh", async () => {
    expect(textOf(await approved("migrate orders-api/staging vnet-hub/snet-apps --new-subnet 10.10.8.0/26"))).toContain(":tada: Done");
    expect(textOf(await approved("migrate inventory-api --route-all"))).toContain(":tada: Done");
    await slack.ask(PEOPLE.bystander, "list --fresh");

    const kept = textOf(await slack.ask(PEOPLE.bystander, "plan plan-orders"));
    const fresh = textOf(await slack.ask(PEOPLE.bystander, "plan plan-orders --fresh"));
    const moved = textOf(await slack.ask(PEOPLE.bystander, "plan plan-inventory"));

    expect(kept).toContain("*Regional integration of the apps vnetbot moved* (`--fresh` reads every app): vnet-hub/snet-apps (orders-api/staging)");
    expect(fresh).toContain("*Regional integration:* 2 of 2 subnets in use: vnet-hub/snet-apps (orders-api/staging); vnet-spoke/snet-integration (catalog-regional)");
    expect(moved).toContain("0 of 5 VNets");
    expect(moved).toContain("*Regional integration:* 1 of 2 subnets in use: vnet-inventory/snet-inventory-apps (inventory-api)");
  });

  it("warns that a new subnet smaller than a /26 cannot grow once in use, and that an autoscale maximum is not read", async () => {
    const request = textOf(await slack.requestChange("migrate orders-web vnet-hub/snet-apps --new-subnet 10.10.8.0/28"));

    expect(request).toContain(":warning: A /28 has 11 usable addresses, one per instance and two while the plan scales, and a subnet in use cannot be resized: Microsoft recommends a /26.");
    expect(request).toContain("not for an autoscale maximum, which it does not read");
  });

  it("names the NSG rules that allow or deny the pool, and a known target whose NSG would not let the subnet in", async () => {
    slack.sim.state.nsgs.named("nsg-data").rules.push({ name: "deny-other-sql", priority: 250, direction: "Inbound", access: "Deny", protocol: "Tcp", sourceAddressPrefix: "VirtualNetwork", destinationAddressPrefix: "*", destinationPortRange: "1433" });
    await slack.ask(PEOPLE.requester, "tcpping orders-web 10.10.1.4:1433");

    const request = textOf(await slack.requestChange("migrate orders-web vnet-hub/snet-apps --new-subnet 10.10.8.0/26"));

    expect(request).toContain("NSG nsg-data (vnet-hub/snet-data): rule `allow-p2s-sql` (priority 200) allows the pool: add 10.10.8.0/26 to it, and keep the pool while a rollback may need it.");
    expect(request).toContain("NSG nsg-data (vnet-hub/snet-data): rule `deny-p2s-redis` (priority 210) denies the pool, and will no longer keep the apps out: add 10.10.8.0/26 to it if it must.");
    expect(request).toContain(":no_entry: 10.10.1.4:1433, which orders-web was tested against, lets the pool in through NSG nsg-data but not 10.10.8.0/26: rule `deny-other-sql` (priority 250) denies it. Allow 10.10.8.0/26 there before approving.");
  });

  it("checks a target diagnosed by name at the address it resolved to, and says which", async () => {
    slack.sim.state.nsgs.named("nsg-data").rules.push({ name: "deny-other-sql", priority: 250, direction: "Inbound", access: "Deny", protocol: "Tcp", sourceAddressPrefix: "VirtualNetwork", destinationAddressPrefix: "*", destinationPortRange: "1433" });
    await slack.ask(PEOPLE.requester, "diagnose orders-web sql-orders.contoso.internal:1433");

    const request = textOf(await slack.requestChange("migrate orders-web vnet-hub/snet-apps --new-subnet 10.10.8.0/26"));

    expect(request).toContain(":no_entry: sql-orders.contoso.internal:1433 (at 10.10.1.4, where it last resolved on the worker), which orders-web was tested against, lets the pool in through NSG nsg-data but not 10.10.8.0/26: rule `deny-other-sql` (priority 250) denies it.");
  });

  it("forgets where a name resolved once a diagnosis finds it no longer resolves", async () => {
    slack.sim.state.nsgs.named("nsg-data").rules.push({ name: "deny-other-sql", priority: 250, direction: "Inbound", access: "Deny", protocol: "Tcp", sourceAddressPrefix: "VirtualNetwork", destinationAddressPrefix: "*", destinationPortRange: "1433" });
    await slack.ask(PEOPLE.requester, "diagnose orders-web sql-orders.contoso.internal:1433");
    const host = slack.sim.state.network.hosts.find((h) => h.names.includes("sql-orders.contoso.internal"))!;
    host.names = [];
    await slack.ask(PEOPLE.requester, "diagnose orders-web sql-orders.contoso.internal:1433");

    const request = textOf(await slack.requestChange("migrate orders-web vnet-hub/snet-apps --new-subnet 10.10.8.0/26"));

    expect(request).not.toContain(":no_entry: sql-orders.contoso.internal:1433");
  });

  it("says which peered VNet it could not read for rules that name the pool, rather than pass over it", async () => {
    const fault = slack.sim.faults.add({ method: "GET", path: /\/virtualNetworks\/vnet-spoke$/i, status: 403, code: "AuthorizationFailed", message: "no access" });

    const request = textOf(await slack.requestChange("migrate orders-web vnet-hub/snet-apps --new-subnet 10.10.8.0/26"));
    slack.sim.faults.remove(fault);

    expect(request).toContain(":warning: Peered VNet vnet-spoke could not be read: rules there that name the pool are not checked.");
  });

  it("does not hold a move to a host the app never reached: a test that fails forgets it, one that passes is tested again", async () => {
    const typo = textOf(await slack.ask(PEOPLE.requester, "tcpping orders-api/staging nohost.contoso.internal:443"));
    await slack.ask(PEOPLE.requester, "tcpping orders-api/staging 10.10.1.4:1433");

    const done = await approved("migrate orders-api/staging vnet-hub/snet-apps --new-subnet 10.10.8.0/26");

    expect(typo).toContain("could not resolve nohost.contoso.internal");
    expect(textOf(done)).toContain(":tada: Done");
    const thread = slack.threadTexts(done).join("\n");
    expect(thread).toContain("10.10.1.4:1433 answers");
    expect(thread).not.toContain("nohost");
  });

  it("gives no slot-first advice for a slot that has moved already", async () => {
    expect(textOf(await approved("migrate orders-api/staging vnet-hub/snet-apps --new-subnet 10.10.8.0/26"))).toContain(":tada: Done");

    const app = await slack.requestChange("migrate orders-api vnet-hub/snet-apps");

    expect(textOf(app)).not.toContain("migrate it first");
  });

  it.each([
    ["a VNet in another region", "migrate reports-api", "vnet-reports-ne is in northeurope and plan plan-reports in westeurope"],
    ["a classic VNet", "migrate erp-connector", "vnet-classic-erp is a classic VNet"],
  ])("refuses %s, saying what to do", async (_case, text, reason) => {
    const answer = textOf(await slack.ask(PEOPLE.requester, text));

    expect(answer).toContain(reason);
    expect(slack.azureWrites()).toEqual([]);
    expect(slack.api.workspace.messages(CHANNELS.approvals)).toEqual([]);
  });
});

describe("where a plan route to on-premises leads after the move (plan-orders' onprem-datacenter, 192.168.0.0/16)", () => {
  const MIGRATE = "migrate orders-api/staging vnet-hub/snet-staging --new-subnet 10.10.8.0/26";
  const ROUTE = "`onprem-datacenter` (192.168.0.0/16, STATIC)";
  const amsterdam = () => slack.sim.state.gatewayConnections.named("s2s-amsterdam");

  it("is reached through the VNet's connected site-to-site connection whose local network announces it", async () => {
    const preview = textOf(await slack.requestChange(MIGRATE));

    expect(preview).toContain(`:white_check_mark: ${ROUTE}: reached through vnet-hub's site-to-site connection s2s-amsterdam, whose local network announces it.`);
  });

  it("is a warning when the connection that announces it is down", async () => {
    amsterdam().connectionStatus = "NotConnected";

    const preview = textOf(await slack.requestChange(MIGRATE));

    expect(preview).toContain(`:warning: ${ROUTE}: announced by vnet-hub's site-to-site connection s2s-amsterdam, which is NotConnected now.`);
  });

  it("is a warning when no connection announces it, naming those that may over BGP", async () => {
    amsterdam().localNetwork = { addressPrefixes: ["10.99.0.0/16"], bgp: false };

    const preview = textOf(await slack.requestChange(MIGRATE));

    expect(preview).toContain(`:warning: ${ROUTE}: not in the VNet or its peers, and no site-to-site connection of vnet-hub announces it, though s2s-dublin may over BGP (not read): reached only through a route table on the subnet, or not at all.`);
  });

  it("names no BGP connection where BGP is set up on the local network gateway but not on the connection", async () => {
    amsterdam().localNetwork = { addressPrefixes: ["10.99.0.0/16"], bgp: false };
    slack.sim.state.gatewayConnections.named("s2s-dublin").enableBgp = false;

    const preview = textOf(await slack.requestChange(MIGRATE));

    expect(preview).toContain(`:warning: ${ROUTE}: not in the VNet or its peers, and no site-to-site connection of vnet-hub announces it: reached only through a route table on the subnet, or not at all.`);
  });

  it("says the connections could not be read rather than that none announces it", async () => {
    slack.sim.faults.add({ method: "GET", path: /\/localNetworkGateways\//, status: 403, code: "AuthorizationFailed" });

    const preview = textOf(await slack.requestChange(MIGRATE));

    expect(preview).toMatch(/:warning: `onprem-datacenter` \(192\.168\.0\.0\/16, STATIC\): not in the VNet or its peers, and its site-to-site connections could not be read \(.*Microsoft\.Network\/localNetworkGateways\/read.*\)/);
  });
});

describe("a plan with more gateway VNets than regional integrations (plan-platform: five)", () => {
  /** platform-hr into a subnet of its own, named as /vnet migration would name it. */
  const HR_ALONE = "migrate platform-hr snet-plan-platform --new-subnet 10.50.0.0/28";

  it("will not choose a subnet for such a plan alone: which VNets share is the plan's choice, which /vnet migration proposes", async () => {
    const answer = textOf(await slack.ask(PEOPLE.requester, "migrate platform-hr"));

    expect(answer).toContain("Plan plan-platform reaches more VNets through gateways than its 2 regional integrations, so some of them must share a subnet: vnetbot will not choose the subnet for this move alone.");
    expect(answer).toContain("/vnet migration --plan plan-platform proposes one for each VNet");
    expect(slack.api.workspace.messages(CHANNELS.approvals)).toHaveLength(0);
  });

  it("chooses the subnet itself when the plan uses it already, which spends none of its regional integrations", async () => {
    expect(textOf(await approved(HR_ALONE))).toContain("Done:");
    // platform-new joins vnet-hr through the gateway, after platform-hr moved into the plan's subnet there.
    await slack.azure.writer.putAppVnetConnection(demo.app("platform-new"), demo.vnet("vnet-hr"));

    const preview = textOf(await slack.requestChange("migrate platform-new"));

    expect(preview).toContain("Change request: Migrate platform-new to regional integration (vnet-hr/snet-plan-platform)");
  });

  it("lets one VNet move, saying what that leaves for the others", async () => {
    const preview = textOf(await slack.requestChange(HR_ALONE));

    expect(preview).toContain("After this move plan plan-platform uses 1 of its 2 regional integrations (vnet-hr/snet-plan-platform), and still reaches vnet-data, vnet-finance, vnet-legacy, vnet-ops through a gateway: those cannot each get a subnet of their own.");
    expect(preview).toContain("Move their apps into a subnet it already uses, with their VNets peered to that subnet's VNet (VNet access allowed on both sides), or split the plan.");
  });

  it("moves the apps of another VNet into a subnet the plan already uses, the way such a plan migrates", async () => {
    expect(textOf(await approved(HR_ALONE))).toContain("Done:");

    const preview = textOf(await slack.requestChange("migrate platform-ops vnet-hr/snet-plan-platform"));

    expect(preview).toContain("Change request: Migrate platform-ops to regional integration (vnet-hr/snet-plan-platform)");
    expect(preview).toContain("uses 1 of its 2 regional integrations (vnet-hr/snet-plan-platform), and still reaches vnet-data, vnet-finance, vnet-legacy through a gateway");
    // A gateway connection reached all of vnet-ops; a subnet of vnet-hr reaches it only through a peering.
    expect(preview).toContain(":x: vnet-hr is not peered with vnet-ops: after the move the apps no longer reach vnet-ops (10.60.0.0/16). Peer the two VNets first (VNet access allowed on both sides): `/vnet migrate peer plan-platform vnet-ops vnet-hr`.");
  });

  it("says a classic VNet left behind is lost, since no peering reaches it from regional integration", async () => {
    const preview = textOf(await slack.requestChange("migrate erp-connector vnet-hub/snet-erp --new-subnet 10.10.9.0/26"));

    expect(preview).toContain(":x: vnet-classic-erp is a classic VNet: after the move the apps no longer reach it, not even through a peering.");
  });

  it("says the VNet left behind stays reached when the subnet's VNet is peered with it", async () => {
    const preview = textOf(await slack.requestChange("migrate orders-web vnet-spoke/snet-integration"));

    expect(preview).toContain(":white_check_mark: vnet-hub (10.10.0.0/16) stays reached: vnet-spoke is peered with it (spoke-to-hub, Connected).");
    expect(textOf(await slack.requestChange("migrate inventory-api"))).not.toContain("left behind");
  });

  it("finds the on-premises route through the gateway the subnet's VNet uses over its peering (gateway transit)", async () => {
    const preview = textOf(await slack.requestChange("migrate orders-web vnet-spoke/snet-integration"));

    // vnet-spoke has no gateway of its own; spoke-to-hub uses vnet-hub's, whose s2s-amsterdam announces 192.168.0.0/16.
    expect(preview).toContain("`onprem-datacenter` (192.168.0.0/16");
    expect(preview).toContain("reached through vnet-hub's site-to-site connection s2s-amsterdam (vnet-spoke uses its gateway through their peering), whose local network announces it.");
  });

  it("has /vnet migration name the subnet the plan already uses for the VNets beyond its regional integrations", async () => {
    expect(textOf(await approved(HR_ALONE))).toContain("Done:");

    const answer = textOf(await slack.ask(PEOPLE.requester, "migration --fresh --plan plan-platform"));

    // One regional integration is left: vnet-data takes it, and vnet-finance, vnet-legacy and vnet-ops share vnet-hr's subnet.
    expect(answer).toContain("*Do:* `/vnet migrate plan-platform vnet-data snet-sql`");
    expect(answer).toContain("Plan plan-platform takes at most 2 regional integrations, uses 1 already and reaches 4 VNets through gateways, so vnet-finance's apps share subnet *snet-plan-platform* in vnet-hr, which the plan already uses.");
    expect(answer).toContain("*Do first:* `/vnet migrate peer plan-platform vnet-ops vnet-hr`");
    expect(answer).toContain("*Do:* `/vnet migrate plan-platform vnet-ops vnet-hr/snet-plan-platform`");
  });

  it("refuses a third regional subnet for the plan, before approval", async () => {
    expect(textOf(await approved(HR_ALONE))).toContain("Done:");
    expect(textOf(await approved("migrate platform-ops vnet-ops/snet-plan-platform --new-subnet 10.60.1.0/26"))).toContain("Done:");

    const answer = textOf(await slack.ask(PEOPLE.requester, "migrate platform-data vnet-data/snet-plan-platform --new-subnet 10.40.2.0/26"));

    expect(answer).toContain("Plan plan-platform already uses its 2 regional integrations (vnet-hr/snet-plan-platform, vnet-ops/snet-plan-platform), so vnet-data's apps cannot move into vnet-data/snet-plan-platform, a subnet of their own.");
    expect(answer).toContain("`/vnet migrate peer plan-platform vnet-data vnet-hr` (if vnet-data and vnet-hr are not peered yet), then `/vnet migrate platform-data vnet-hr/snet-plan-platform` (or vnet-ops/snet-plan-platform)");
    expect(answer).not.toContain(" VNET ");
    expect(slack.api.workspace.messages(CHANNELS.approvals)).toHaveLength(2);
  });
});

describe("what /vnet migration proposes", () => {
  it("is a /vnet migrate command that previews a change for approval, each of them", async () => {
    const proposals = [...textOf(await slack.ask(PEOPLE.bystander, "migration")).matchAll(/`\/vnet (migrate [^`]+)`/g)].map((m) => m[1]!).filter((text) => !text.includes("…"));
    expect(proposals.length).toBeGreaterThanOrEqual(3);

    for (const text of proposals) {
      const message = await slack.requestChange(text);
      expect(textOf(message)).toContain("Waiting for an approver");
      await slack.click(PEOPLE.requester, "reject", requestIdOf(message), message);
      await slack.bot.idle();
    }
    expect(slack.azureWrites()).toEqual([]);
  });
});

describe("/vnet migrate PLAN VNET", () => {
  it("moves each app and slot of the plan on the VNet, one after the other", async () => {
    const done = await approved("migrate plan-orders vnet-hub vnet-hub/snet-apps --new-subnet 10.10.8.0/26");

    expect(textOf(done)).toContain("Migrate orders-api/staging, orders-api, orders-web to regional integration (vnet-hub/snet-apps)");
    expect(textOf(done)).toContain(":tada: Done");
    for (const app of [demo.app("orders-api"), `${demo.app("orders-api")}/slots/staging`, demo.app("orders-web")]) {
      expect((await slack.azure.reader.getRegionalIntegration(app)).subnetId).toMatch(/\/subnets\/snet-apps$/);
    }
    expect((await slack.azure.reader.getSubnet(`${demo.vnet("vnet-hub")}/subnets/snet-apps`)).addressPrefixes).toEqual(["10.10.8.0/26"]);
  });

  it("still moves the slot first when asked again after the slot stopped it", async () => {
    const fault = slack.sim.faults.add({ method: "PUT", path: /\/slots\/staging\/networkConfig\/virtualNetwork$/i, status: 409, code: "Conflict", message: "There is another operation in progress on the site." });
    const first = await approved("migrate plan-orders vnet-hub vnet-hub/snet-apps --new-subnet 10.10.8.0/26");
    slack.sim.faults.remove(fault);
    expect(textOf(first)).toContain(":x: Failed at step");

    const again = await slack.requestChange("migrate plan-orders vnet-hub vnet-hub/snet-apps");

    expect(textOf(again)).toContain("Migrate orders-api/staging, orders-api, orders-web to regional integration");
  });

  it("finishes, with the very command it says to run again, a migration that stopped after the plan's last app left the VNet", async () => {
    const first = await stoppedAtRegional("migrate plan-inventory vnet-inventory snet-inventory-apps --route-all");
    const again = /Run `\/vnet ([^`]+)` again to finish it/.exec(textOf(first))?.[1];
    // The plan has no connection to the VNet any more: its only app there was disconnected.
    expect(await slack.azure.reader.listPlanVnetConnections(demo.plan("plan-inventory"))).toEqual([]);

    const finished = await approved(again ?? "");

    expect(textOf(first)).toContain(":x: Failed at step 4 of 7");
    expect(again).toBe("migrate plan-inventory vnet-inventory snet-inventory-apps --route-all");
    expect(textOf(finished)).toContain(":tada: Done: 7 of 7 steps");
    expect((await slack.azure.reader.getRegionalIntegration(demo.app("inventory-api"))).subnetId?.toLowerCase()).toBe(SUBNET.toLowerCase());
  });
});

describe("a VNet with an address space outside RFC 1918 (vnet-finance gains 100.70.0.0/16)", () => {
  beforeEach(() => {
    slack.sim.state.vnets.get(demo.vnet("vnet-finance"))!.addressSpace.push("100.70.0.0/16");
    slack.sim.state.network.hosts.push({ ip: "100.70.1.10", names: ["ledger2.contoso.internal"], openPorts: [443], blockedApps: [] });
  });

  it("is migrated with --route-all, which /vnet migration proposes and the preview asks for, since the apps reach it through the gateway now", async () => {
    const readiness = textOf(await slack.ask(PEOPLE.requester, "migration --plan plan-basic --fresh"));
    const preview = textOf(await slack.requestChange("migrate payments-api"));

    expect(readiness).toMatch(/\/vnet migrate plan-basic vnet-finance [^`]* --route-all`/);
    expect(readiness).toContain("vnet-finance's address space 100.70.0.0/16 is outside RFC 1918");
    expect(preview).toContain("vnet-finance's address space 100.70.0.0/16 lies outside RFC 1918");
    expect(preview).toContain("Without --route-all they no longer reach it.");
  });

  it("names --route-all when the check after the move finds such an address unreachable", async () => {
    await slack.ask(PEOPLE.requester, "tcpping payments-api 100.70.1.10:443");

    const stopped = await approved("migrate payments-api");

    expect(textOf(stopped)).toContain("does not reach 100.70.1.10:443");
    expect(textOf(stopped)).toContain("100.70.1.10 is outside RFC 1918, which regional integration sends into the VNet only with route-all: run the change again with --route-all.");
  });
});

describe("/vnet migrate asked again once the move is done, or of a plan by its name alone", () => {
  it("refuses an app vnetbot already migrated, before approval, saying where it is and how to roll it back", async () => {
    expect(textOf(await approved("migrate inventory-api --route-all"))).toContain(":tada: Done");
    const requests = slack.api.workspace.messages(CHANNELS.approvals).length;

    const answer = textOf(await slack.ask(PEOPLE.requester, "migrate inventory-api"));

    expect(answer).toContain("vnetbot already migrated inventory-api off vnet-inventory's gateway to regional integration with vnet-inventory/snet-inventory-apps (it uses vnet-inventory/snet-inventory-apps now): there is nothing to migrate.");
    expect(answer).toContain("/vnet migrate rollback inventory-api");
    expect(slack.api.workspace.messages(CHANNELS.approvals)).toHaveLength(requests);
  });

  it("says a plan's apps were migrated off the VNet already, naming them, rather than that no app has the plan's name", async () => {
    expect(textOf(await approved("migrate plan-inventory vnet-inventory snet-inventory-apps --route-all"))).toContain(":tada: Done");

    const answer = textOf(await slack.ask(PEOPLE.requester, "migrate plan-inventory vnet-inventory"));

    expect(answer).toContain("vnetbot already migrated plan plan-inventory's apps off vnet-inventory (inventory-api): nothing is left to migrate there.");
    expect(answer).not.toContain("No app");
  });

  it("asks for the VNet of a plan named alone, and names the plan's VNets for one it has no connection to", async () => {
    const alone = textOf(await slack.ask(PEOPLE.requester, "migrate plan-orders"));
    const elsewhere = textOf(await slack.ask(PEOPLE.requester, "migrate plan-orders vnet-data"));

    expect(alone).toContain("plan-orders is a plan: name the VNet its apps leave, `/vnet migrate plan-orders VNET`");
    expect(alone).toContain("Its gateway-required VNets: vnet-hub.");
    expect(elsewhere).toContain("Plan plan-orders has no gateway-required connection to vnet-data.");
    expect(elsewhere).toContain("Its gateway-required VNets: vnet-hub.");
    expect(slack.azureWrites()).toEqual([]);
  });
});

describe("/vnet migrate rollback", () => {
  it("puts the app back on its gateway, with route-all and the plan route as they were", async () => {
    expect(textOf(await approved("migrate inventory-api --route-all"))).toContain(":tada: Done");

    const back = await approved("migrate rollback inventory-api");

    expect(textOf(back)).toContain(":tada: Done");
    const { reader } = slack.azure;
    expect((await reader.getRegionalIntegration(demo.app("inventory-api"))).subnetId).toBeUndefined();
    expect(await reader.getRouteAll(demo.app("inventory-api"))).toBe(false);
    expect((await reader.listAppVnetConnections(demo.app("inventory-api"))).find((c) => !c.isRegional)?.name).toBe("vnet-inventory");
    const routes = (await reader.listPlanVnetConnections(demo.plan("plan-inventory"))).find((c) => c.name === "vnet-inventory")?.routes ?? [];
    expect(routes.map((r) => `${r.name} ${r.startAddress}`)).toEqual(["partner-cgnat 100.64.20.0/24"]);
    expect((await slack.azure.reader.getGateway(demo.gateway("gw-inventory"))).rootCertificates).toHaveLength(1);
    expect(textOf(await slack.ask(PEOPLE.requester, "migrate rollback inventory-api"))).toContain("inventory-api was already rolled back to vnet-inventory.");
  });

  it("answers a plan's name alone with the rollback of the plan's VNet and of each app vnetbot moved off it", async () => {
    expect(textOf(await approved("migrate inventory-api --route-all"))).toContain(":tada: Done");

    const answer = textOf(await slack.ask(PEOPLE.requester, "migrate rollback plan-inventory"));

    expect(answer).toContain("plan-inventory is a plan: name the VNet its apps are to go back to, or one app.");
    expect(answer).toContain("`/vnet migrate rollback plan-inventory vnet-inventory` puts back every app vnetbot moved off it in one approval; one app alone: `/vnet migrate rollback inventory-api`.");
  });

  it("puts every app and slot of a plan back on the VNet in one approval, with the plan's routes", async () => {
    expect(textOf(await approved("migrate plan-orders vnet-hub vnet-hub/snet-apps --new-subnet 10.10.8.0/26"))).toContain(":tada: Done");

    const before = slack.sim.requests.length;
    const request = await slack.requestChange("migrate rollback plan-orders vnet-hub");
    // The three apps share plan, VNet and gateway: the preview reads each once.
    const reads = (pattern: RegExp) => slack.sim.requests.slice(before).filter((r) => r.method === "GET" && pattern.test(r.path)).length;
    expect([reads(/\/serverfarms\/plan-orders$/i), reads(/\/virtualNetworks\/vnet-hub$/i), reads(/\/virtualNetworkGateways\/gw-hub$/i)]).toEqual([1, 1, 1]);
    await slack.click(PEOPLE.approver, "approve", requestIdOf(request), request);
    await slack.bot.idle();
    const back = slack.current(request)!;

    expect(textOf(back)).toContain("Roll orders-api, orders-web, orders-api/staging back to gateway-required integration with vnet-hub");
    expect(textOf(back)).toContain(":tada: Done");
    const { reader } = slack.azure;
    for (const app of [demo.app("orders-api"), `${demo.app("orders-api")}/slots/staging`, demo.app("orders-web")]) {
      expect((await reader.getRegionalIntegration(app)).subnetId).toBeUndefined();
      expect((await reader.listAppVnetConnections(app)).find((c) => !c.isRegional)?.name).toBe("vnet-hub");
    }
    const routes = (await reader.listPlanVnetConnections(demo.plan("plan-orders"))).find((c) => c.name === "vnet-hub")?.routes ?? [];
    expect(routes.map((r) => r.name)).toEqual(["onprem-datacenter"]);
    expect(textOf(await slack.ask(PEOPLE.requester, "migrate rollback plan-orders vnet-hub"))).toContain("vnetbot has moved none of the apps of plan plan-orders off vnet-hub: there is nothing to roll back there.");
  });

  it("finishes a plan's rollback that stopped half-way when asked again, with the apps still moved", async () => {
    expect(textOf(await approved("migrate plan-orders vnet-hub vnet-hub/snet-apps --new-subnet 10.10.8.0/26"))).toContain(":tada: Done");
    const fault = slack.sim.faults.add({ method: "PUT", path: /\/sites\/orders-web\/virtualNetworkConnections\/vnet-hub$/i, status: 409, code: "Conflict", message: "There is another operation in progress on the site." });
    const first = await approved("migrate rollback plan-orders vnet-hub");
    slack.sim.faults.remove(fault);
    expect(textOf(first)).toContain(":x: Failed at step");
    expect(textOf(first)).toContain("Run `/vnet migrate rollback plan-orders vnet-hub` again");

    const again = await approved("migrate rollback plan-orders vnet-hub");

    expect(textOf(again)).toContain("Roll orders-web, orders-api/staging back to gateway-required integration with vnet-hub");
    expect(textOf(again)).toContain(":tada: Done");
    expect((await slack.azure.reader.listAppVnetConnections(demo.app("orders-web"))).find((c) => !c.isRegional)?.name).toBe("vnet-hub");
  });

  it("refuses an app vnetbot never migrated: nothing to roll back on gateway-required, no record on regional", async () => {
    const onGateway = textOf(await slack.ask(PEOPLE.requester, "migrate rollback orders-web"));
    const onRegional = textOf(await slack.ask(PEOPLE.requester, "migrate rollback catalog-regional"));

    expect(onGateway).toContain("orders-web does not use regional integration, and vnetbot never migrated it: there is nothing to roll back.");
    expect(onGateway).not.toContain("/vnet connect");
    expect(onRegional).toContain("vnetbot has no record of migrating catalog-regional");
    expect(onRegional).toContain("remove its regional integration in the portal, then /vnet connect catalog-regional VNET");
    expect(slack.azureWrites()).toEqual([]);
  });
});

describe("on 31 March 2027 itself", () => {
  it("still tries a rollback, whose approval says the day has come: Microsoft names the day, not the hour", async () => {
    await slack.close();
    const onTheDay = { now: () => new Date("2027-03-31T06:00:00Z") };
    slack = await startSlackHarness({ clock: onTheDay, azure: await startAzureHarness({ estate: "demo", now: onTheDay.now }) });
    expect(textOf(await approved("migrate inventory-api --route-all"))).toContain(":tada: Done");

    const request = await slack.requestChange("migrate rollback inventory-api");

    expect(textOf(request)).toContain("Change request: Roll inventory-api back");
    expect(textOf(request)).toContain("retired today, 31 March 2027, at an hour Microsoft has not said");
    expect(textOf(request)).not.toContain("was retired");
  });
});

describe("after 31 March 2027", () => {
  it("refuses a rollback, since gateway-required integration no longer exists", async () => {
    await slack.close();
    const after = { now: () => new Date("2027-04-02T09:00:00Z") };
    slack = await startSlackHarness({ clock: after, azure: await startAzureHarness({ estate: "demo", now: after.now }) });
    const records = createMigrationRecords(slack.stores.alerts, after);
    await records.put({
      appId: demo.app("inventory-api"), appName: "inventory-api", planId: demo.plan("plan-inventory"), vnetId: demo.vnet("vnet-inventory"), vnetName: "vnet-inventory",
      routes: [], dnsServers: [], pool: [], certThumbprint: undefined, certBlob: undefined, subnetId: SUBNET, routeAllBefore: false, status: "migrated", requestId: undefined, updatedAt: NOW,
    });

    const answer = textOf(await slack.ask(PEOPLE.requester, "migrate rollback inventory-api"));

    expect(answer).toContain("retired");
    expect(slack.azureWrites()).toEqual([]);
  });
});
