import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { commands, createCommandTable } from "../../handlers/index.ts";
import { help } from "../../handlers/help.ts";
import { renderReply, LIMITS } from "../../src/slack/render.ts";
import { textReply } from "../../src/core/reply.ts";

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
      "/vnet list [--subscription ID] [--plan PLAN]",
      "/vnet show APP",
      "/vnet plan PLAN",
      "/vnet routes PLAN VNET",
      "/vnet expiring [MONTHS]",
      "/vnet gateways",
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
      "/vnet approvals",
      "/vnet audit [N]",
    ]);
  });
});

describe("rendering within Slack's limits", () => {
  it("keeps a 200-item reply within 50 blocks and says how many were left out", () => {
    const reply = { ...textReply("many"), title: "x".repeat(300), parts: Array.from({ length: 200 }, (_, i) => ({ kind: "text" as const, text: `item ${i}` })) };

    const { blocks } = renderReply(reply);

    expect(blocks).toHaveLength(LIMITS.blocks);
    expect((blocks[0] as { text: { text: string } }).text.text.length).toBeLessThanOrEqual(LIMITS.header);
    expect(JSON.stringify(blocks.at(-1))).toContain("and 152 more not shown");
  });

  it("splits a long text into sections of at most 3000 characters without losing lines", () => {
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i} ${"x".repeat(20)}`);

    const { blocks } = renderReply(textReply(lines.join("\n")));

    const texts = blocks.map((b) => (b as { text: { text: string } }).text.text);
    expect(texts.every((t) => t.length <= LIMITS.sectionText)).toBe(true);
    expect(texts.join("\n")).toBe(lines.join("\n"));
  });
});
