import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signatureHeaders } from "../../src/slack/signing.ts";
import { expectGolden } from "../support/slack-golden.ts";
import { startAzureHarness, type AzureHarness } from "../support/azure-harness.ts";
import { PEOPLE, SIGNING_SECRET, startSlackHarness, type SlackHarness } from "../support/slack-harness.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "../fixtures/slack", name), "utf8");

// None of these commands may reach Azure, so one demo estate serves the file and its request log must stay empty.
let azure: AzureHarness;
let slack: SlackHarness;
beforeAll(async () => {
  azure = await startAzureHarness({ estate: "demo" });
});
afterAll(() => azure.close());
beforeEach(async () => {
  slack = await startSlackHarness({ azure });
});
afterEach(() => slack.close());

describe("/vnet commands over signed HTTP", () => {
  it("answers /healthz with 200 once started", async () => {
    const response = await fetch(`${slack.base}/healthz`);

    expect(response.status).toBe(200);
  });

  it("answers help in the acknowledgement itself, listing every command", async () => {
    const { status, ack } = await slack.command(PEOPLE.bystander, "help");

    expect(status).toBe(200);
    expect(ack?.response_type).toBe("ephemeral");
    expect(JSON.stringify(ack?.blocks)).toContain("/vnet route add PLAN VNET CIDR|START-END");
  });

  it.each([
    ["an unknown command", "frobnicate app1", "There is no `/vnet frobnicate` command."],
    ["a missing argument", "connect app1", "Missing VNET."],
    ["an extra argument", "disconnect app1 vnet1", "Too many arguments: `vnet1` is more than `/vnet disconnect` takes."],
    ["a malformed app name", "connect -app- vnet1", "`-app-` is not a valid APP"],
    ["a malformed range", "route add plan1 vnet1 10.0.0.0/33", "10.0.0.0/33"],
    ["an incomplete noun", "route", "`/vnet route` needs one of: `route add`, `route remove`."],
  ])("answers %s with the usage line and never calls Azure", async (_name, text, message) => {
    const { ack } = await slack.command(PEOPLE.requester, text);

    expect(ack?.text).toContain(message);
    expect(JSON.stringify(ack?.blocks)).toMatch(/Usage:|\/vnet help/);
    await slack.bot.idle();
    expect(azure.sim.requests).toEqual([]);
  });

  it("refuses a forged signature with 401 and runs nothing", async () => {
    const body = fixture("slash-command.docs-example.form.txt").trim().replace("command=/weather", "command=/vnet").replace("text=94070", "text=help");
    const headers = signatureHeaders("not-the-secret", body, Math.floor(Date.now() / 1000));

    const response = await slack.post(body, headers);

    expect(response.status).toBe(401);
  });

  it("refuses a correctly signed but stale request with 401", async () => {
    const body = fixture("slash-command.docs-example.form.txt").trim().replace("command=/weather", "command=/vnet").replace("text=94070", "text=help");
    const headers = signatureHeaders(SIGNING_SECRET, body, Math.floor(Date.now() / 1000) - 6 * 60);

    const response = await slack.post(body, headers);

    expect(response.status).toBe(401);
  });

  it("accepts Slack's documented slash-command payload shape", async () => {
    const body = fixture("slash-command.docs-example.form.txt").trim().replace("command=/weather", "command=/vnet").replace("text=94070", "text=help");

    const response = await slack.post(body, signatureHeaders(SIGNING_SECRET, body, Math.floor(Date.now() / 1000)));

    expect(response.status).toBe(200);
    expect(await response.text()).toContain("/vnet connect APP VNET");
  });

  it("says so when no change requests are pending", async () => {
    const { ack } = await slack.command(PEOPLE.bystander, "approvals");

    expect(ack?.text).toBe("No change requests are waiting for a decision.");
  });
});

describe("help", () => {
  it("renders the command list for a user who may request and approve (golden)", async () => {
    const { ack } = await slack.command("U0APPROVE", "help");

    expectGolden("help", ack?.blocks);
  });

  it("tells a user outside the operators that they may only read", async () => {
    await slack.close();
    slack = await startSlackHarness({ azure, operators: ["U0OPERATE"] });

    const { ack } = await slack.command(PEOPLE.bystander, "help");

    expect(JSON.stringify(ack?.blocks)).toContain("You may not request changes (only operators may)");
    expect(JSON.stringify(ack?.blocks)).toContain("You may not approve change requests.");
  });
});
