// Pleasant at the keyboard: typos get a suggestion, help explains a family of commands, answers replace their
// "Working on …" placeholder, --share posts a read's answer for the whole channel, and /vnet approvals says where
// each request was made.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHANNELS, PEOPLE, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";

let slack: SlackHarness;
beforeAll(async () => {
  slack = await startSlackHarness();
});
afterAll(() => slack.close());

describe("did you mean", () => {
  it.each([
    ["a swapped pair of letters", "lsit", "There is no `/vnet lsit` command. Did you mean `/vnet list`?", "Usage: `/vnet list [--subscription ID] [--plan PLAN] [--fresh]`"],
    ["a second word of a two-word command", "route ad plan-orders vnet-hub 10.0.0.0/16", "There is no `/vnet route ad` command. Did you mean `/vnet route add`?", "Usage: `/vnet route add PLAN VNET CIDR|START-END`"],
    ["the first word of a two-word command", "rout remove plan-orders vnet-hub r1", "There is no `/vnet rout` command. Did you mean `/vnet route remove`?", "Usage: `/vnet route remove PLAN VNET ROUTE`"],
    ["a missing letter", "gateway", "There is no `/vnet gateway` command. Did you mean `/vnet gateways`?", "Usage: `/vnet gateways [--fresh]`"],
  ])("suggests the command for %s, with its usage, and calls nothing", async (_name, text, message, usage) => {
    const before = slack.sim.requests.length;

    const { ack } = await slack.command(PEOPLE.bystander, text);

    expect(ack?.text).toBe(message);
    expect(JSON.stringify(ack?.blocks)).toContain(usage);
    expect(slack.sim.requests.length).toBe(before);
  });

  it("suggests nothing for a word far from every command", async () => {
    const { ack } = await slack.command(PEOPLE.bystander, "frobnicate");

    expect(ack?.text).toBe("There is no `/vnet frobnicate` command.");
  });
});

describe("help for a family of commands", () => {
  it("explains route add and route remove for /vnet help route", async () => {
    const { ack } = await slack.command(PEOPLE.bystander, "help route");

    const shown = JSON.stringify(ack?.blocks);
    expect(ack?.text).toBe("/vnet route …: 2 commands: route add, route remove");
    expect(shown).toContain("`/vnet route add PLAN VNET CIDR|START-END`\\nAdd a plan route for an address range (approval).");
    expect(shown).toContain("`/vnet route remove PLAN VNET ROUTE`\\nRemove a plan route, by name or range (approval).");
  });

  it("explains migrate with the commands that start with it, rollback and peer, for /vnet help migrate", async () => {
    const { ack } = await slack.command(PEOPLE.bystander, "help migrate");

    const shown = JSON.stringify(ack?.blocks);
    expect(ack?.text).toBe("/vnet migrate …: 3 commands: migrate, migrate peer, migrate rollback");
    expect(shown).toContain("`/vnet migrate APP [SUBNET]`, or `/vnet migrate PLAN VNET [SUBNET]`");
    expect(shown).toContain("`/vnet migrate rollback APP|PLAN [VNET]`");
  });

  it("suggests the command a typo in help meant", async () => {
    const { ack } = await slack.command(PEOPLE.bystander, "help lsit");

    expect(ack?.text).toBe("There is no `/vnet lsit` command. Did you mean `/vnet help list`?");
  });
});

describe("the answer to a command", () => {
  it("replaces its Working on placeholder rather than adding a second message", async () => {
    const { responseUrl } = await slack.command(PEOPLE.bystander, "routes plan-orders vnet-hub");
    await slack.bot.idle();

    const answer = slack.api.calls.findLast((c) => c.method === "response_url");
    expect(answer?.args).toMatchObject({ replace_original: true, response_type: "ephemeral" });
    expect(String(answer?.args["text"])).toBe("Routes of plan-orders into vnet-hub: 1 route");
    expect(responseUrl).toBeTruthy();
  });

  it("takes the place of the placeholder in the Slack stand-in, as Slack replaces an ephemeral original", async () => {
    const responseUrl = slack.api.responseUrl({ channel: CHANNELS.ops, user: PEOPLE.bystander });
    slack.api.workspace.postEphemeral({ channel: CHANNELS.ops, user: PEOPLE.bystander, text: "Working on it…", blocks: [], responseUrlId: responseUrl.split("/").at(-1) });
    const before = slack.api.workspace.ephemerals(PEOPLE.bystander).length;

    await fetch(responseUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text: "The answer", replace_original: true, response_type: "ephemeral" }) });

    expect(slack.api.workspace.ephemerals(PEOPLE.bystander)).toHaveLength(before);
    expect(slack.api.workspace.ephemerals(PEOPLE.bystander).at(-1)?.text).toBe("The answer");
  });
});

describe("--share", () => {
  it("posts a read's answer in the channel, saying who asked, and tells the asker", async () => {
    const before = slack.api.workspace.messages(CHANNELS.ops).length;

    await slack.command(PEOPLE.bystander, "routes plan-orders vnet-hub --share");
    await slack.bot.idle();

    const shared = slack.api.workspace.messages(CHANNELS.ops).slice(before);
    expect(shared).toHaveLength(1);
    expect(shared[0]!.text).toBe("Routes of plan-orders into vnet-hub: 1 route");
    expect(textOf(shared[0])).toContain(`Shared by <@${PEOPLE.bystander}>: \`/vnet routes plan-orders vnet-hub --share\``);
    expect(textOf(shared[0])).toContain("`onprem-datacenter` (192.168.0.0/16, STATIC)");
    expect(slack.api.workspace.ephemerals(PEOPLE.bystander).at(-1)?.text).toBe(":white_check_mark: Shared in this channel.");
  });

  it("shares an instant command's answer in the acknowledgement itself", async () => {
    const { ack } = await slack.command(PEOPLE.bystander, "approvals --share");

    expect(ack?.response_type).toBe("in_channel");
    expect(JSON.stringify(ack?.blocks)).toContain(`Shared by <@${PEOPLE.bystander}>`);
  });

  it("keeps help to the asker, since it says what the asker may do", async () => {
    const { ack } = await slack.command(PEOPLE.bystander, "help --share");

    expect(ack?.response_type).not.toBe("in_channel");
    expect(JSON.stringify(ack?.blocks)).not.toContain("Shared by");
    expect(ack?.text).toBe("`--share` is not an option of `/vnet help`.");
  });

  it("keeps a failed answer to the asker", async () => {
    const before = slack.api.workspace.messages(CHANNELS.ops).length;

    await slack.command(PEOPLE.bystander, "show no-such-app --share");
    await slack.bot.idle();

    expect(slack.api.workspace.messages(CHANNELS.ops).length).toBe(before);
    expect(slack.api.workspace.ephemerals(PEOPLE.bystander).at(-1)?.text).toContain("no-such-app");
  });

  it("is not an option of a change", async () => {
    const { ack } = await slack.command(PEOPLE.requester, "disconnect orders-web --share");

    expect(ack?.text).toBe("`--share` is not an option of `/vnet disconnect`.");
  });
});

describe("/vnet approvals", () => {
  it("names the channel each request was made in, and where its approval message is", async () => {
    await slack.requestChange("connect orders-worker vnet-hub");

    const { ack } = await slack.command(PEOPLE.bystander, "approvals");

    expect(JSON.stringify(ack?.blocks)).toContain(`asked by <@${PEOPLE.requester}> in <#${CHANNELS.ops}> (approval in <#${CHANNELS.approvals}>) at`);
  });
});
