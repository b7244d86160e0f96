import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webApi } from "@slack/bolt";
import { blockRefusal } from "../../src/stand-ins/slack/web-api.ts";
import { LIMITS, renderReply } from "../../src/slack/render.ts";
import { parseEstate } from "../../src/stand-ins/arm/index.ts";
import { startAzureHarness } from "../support/azure-harness.ts";
import { NOW, PEOPLE, startSlackHarness, textOf, type SlackHarness } from "../support/slack-harness.ts";

const SUB = "0b0b0b0b-1111-2222-3333-444444444444";

// 40 plans with 3 apps on each of 5 VNets: 200 integrations, far more than one Slack message shows.
const longEstate = parseEstate({
  subscriptions: [{
    id: SUB,
    resourceGroups: [{
      name: "rg-many",
      plans: Array.from({ length: 40 }, (_, p) => ({ name: `plan-${p}`, sku: { name: "S1", tier: "Standard" } })),
      apps: Array.from({ length: 40 * 15 }, (_, i) => ({ name: `app-with-a-long-name-${i}`, plan: `plan-${i % 40}`, vnetConnection: { vnet: `vnet-${Math.floor(i / 40) % 5}` } })),
      vnets: Array.from({ length: 5 }, (_, v) => ({ name: `vnet-${v}`, addressSpace: [`10.${v}.0.0/16`], subnets: [{ name: "GatewaySubnet", addressPrefix: `10.${v}.255.0/27` }] })),
      gateways: Array.from({ length: 5 }, (_, v) => ({ name: `gw-${v}`, vnet: `vnet-${v}`, addressPool: [`172.16.${v}.0/24`], protocols: ["SSTP"] })),
    }],
  }],
});

describe("long answers within one Slack message", () => {
  let slack: SlackHarness;
  beforeAll(async () => {
    slack = await startSlackHarness({ azure: await startAzureHarness({ estate: longEstate, now: () => NOW }) });
  });
  afterAll(async () => {
    await slack.close();
    await slack.azure.close();
  });

  it("answers /vnet audit 200 after 300 long audit records with what fits and how many lines were left out", async () => {
    for (let i = 0; i < 300; i++) {
      await slack.stores.audit.append({ at: NOW, actor: PEOPLE.requester, action: "request", requestId: `req${i}`, summary: `Connect app-with-a-long-name-${i} to vnet-${i % 5} (/vnet connect app-with-a-long-name-${i} vnet-${i % 5})`, azureRequestIds: [] });
    }

    const { ack } = await slack.command(PEOPLE.bystander, "audit 200");

    expect(blockRefusal(ack?.blocks ?? [])).toBeUndefined();
    expect(JSON.stringify(ack?.blocks)).toContain("req299");
    expect(JSON.stringify(ack?.blocks)).toMatch(/…and \d+ more lines not shown: one Slack message holds only so much\. Narrow it with/);
  });

  it("posts a list of 200 integrations through the response URL, cut to what Slack accepts", async () => {
    const answer = await slack.ask(PEOPLE.bystander, "list");

    expect(textOf(answer)).toContain("200 gateway-required integrations");
    expect(JSON.stringify(answer?.blocks).length).toBeLessThanOrEqual(LIMITS.totalBlocks);
    expect(textOf(answer)).toMatch(/…and \d+ more lines not shown/);
    expect(slack.api.calls.filter((c) => c.method === "response_url").every((c) => c.ok)).toBe(true);
  });

  it("keeps the kept inventory's age in a list cut to one message", async () => {
    await slack.ask(PEOPLE.bystander, "list");

    const answer = await slack.ask(PEOPLE.bystander, "list");

    expect(textOf(answer)).toMatch(/…and \d+ more lines not shown/);
    expect(textOf(answer)).toContain("Inventory as of 09:00 UTC (under a minute ago); `--fresh` reads Azure now.");
  });
});

describe("the local Web API refuses what Slack refuses", () => {
  let slack: SlackHarness;
  let client: webApi.WebClient;
  beforeAll(async () => {
    slack = await startSlackHarness();
    client = new webApi.WebClient("xoxb-test-token", { slackApiUrl: slack.api.url, retryConfig: { retries: 0 } });
  });
  afterAll(() => slack.close());

  const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });
  const button = (value: string, i = 0) => ({ type: "button", action_id: `a${i}`, text: { type: "plain_text", text: "Go" }, value });

  it.each([
    ["51 blocks", Array.from({ length: 51 }, () => section("x")), "invalid_blocks"],
    ["a section of 3001 characters", [section("x".repeat(3001))], "invalid_blocks"],
    ["a header of 151 characters", [{ type: "header", text: { type: "plain_text", text: "h".repeat(151) } }], "invalid_blocks"],
    ["an actions block of 26 buttons", [{ type: "actions", elements: Array.from({ length: 26 }, (_, i) => button("v", i)) }], "invalid_blocks"],
    ["a button value of 2001 characters", [{ type: "actions", elements: [button("v".repeat(2001))] }], "invalid_blocks"],
    ["five full sections, each within its own limit", Array.from({ length: 5 }, () => section("x".repeat(2900))), "msg_blocks_too_long"],
  ])("refuses %s", async (_name, blocks, error) => {
    const post = client.chat.postMessage({ channel: "C0OPS", text: "t", blocks: blocks as never });

    await expect(post).rejects.toMatchObject({ data: { error } });
  });

  it("takes what the renderer makes of the same five sections", async () => {
    const rendered = renderReply({ text: "t", parts: Array.from({ length: 5 }, () => ({ kind: "text" as const, text: "x".repeat(2900) })) });

    const answer = await client.chat.postMessage({ channel: "C0OPS", ...rendered });

    expect(answer.ok).toBe(true);
  });
});
