// A plan's last app on a VNet stopped half-way: the integration is not migrated yet, and its gateway is still the way
// back (/vnet migrate rollback). Neither the countdown nor the digest's idle-gateway notice may say otherwise.
import { afterEach, beforeEach, expect, it } from "vitest";
import { runCertificateCheck } from "../../src/core/alerts/certificate-check.ts";
import { createLogger, silentLogger } from "../../src/log.ts";
import { demo } from "../support/demo-estate.ts";
import { CHANNELS, NOW, PEOPLE, refusedChange, requestIdOf, type SlackHarness, startSlackHarness, textOf } from "../support/slack-harness.ts";

let slack: SlackHarness;
let now: Date;
beforeEach(async () => {
  now = NOW;
  slack = await startSlackHarness({ clock: { now: () => now }, alerts: true });
});
afterEach(() => slack.close());

const deps = () => ({ reader: slack.azure.reader, subscriptions: slack.azure.subscriptions, store: slack.stores.alerts, chat: slack.bot.chat, channel: CHANNELS.alerts, logger: silentLogger });
async function approved(text: string) {
  const message = await slack.requestChange(text);
  await slack.click(PEOPLE.approver, "approve", requestIdOf(message), message);
  await slack.bot.idle();
  return textOf(slack.current(message));
}

it("does not count an integration as migrated, nor call its gateway idle, while its last app is stopped half-way", async () => {
  // gw-hub with nothing else on it: no site-to-site connections, no transit offered.
  for (const c of slack.sim.state.gatewayConnections.values()) slack.sim.state.gatewayConnections.delete(c.id);
  slack.sim.state.vnets.get(demo.vnet("vnet-hub"))!.peerings.length = 0;
  expect(await approved("migrate orders-api/staging vnet-hub/snet-staging --new-subnet 10.10.8.0/26")).toContain(":tada: Done");
  expect(await approved("migrate orders-api vnet-hub/snet-staging")).toContain(":tada: Done");
  const fault = slack.sim.faults.add({ method: "PUT", path: /orders-web\/networkConfig\/virtualNetwork$/i, status: 409, code: "Conflict", message: "There is another operation in progress on the site." });
  const stopped = await approved("migrate orders-web vnet-hub/snet-staging");
  slack.sim.faults.remove(fault);

  now = new Date(NOW.getTime() + 86_400_000);
  await runCertificateCheck(deps(), now);
  const digest = slack.api.workspace.messages(CHANNELS.alerts).map((m) => textOf(m)).join("\n");
  const list = textOf(await slack.ask(PEOPLE.bystander, "list --plan plan-orders --fresh"));

  expect(stopped).toContain("To put it back on the gateway now: `/vnet migrate rollback orders-web`");
  expect(digest).not.toContain("Gateway *gw-hub* (VNet vnet-hub) no longer serves any gateway-required integration");
  expect(list).toContain("0 of 1 integration migrated");
  expect(list).toContain("Mid-migration (running, or stopped half-way, when it may be without any VNet): orders-web.");
});

/** Migrates orders-api and its staging slot off vnet-hub, then stops orders-web's migration half-way. */
async function stopOrdersWebHalfWay() {
  for (const c of slack.sim.state.gatewayConnections.values()) slack.sim.state.gatewayConnections.delete(c.id);
  slack.sim.state.vnets.get(demo.vnet("vnet-hub"))!.peerings.length = 0;
  expect(await approved("migrate orders-api/staging vnet-hub/snet-staging --new-subnet 10.10.8.0/26")).toContain(":tada: Done");
  expect(await approved("migrate orders-api vnet-hub/snet-staging")).toContain(":tada: Done");
  const fault = slack.sim.faults.add({ method: "PUT", path: /orders-web\/networkConfig\/virtualNetwork$/i, status: 409, code: "Conflict", message: "There is another operation in progress on the site." });
  expect(await approved("migrate orders-web vnet-hub/snet-staging")).toContain("To put it back on the gateway now");
  slack.sim.faults.remove(fault);
}

/** Someone deletes the app (and so its slots) in the portal; returns what was deleted. */
function deleteApp(name: string) {
  const deleted = slack.sim.state.apps.values().filter((app) => app.id.toLowerCase() === demo.app(name).toLowerCase() || app.id.toLowerCase().startsWith(`${demo.app(name).toLowerCase()}/slots/`));
  for (const app of deleted) slack.sim.state.apps.delete(app.id);
  return deleted;
}

it("closes the migration of an app deleted half-way: the countdown stops naming it and its gateway can be called idle", async () => {
  await stopOrdersWebHalfWay();
  deleteApp("orders-web");

  now = new Date(NOW.getTime() + 86_400_000);
  await runCertificateCheck({ ...deps(), audit: slack.stores.audit }, now);
  const digest = slack.api.workspace.messages(CHANNELS.alerts).map((m) => textOf(m)).join("\n");
  const list = textOf(await slack.ask(PEOPLE.bystander, "list --plan plan-orders --fresh"));
  const audit = JSON.stringify((await slack.command(PEOPLE.bystander, "audit")).ack);

  expect(digest).toContain("Gateway *gw-hub* (VNet vnet-hub) no longer serves any gateway-required integration");
  expect(list).not.toContain("Mid-migration");
  expect(list).toContain("1 of 1 integration migrated");
  expect(audit).toContain("closed the migration of orders-web off vnet-hub: Azure no longer has the app");
});

it("keeps a migration mid-way when its app could not be read, and an app that is there stays mid-way", async () => {
  await stopOrdersWebHalfWay();
  const fault = slack.sim.faults.add({ method: "GET", path: /\/sites\/orders-web$/i, status: 500, code: "InternalServerError", message: "Something went wrong." });

  now = new Date(NOW.getTime() + 86_400_000);
  const lines: string[] = [];
  await runCertificateCheck({ ...deps(), audit: slack.stores.audit, logger: createLogger({ sink: (line) => lines.push(line) }) }, now);
  slack.sim.faults.remove(fault);
  const list = textOf(await slack.ask(PEOPLE.bystander, "list --plan plan-orders --fresh"));
  const audit = JSON.stringify((await slack.command(PEOPLE.bystander, "audit")).ack);

  expect(list).toContain("Mid-migration (running, or stopped half-way, when it may be without any VNet): orders-web.");
  expect(audit).not.toContain("closed the migration");
  // No digest was due to say it in: the log does.
  expect(lines.join("\n")).toMatch(/could not tell whether apps mid-way through a migration still exist.*orders-web, mid-way through its migration off vnet-hub, could not be read/);
  // The app is there: the next check leaves it mid-way too.
  await runCertificateCheck({ ...deps(), audit: slack.stores.audit }, new Date(now.getTime() + 86_400_000));
  expect(textOf(await slack.ask(PEOPLE.bystander, "list --plan plan-orders"))).toContain("Mid-migration");
});

it("does not roll back a new app of the same name by the closed record of the deleted one", async () => {
  await stopOrdersWebHalfWay();
  const deleted = deleteApp("orders-web");
  now = new Date(NOW.getTime() + 86_400_000);
  await runCertificateCheck({ ...deps(), audit: slack.stores.audit }, now);
  // Created again under the same name: the same resource id, with no integration of any kind.
  for (const app of deleted) slack.sim.state.apps.set(app);

  const answer = await refusedChange(slack, "migrate rollback orders-web");

  expect(answer).toContain("vnetbot's record of migrating orders-web is of an earlier app of that name, deleted before its migration ended");
});
