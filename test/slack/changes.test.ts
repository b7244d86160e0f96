import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ids } from "../../src/core/resource-id.ts";
import { PRODUCTION } from "../support/demo-estate.ts";
import { expectGolden } from "../support/slack-golden.ts";
import { CHANNELS, PEOPLE, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";

const plan = (name: string) => ids.plan(PRODUCTION, "rg-apps", name);
const vnet = (name: string) => ids.vnet(PRODUCTION, "rg-network", name);

// Every test changes the estate, so each gets a fresh demo estate and bot.
let slack: SlackHarness;
beforeEach(async () => {
  slack = await startSlackHarness();
});
afterEach(() => slack.close());

describe("change commands end to end, through signed Slack requests and the real Azure adapter", () => {
  it("connects orders-worker to vnet-hub: Azure has the connection, the gateway has the plan's certificate, and the message says done", async () => {
    const running = slack.api.workspace.waitFor(() => {
      const message = slack.api.workspace.messages(CHANNELS.approvals)[0];
      return message && textOf(message).includes("Running: step 2 of 5") ? structuredClone(message.blocks) : undefined;
    });

    const { plan: asked, final, thread } = await slack.requestAndApprove("connect orders-worker vnet-hub");

    const app = slack.sim.state.apps.named("orders-worker");
    const certificate = slack.sim.state.certificateFor(plan("plan-orders"), vnet("vnet-hub"));
    expect(asked).toContain("Change request: Connect orders-worker to vnet-hub");
    expect(app.vnetName).toBe("vnet-hub");
    expect(slack.sim.state.connectionsOf(app.id).map((c) => c.vnetName)).toEqual(["vnet-hub"]);
    expect(slack.sim.state.gateways.named("gw-hub").rootCertificates.map((c) => c.publicCertData)).toContain(certificate?.blob);
    expect(final).toContain("Done: 5 of 5 steps");
    expect(thread.at(-1)).toContain("<@U0REQUEST> done: Connect orders-worker to vnet-hub.");
    expectGolden("approval-running", await running);
  });

  it("keeps the VPN package's SAS token out of Slack after a connect", async () => {
    const { final, thread } = await slack.requestAndApprove("connect orders-worker vnet-hub");
    const shown = textOf(await slack.ask(PEOPLE.bystander, "show orders-worker"));

    const packageUri = slack.sim.state.connectionsOf(slack.sim.state.apps.named("orders-worker").id)[0]?.vpnPackageUri ?? "";
    expect(packageUri).toContain("sig=");
    for (const text of [final, shown, ...thread, ...slack.api.calls.map((c) => JSON.stringify(c.args))]) {
      expect(text).not.toContain("sig=");
    }
  });

  it("disconnects orders-web, naming the restart before approval, and Azure restarts only that app", async () => {
    const { plan: asked, final } = await slack.requestAndApprove("disconnect orders-web");

    expect(asked).toContain("*Apps that restart*\\norders-web");
    expect(asked).toMatch(/\*Outage\*\\n[^"]*orders-web restarts/);
    expect(slack.sim.state.apps.named("orders-web")).toMatchObject({ vnetName: undefined, restarts: 1 });
    expect(slack.sim.state.apps.named("orders-api")).toMatchObject({ vnetName: "vnet-hub", restarts: 0 });
    // orders-api and its slot still use the plan's certificate, so it stays on the gateway.
    expect(final).toContain("Done: 2 of 2 steps");
    expect(final).toContain("Remove orders-web's certificate from gateway gw-hub's root certificates if no connection uses it any more _(skipped: kept: plan plan-orders uses it)_");
  });

  it("disconnects a deployment slot on its own, leaving the production app connected", async () => {
    const { final } = await slack.requestAndApprove("disconnect orders-api/staging");

    const slot = slack.sim.state.apps.values().find((a) => a.name === "orders-api/staging")!;
    expect(slot).toMatchObject({ vnetName: undefined, restarts: 1 });
    expect(slack.sim.state.apps.named("orders-api")).toMatchObject({ vnetName: "vnet-hub", restarts: 0 });
    expect(final).toContain("Change request: Disconnect orders-api/staging from vnet-hub");
    expect(final).toContain(":tada: Done");
  });

  it("syncs plan-platform with vnet-data: the changed DNS servers are named, then pushed to its app", async () => {
    const { plan: asked, final } = await slack.requestAndApprove("sync plan-platform vnet-data");

    expect(asked).toMatch(/DNS servers \(10\.40\.0\.4, 10\.40\.0\.6\) differ/);
    expect(asked).toContain("*Apps that restart*\\nplatform-data");
    expect(slack.sim.state.connectionsOf(slack.sim.state.apps.named("platform-data").id)[0]?.dnsServers).toEqual(["10.40.0.4", "10.40.0.6"]);
    expect(final).toContain("Done: 4 of 4 steps");
  });

  it("adds a route for an address range to the plan", async () => {
    const { final } = await slack.requestAndApprove("route add plan-orders vnet-hub 172.20.0.0-172.20.0.99");

    expect(slack.sim.state.routesOf(plan("plan-orders"), "vnet-hub")).toContainEqual(expect.objectContaining({ name: "route-172-20-0-0-to-172-20-0-99", startAddress: "172.20.0.0", endAddress: "172.20.0.99" }));
    expect(final).toContain("Done: 1 of 1 steps");
  });

  it("removes a route by name", async () => {
    const { plan: asked, final } = await slack.requestAndApprove("route remove plan-orders vnet-hub onprem-datacenter");

    expect(asked).toContain("onprem-datacenter");
    expect(slack.sim.state.routesOf(plan("plan-orders"), "vnet-hub").map((r) => r.name)).not.toContain("onprem-datacenter");
    expect(final).toContain("Done: 1 of 1 steps");
  });

  it("renews payments-api's certificate: Azure issues a new one with a new thumbprint, and the app restarts", async () => {
    const before = slack.sim.state.certificateFor(plan("plan-basic"), vnet("vnet-finance"));

    const { plan: asked, final } = await slack.requestAndApprove("renew payments-api");

    const after = slack.sim.state.certificateFor(plan("plan-basic"), vnet("vnet-finance"));
    expect(asked).toContain("*Apps that restart*\\npayments-api");
    expect(after?.thumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(after?.thumbprint).not.toBe(before?.thumbprint);
    expect(after!.notAfter.getTime()).toBeGreaterThan(before!.notAfter.getTime());
    expect(slack.sim.state.apps.named("payments-api").vnetName).toBe("vnet-finance");
    expect(final).toMatch(/Done: (\d+) of \1 steps/);
  });

  it("peers vnet-nogateway into plan-orders' vnet-hub: both sides with gateway transit, then the route", async () => {
    const { final } = await slack.requestAndApprove("peer plan-orders vnet-hub vnet-nogateway");

    const local = slack.sim.state.vnets.named("vnet-hub").peerings.find((p) => p.name === "vnet-hub-to-vnet-nogateway");
    const remote = slack.sim.state.vnets.named("vnet-nogateway").peerings.find((p) => p.name === "vnet-nogateway-to-vnet-hub");
    expect(local).toMatchObject({ allowGatewayTransit: true, useRemoteGateways: false });
    expect(remote).toMatchObject({ allowGatewayTransit: false, useRemoteGateways: true });
    expect(slack.sim.state.routesOf(plan("plan-orders"), "vnet-hub").map((r) => r.startAddress)).toContain("10.85.0.0/16");
    expect(final).toContain("Done: 3 of 3 steps");
  });
});

describe("changes of one app asked close together", () => {
  let slack: SlackHarness;
  beforeEach(async () => {
    slack = await startSlackHarness();
  });
  afterEach(() => slack.close());

  it("a second change of an app that has one pending is refused when asked, naming the pending one, while a change of another app goes on", async () => {
    await slack.requestChange("connect orders-worker vnet-hub");

    const answer = await slack.ask(PEOPLE.requester, "connect orders-worker vnet-finance");

    expect(answer?.text).toContain("Another change of the same app is pending: Connect orders-worker to vnet-hub (request `req1`");
    expect(slack.api.workspace.messages(CHANNELS.approvals)).toHaveLength(1);
    expect(textOf(await slack.requestChange("disconnect payments-api"))).toContain("Disconnect payments-api");
  });

  it("a connect whose app was connected elsewhere before approval fails when planned afresh at approval, saying nothing was changed, not to run it again to finish it", async () => {
    const request = await slack.requestChange("connect orders-worker vnet-finance");
    // Someone connects the app in the portal meanwhile.
    await slack.azure.writer.putAppVnetConnection(ids.app(PRODUCTION, "rg-apps", "orders-worker"), ids.vnet(PRODUCTION, "rg-network", "vnet-hub"));

    await slack.click(PEOPLE.approver, "approve", /request `(req\d+)`/.exec(textOf(request))![1]!, request);
    await slack.bot.idle();
    const final = textOf(slack.current(request));

    expect(final).toContain("Failed before its first step");
    expect(final).toContain("App orders-worker is already connected to vnet-hub");
    expect(final).toContain("Nothing was changed");
    expect(final).not.toContain("again to finish it");
    const told = slack.threadTexts(request).find((text) => text.includes("stopped:"));
    expect(told).toContain("App orders-worker is already connected to vnet-hub");
    expect(told).not.toContain("again to finish it");
  });
});

describe("a sync nothing calls for", () => {
  it("tells the approver that Azure shows no reason for it, and says nothing of the kind where the connection is flagged", async () => {
    const healthy = textOf(await slack.requestChange("sync plan-orders vnet-hub"));
    const flagged = textOf(await slack.requestChange("sync plan-platform vnet-finance"));

    expect(healthy).toContain("Nothing Azure shows calls for a sync now: the connection is not flagged for resync, its DNS servers match vnet-hub's and its certificate is on the gateway.");
    expect(flagged).not.toContain("Nothing Azure shows calls for a sync");
  });
});

describe("a connect of an app to the VNet it is connected to", () => {
  it("says that it creates nothing and only sends a fresh package, pointing to sync for a VNet's changes", async () => {
    const request = textOf(await slack.requestChange("connect orders-api vnet-hub"));

    expect(request).toContain("orders-api is connected to vnet-hub already: this creates nothing, adds the certificate to the gateway only if it is missing, and gives orders-api a fresh VPN package.");
    expect(request).toContain("`/vnet sync plan-orders vnet-hub`");
  });
});

describe("a change someone made while it waited for approval", () => {
  it("ends as already in place, not as a failure to ask again", async () => {
    const request = await slack.requestChange("route add plan-orders vnet-hub 10.20.0.0/16");
    await slack.azure.writer.putPlanRoute(ids.plan(PRODUCTION, "rg-apps", "plan-orders"), "vnet-hub", { name: "spoke", startAddress: "10.20.0.0", endAddress: "10.20.255.255", routeType: "STATIC" });
    const writes = slack.azureWrites().length;

    await slack.click(PEOPLE.approver, "approve", /request `(req\d+)`/.exec(textOf(request))![1]!, request);
    await slack.bot.idle();
    const final = textOf(slack.current(request));

    expect(final).toContain("Already in place: Route spoke already sends 10.20.0.0/16 into vnet-hub: there is nothing to do. Nothing was changed.");
    expect(final).not.toContain(":x:");
    expect(final).not.toContain("asked again");
    expect(slack.threadTexts(request).at(-1)).toContain("already in place when it was approved");
    expect(slack.azureWrites()).toHaveLength(writes);
  });
});

describe("a renewal that stops half-way", () => {
  it("says to finish with /vnet connect once the app is already disconnected, not to renew again", async () => {
    slack.sim.faults.add({ method: "PUT", path: "/sites/payments-api/virtualNetworkConnections/vnet-finance", status: 409, code: "Conflict", message: "Cannot modify this site because another operation is in progress.", times: 1 });

    const { final, thread } = await slack.requestAndApprove("renew payments-api");

    expect(slack.sim.state.apps.named("payments-api").vnetName ?? "").toBe("");
    expect(final).toContain("Failed at step 2");
    expect(final).toContain("finish with `/vnet connect payments-api vnet-finance`");
    expect(thread.at(-1)).toContain("finish with `/vnet connect payments-api vnet-finance`");
    expect(thread.at(-1)).not.toContain("Run `/vnet renew payments-api` again");
  });

  it("says only that the app works as before when Azure reconnects it with the same certificate, not to renew or connect again", async () => {
    slack.sim.state.options.reconnectCertificate = "keep";

    const { final, thread } = await slack.requestAndApprove("renew payments-api");

    expect(final).toContain("Failed at step");
    expect(final).toContain("payments-api is connected to vnet-finance and works as before; running the renewal again now would restart it for the same answer.");
    for (const text of [final, thread.at(-1)!]) {
      expect(text).not.toContain("run the renewal again");
      expect(text).not.toContain("finish with `/vnet connect");
      expect(text).not.toContain("may still be among gateway");
    }
  });

  it("names the old root certificate left on the gateway, which the /vnet connect that finishes it does not remove", async () => {
    const old = slack.sim.state.certificateFor(ids.plan(PRODUCTION, "rg-apps", "plan-basic"), ids.vnet(PRODUCTION, "rg-network", "vnet-finance"))!;
    slack.sim.faults.add({ method: "PUT", path: "/sites/payments-api/virtualNetworkConnections/vnet-finance", status: 409, code: "Conflict", message: "Cannot modify this site because another operation is in progress.", times: 1 });

    const { final } = await slack.requestAndApprove("renew payments-api");
    const finished = await slack.requestAndApprove("connect payments-api vnet-finance");

    expect(final).toMatch(new RegExp(`the old one \\(${old.thumbprint}\\) may still be among gateway gw-finance's root certificates: remove it in the portal`, "i"));
    expect(finished.final).toMatch(/Done: (\d+) of \1 steps/);
    // As said: connect adds the new certificate and leaves the old one, which only the renewal knew to be old.
    expect(slack.sim.state.gateways.named("gw-finance").rootCertificates.some((root) => root.publicCertData === old.blob)).toBe(true);
  });
});

describe("an approval request that cannot be posted or recorded", () => {
  it("says it could not be posted, and leaves nothing pending, when Slack refuses the post", async () => {
    const failing = slack.api.fail("chat.postMessage", "not_in_channel");

    const answer = textOf(await slack.ask(PEOPLE.requester, "connect orders-worker vnet-hub"));
    failing.restore();

    expect(answer).toContain(`I could not post the approval request to <#${CHANNELS.approvals}>, so nothing will run.`);
    expect(await slack.stores.approvals.list(["pending"])).toEqual([]);
  });

  it("withdraws a posted request it could not record, taking its buttons off, rather than call it unposted", async () => {
    // The database refuses to record the message's reference, and only that.
    const db = new DatabaseSync(slack.dbPath);
    db.exec("CREATE TRIGGER refuse_message BEFORE UPDATE OF message_ts ON approvals BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END");
    db.close();

    const answer = textOf(await slack.ask(PEOPLE.requester, "connect orders-worker vnet-hub"));
    const [posted] = slack.api.workspace.messages(CHANNELS.approvals);

    expect(answer).toContain("I posted the approval request to");
    expect(answer).toContain("could not record it in my database, so I withdrew it and nothing will run");
    expect(textOf(slack.current(posted!))).toContain("Withdrawn by vnetbot: it could not record this request in its database");
    expect(JSON.stringify(slack.current(posted!)?.blocks)).not.toContain("Approve");
    expect(await slack.stores.approvals.list(["pending"])).toEqual([]);
    expect(slack.azureWrites()).toEqual([]);
  });

  it("says the request stays pending until it expires when the withdrawal cannot be recorded either", async () => {
    const db = new DatabaseSync(slack.dbPath);
    db.exec("CREATE TRIGGER refuse_updates BEFORE UPDATE ON approvals BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END");

    const answer = textOf(await slack.ask(PEOPLE.requester, "connect orders-worker vnet-hub"));
    db.exec("DROP TRIGGER refuse_updates");
    db.close();
    const [posted] = slack.api.workspace.messages(CHANNELS.approvals);

    expect(answer).toContain("could not record it in my database, nor withdraw it: it stays pending, holding its target, until it expires at");
    expect(answer).toContain("Ask again once it has expired (request `req1`");
    expect(textOf(slack.current(posted!))).toContain("nothing runs from this message. Request `req1` stays pending until");
    expect(JSON.stringify(slack.current(posted!)?.blocks)).not.toContain("Approve");
    expect((await slack.stores.approvals.list(["pending"])).map((r) => r.id)).toEqual(["req1"]);
  });

  it("says the message keeps its buttons, and that they work, when Slack refuses to update it as well", async () => {
    const db = new DatabaseSync(slack.dbPath);
    db.exec("CREATE TRIGGER refuse_updates BEFORE UPDATE ON approvals BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END");
    const updates = slack.api.fail("chat.update", "ratelimited");

    const answer = textOf(await slack.ask(PEOPLE.requester, "connect orders-worker vnet-hub"));
    db.exec("DROP TRIGGER refuse_updates");
    db.close();
    updates.restore();

    expect(answer).toContain("Its message still shows Approve and Reject (Slack did not take the update): an approval there runs the change");
    expect(answer).not.toContain("Nothing runs from that message");
  });
});
