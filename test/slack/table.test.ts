import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { commands, createCommandTable } from "../../handlers/index.ts";
import { help } from "../../handlers/help.ts";
import { parseCommand } from "../../src/slack/parse-command.ts";
import { renderReply, LIMITS } from "../../src/slack/render.ts";
import { blockRefusal } from "../../src/stand-ins/slack/web-api.ts";
import { ACTIONS, textReply, type ReplyButton } from "../../src/core/reply.ts";

const manifest = parse(readFileSync(join(import.meta.dirname, "../../manifest.yml"), "utf8"));

describe("command table and manifest", () => {
  it("lists every command of the table in the manifest's usage hint, in order", () => {
    const [vnet] = manifest.features.slash_commands;

    expect(vnet.command).toBe("/vnet");
    expect(vnet.usage_hint.split(" | ")).toEqual(commands.map((c) => c.name));
  });

  it("asks for the minimal bot scopes and enables interactivity for the buttons", () => {
    expect(manifest.oauth_config.scopes.bot).toEqual(["commands", "chat:write", "chat:write.public", "usergroups:read", "users:read"]);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });

  it("refuses two commands with the same name", () => {
    expect(() => createCommandTable([help, help])).toThrow('Two /vnet commands are named "help"');
  });

  it("generates every usage line from the command's parameters", () => {
    expect(commands.map((c) => c.usage)).toEqual([
      "/vnet help [command]",
      "/vnet list [--subscription ID] [--plan PLAN] [--fresh]",
      "/vnet show APP [--fresh]",
      "/vnet plan PLAN [--fresh]",
      "/vnet routes PLAN VNET",
      "/vnet expiring [MONTHS] [--fresh]",
      "/vnet gateways [--fresh]",
      "/vnet migration [--subscription ID] [--plan PLAN] [--fresh]",
      "/vnet snooze ALERT DURATION REASON",
      "/vnet diagnose APP [HOST[:PORT]]",
      "/vnet tcpping APP HOST:PORT",
      "/vnet resolve APP HOST",
      "/vnet connect APP VNET",
      "/vnet disconnect APP",
      "/vnet sync PLAN VNET",
      "/vnet route add PLAN VNET CIDR|START-END",
      "/vnet route remove PLAN VNET ROUTE",
      "/vnet renew APP",
      "/vnet peer PLAN VNET REMOTE-VNET",
      "/vnet migrate [--new-subnet CIDR] APP|PLAN [SUBNET|VNET] [SUBNET] [--route-all]",
      "/vnet migrate peer PLAN VNET HUB-VNET",
      "/vnet migrate rollback APP|PLAN [VNET]",
      "/vnet approvals",
      "/vnet audit [N]",
    ]);
  });
});

describe("host arguments", () => {
  it.each([
    ["diagnose app1 sql.contoso.internal:1433", "sql.contoso.internal:1433"],
    ["diagnose app1 10.0.1.4", "10.0.1.4"],
    ["tcpping app1 10.0.1.4:443", "10.0.1.4:443"],
    ["resolve app1 sql.contoso.internal", "sql.contoso.internal"],
  ])("accepts %s", (text, host) => {
    expect(parseCommand(commands, text).args.text("HOST")).toBe(host);
  });
});

describe("rendering within Slack's limits", () => {
  it("keeps a 200-item reply within 50 blocks and says how many were left out", () => {
    const reply = { ...textReply("many"), title: "x".repeat(300), parts: Array.from({ length: 200 }, (_, i) => ({ kind: "text" as const, text: `item ${i}` })) };

    const { blocks } = renderReply(reply);

    expect(blocks).toHaveLength(LIMITS.blocks);
    expect((blocks[0] as { text: { text: string } }).text.text.length).toBeLessThanOrEqual(LIMITS.header);
    expect(JSON.stringify(blocks.at(-1))).toContain("and 152 more lines not shown");
  });

  it("splits a long text into sections of at most 3000 characters without losing lines", () => {
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i} ${"x".repeat(20)}`);

    const { blocks } = renderReply(textReply(lines.join("\n")));

    const texts = blocks.map((b) => (b as { text: { text: string } }).text.text);
    expect(texts.every((t) => t.length <= LIMITS.sectionText)).toBe(true);
    expect(texts.join("\n")).toBe(lines.join("\n"));
  });

  it("keeps 400 long lines within 12,000 characters of blocks, showing the first ones and counting the rest", () => {
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i} ${"x".repeat(90)}`);

    const { blocks } = renderReply({ ...textReply(lines.join("\n")), title: "Audit" });

    expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(LIMITS.totalBlocks);
    expect(blockRefusal(blocks)).toBeUndefined();
    const shown = blocks.filter((b) => b.type === "section").flatMap((b) => (b as { text: { text: string } }).text.text.split("\n"));
    expect(shown).toEqual(lines.slice(0, shown.length));
    expect(JSON.stringify(blocks.at(-1))).toContain(`and ${400 - shown.length} more lines not shown`);
  });

  it("puts at most 25 buttons in an actions block", () => {
    const buttons: ReplyButton[] = Array.from({ length: 30 }, (_, i) => ({ actionId: ACTIONS.alertRenew, label: `Renew ${i}`, value: `alert-${i}` }));

    const { blocks } = renderReply({ text: "many", parts: [{ kind: "buttons", buttons }] });

    expect(blocks.map((b) => (b as { elements: unknown[] }).elements.length)).toEqual([25, 5]);
  });

  it("leaves out a button whose value Slack would refuse, and says so", () => {
    const buttons: ReplyButton[] = [
      { actionId: ACTIONS.approve, label: "Approve", value: "req1" },
      { actionId: ACTIONS.reject, label: "Reject", value: "r".repeat(LIMITS.buttonValue + 1) },
    ];

    const { blocks } = renderReply({ text: "decide", parts: [{ kind: "text", text: "decide" }, { kind: "buttons", buttons }] });

    expect(blockRefusal(blocks)).toBeUndefined();
    expect(JSON.stringify(blocks)).toContain("and 1 button not shown");
    expect(JSON.stringify(blocks)).toContain('"value":"req1"');
  });

  it("keeps the buttons when the text around them is cut", () => {
    const reply = { text: "long", parts: [{ kind: "text" as const, text: "y".repeat(2_900) }, { kind: "text" as const, text: Array.from({ length: 200 }, (_, i) => `entry ${i} ${"z".repeat(60)}`).join("\n") }, { kind: "buttons" as const, buttons: [{ actionId: ACTIONS.approve, label: "Approve", value: "req1" }] }] };

    const { blocks } = renderReply(reply);

    expect(blockRefusal(blocks)).toBeUndefined();
    expect(blocks.at(-1)?.type).toBe("actions");
    expect(JSON.stringify(blocks.at(-2))).toMatch(/and \d+ more lines not shown/);
  });
});
