import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { signatureHeaders } from "../../src/stand-ins/slack/signing.ts";
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
    ["a malformed app name", "connect -app- vnet1", "`-app-` is not a valid APP: give an app name, resource-group/name, or a full resource id."],
    ["a malformed range", "route add plan1 vnet1 10.0.0.0/33", "10.0.0.0/33"],
    ["an incomplete noun", "route", "`/vnet route` needs one of: `route add`, `route remove`."],
    ["a listing under the noun of the changes", "route list plan1 vnet1", "`/vnet route` needs one of: `route add`, `route remove`. Did you mean `/vnet routes`?"],
    ["a long unknown command with backticks", `${"`".repeat(70)}`, `There is no \`/vnet ${"'".repeat(60)}…\` command.`],
    ["an unknown command that would mention the channel", "<!channel>", "There is no `/vnet &lt;!channel&gt;` command."],
    ["help for a command name that would link", "help <https://evil.example|connect>", "`&lt;https://evil.example|connect&gt;` is not a command name."],
    ["an option given twice", "migrate orders-web --new-subnet 10.10.8.0/26 --new-subnet 10.10.9.0/26", "`--new-subnet` is given twice: give it once."],
    ["a typo of a migrate form that leaves too many arguments", "migrate peers plan1 vnet1 vnet2", "Did you mean `/vnet migrate peer plan1 vnet1 vnet2`?"],
  ])("answers %s with the usage line and never calls Azure", async (_name, text, message) => {
    const { ack } = await slack.command(PEOPLE.requester, text);

    expect(ack?.text).toContain(message);
    expect(ack?.text).not.toMatch(/<[!@#h]/);
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

  it("tells a user outside the operators that they may only read, and once their groups are looked up that they may not approve", async () => {
    await slack.close();
    slack = await startSlackHarness({ azure, operators: ["U0OPERATE"] });

    const { ack } = await slack.command(PEOPLE.bystander, "help");

    expect(JSON.stringify(ack?.blocks)).toContain("You may not request changes (only operators may)");
    expect(JSON.stringify(ack?.blocks)).toContain("Whether you may approve depends on an approvers user group I am still looking up");
    await vi.waitFor(async () => expect(JSON.stringify((await slack.command(PEOPLE.bystander, "help")).ack?.blocks)).toContain("You may not approve change requests."));
  });

  it("answers at once while Slack's user-group lookup hangs, and says what it could not check yet", async () => {
    const lookup = slack.api.hold("usergroups.users.list");
    try {
      // The lookup is held until the end of the test: an ack that waited for it would never come.
      const { status, ack } = await slack.command(PEOPLE.groupApprover, "help");

      expect(status).toBe(200);
      expect(JSON.stringify(ack?.blocks)).toContain("/vnet route add PLAN VNET CIDR|START-END");
      expect(JSON.stringify(ack?.blocks)).toContain("Whether you may approve depends on an approvers user group I am still looking up");
      await lookup.reached;
    } finally {
      lookup.release();
    }
  });

  it("still answers when the user-group lookup fails", async () => {
    const failing = slack.api.fail("usergroups.users.list", "ratelimited");
    try {
      await slack.command(PEOPLE.groupApprover, "help");

      const { ack } = await slack.command(PEOPLE.groupApprover, "help");

      expect(ack?.text).toBe("vnetbot: gateway-required VNet integration: vnetbot commands");
      expect(JSON.stringify(ack?.blocks)).toContain("/vnet connect APP VNET");
      expect(slack.api.calls.some((c) => c.method === "usergroups.users.list" && c.error === "ratelimited")).toBe(true);
    } finally {
      failing.restore();
    }
  });

  it("tells a member of an approvers group that they may approve once the group is looked up", async () => {
    await slack.command(PEOPLE.groupApprover, "help");

    await vi.waitFor(async () => expect(JSON.stringify((await slack.command(PEOPLE.groupApprover, "help")).ack?.blocks)).toContain("You may approve or reject other people's change requests."));
  });
});

describe("host and number arguments, checked before anything reaches Azure", () => {
  it.each([
    ["a port out of range", "tcpping app1 sql.contoso.internal:99999", "the port must be a number from 1 to 65535", "/vnet tcpping APP HOST:PORT"],
    ["tcpping without a port", "tcpping app1 sql.contoso.internal", "has no port", "/vnet tcpping APP HOST:PORT"],
    ["a URL", "diagnose app1 https://sql.contoso.internal", "is a URL", "/vnet diagnose APP [HOST[:PORT]]"],
    ["an IPv6 address", "diagnose app1 fe80::1", "IPv6", "/vnet diagnose APP [HOST[:PORT]]"],
    ["a malformed host name", "diagnose app1 -bad-.example:443", "is not a valid host name", "/vnet diagnose APP [HOST[:PORT]]"],
    ["a port given to resolve", "resolve app1 sql.contoso.internal:53", "has a port; give the host name only", "/vnet resolve APP HOST"],
    ["a host that would mention the channel", "resolve app1 <!channel>", "`&lt;!channel&gt;` is not a host", "/vnet resolve APP HOST"],
    ["no months", "expiring 0", "MONTHS must be a whole number from 1 to 24, not `0`.", "/vnet expiring [MONTHS] [--fresh]"],
    ["more months than the window allows", "expiring 100", "MONTHS must be a whole number from 1 to 24, not `100`.", "/vnet expiring [MONTHS] [--fresh]"],
  ])("refuses %s in the acknowledgement, with the usage line", async (_name, text, message, usage) => {
    const { ack } = await slack.command(PEOPLE.bystander, text);
    await slack.bot.idle();

    expect(ack?.text).toContain(message);
    expect(JSON.stringify(ack?.blocks)).toContain(`Usage: \`${usage}\``);
    expect(azure.sim.requests).toEqual([]);
  });
});
