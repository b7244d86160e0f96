// The local-mode playground end to end in a real headless Chromium: the whole local stack (simulated Azure, the
// Slack stand-in, the real Bolt app) started as `npm start` starts it, driven only through the page.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { LOCAL_PEOPLE } from "../../src/local/local-environment.ts";
import { silentLogger } from "../../src/log.ts";
import { startBot, type RunningBot } from "../../src/start-bot.ts";
import { commands } from "../../handlers/index.ts";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const ORDERS_WEB = "/subscriptions/6f1c2b7e-0d4a-4c1e-9a55-3c2d1e0f9a01/resourceGroups/rg-apps/providers/Microsoft.Web/sites/orders-web";
const [OPERATOR, APPROVER] = LOCAL_PEOPLE;
// Without Chromium the test is skipped on a developer's machine only; CI must run it (.ci/run installs Chromium).
const canRun = existsSync(CHROMIUM) || Boolean(process.env["CI"]);
const title = canRun ? "local playground in a browser" : `local playground in a browser (SKIPPED: ${CHROMIUM} is not installed; apt-get install chromium)`;

let dir: string;
let bot: RunningBot;
let browser: BrowserContext;
let page: Page;

beforeAll(async () => {
  if (!canRun) return;
  dir = mkdtempSync(join(tmpdir(), "vnetbot-playground-"));
  const file = `storage:\n  sqlitePath: ${JSON.stringify(join(dir, "vnetbot.sqlite"))}\n`;
  const { config } = loadConfig({ VNETBOT_CONFIG: "vnetbot.yaml", VNETBOT_LOCAL: "1" }, () => file);
  bot = await startBot({ config, logger: silentLogger, clock: { now: () => new Date() }, commands, jobs: () => [], port: 0 });
  browser = await chromium.launchPersistentContext(join(dir, "chromium-profile"), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(15_000);
  await page.goto(`http://localhost:${bot.port}/`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await bot?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const message = (text: string) => page.locator("article", { hasText: text });
const openChannel = (name: string) => page.getByRole("navigation", { name: "Channels" }).getByRole("button", { name: new RegExp(`^# ${name}`) }).click();
async function type(text: string): Promise<void> {
  await page.getByRole("textbox", { name: "Message" }).fill(text);
  await page.getByRole("textbox", { name: "Message" }).press("Enter");
}
async function actAs(person: (typeof LOCAL_PEOPLE)[number]): Promise<void> {
  await page.getByRole("combobox", { name: "You are" }).selectOption(person.id);
}

/** Runs a step; on failure saves a screenshot next to the other test output (git-ignored) and names it. */
async function step(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    mkdirSync("test-results", { recursive: true });
    const path = join("test-results", `playground-${name.replace(/\W+/g, "-")}.png`);
    await page.screenshot({ path, fullPage: true }).catch(() => undefined);
    throw new Error(`${name}: ${(error as Error).message}\nscreenshot: ${path}`, { cause: error });
  }
}

describe.skipIf(!canRun)(title, () => {
  it("lists, asks for a disconnect, refuses self-approval, and runs it once an approver clicks Approve", { timeout: 90_000 }, async () => {
    await step("list", async () => {
      await type("/vnet list");

      await message("Gateway-required integrations").getByText("orders-web").first().waitFor();
      // The answer took the place of the "Working on …" placeholder, as in Slack.
      expect(await message("Working on /vnet list").count()).toBe(0);
    });

    await step("request", async () => {
      await type("/vnet disconnect orders-web");

      await message("Approval requested in #approvals").waitFor();
    });

    await step("self-approval", async () => {
      await openChannel("approvals");
      await message("Change request").getByRole("button", { name: "Approve" }).click();

      await message("You asked for this change, so another approver has to decide it.").waitFor();
      expect(bot.local!.sim.state.connectionsOf(ORDERS_WEB)).toHaveLength(1);
    });

    await step("approval", async () => {
      await actAs(APPROVER);
      await message("Change request").getByRole("button", { name: "Approve" }).waitFor();
      expect(await message("You asked for this change").count()).toBe(0);

      await message("Change request").getByRole("button", { name: "Approve" }).click();

      await message("Change request").getByText(/Done: \d+ of \d+ steps/).waitFor();
      expect(await message("Change request").count()).toBe(1);
      expect(await message("Change request").getByRole("button").filter({ hasText: /Approve|Reject/ }).count()).toBe(0);
      await message("Change request").getByText(`Approved by @${APPROVER.name}`).waitFor();
      await message(`You approved`).waitFor();
    });

    await step("thread and result", async () => {
      await message("Change request").getByRole("button", { name: /repl(y|ies)$/ }).click();
      await message("Change request").getByRole("region", { name: "Thread" }).getByText(`@${OPERATOR.name} done`).waitFor();
      expect(bot.local!.sim.state.connectionsOf(ORDERS_WEB)).toEqual([]);
    });
  });
  it("renders Block Kit and mrkdwn, and shows markup in message text as text", async () => {
    const workspace = bot.local!.slack.workspace;
    const hostile = `<img src=x onerror="document.title='pwned'"> & <script>document.title='pwned'</script>`;

    await step("render", async () => {
      await openChannel("alerts");
      workspace.post({
        channel: "C0LOCALALR",
        threadTs: undefined,
        user: "U0VNETBOT",
        text: "fallback",
        blocks: [
          { type: "header", text: { type: "plain_text", text: `Header ${hostile}` } },
          { type: "section", text: { type: "mrkdwn", text: `*bold* and \`code\`\nsecond line with <https://example.com/docs|a link> for <@${APPROVER.id}>\n${hostile.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}` }, fields: [{ type: "mrkdwn", text: "*Field*\nvalue" }] },
          { type: "context", elements: [{ type: "mrkdwn", text: "a context line" }] },
          { type: "divider" },
        ],
      });

      const posted = message("a context line");
      await posted.waitFor();
      expect(await posted.locator("strong", { hasText: "bold" }).count()).toBe(1);
      expect(await posted.locator("code", { hasText: "code" }).count()).toBe(1);
      expect(await posted.getByRole("link", { name: "a link" }).getAttribute("href")).toBe("https://example.com/docs");
      expect(await posted.getByText(`@${APPROVER.name}`).count()).toBe(1);
      expect(await posted.locator("strong", { hasText: "Field" }).count()).toBe(1);
      expect(await posted.locator("hr").count()).toBe(1);
      expect(await posted.getByText(`Header ${hostile}`).count()).toBe(1);
      expect(await posted.getByText(hostile).count()).toBe(2);
      expect(await posted.locator("img, script").count()).toBe(0);
      expect(await page.title()).toBe("vnetbot playground");
    });
  });
  it("suggests the command a typo meant, explains a family in help, and shares an answer with the channel", async () => {
    await step("did you mean", async () => {
      await actAs(OPERATOR);
      await openChannel("ops");

      await type("/vnet lsit");

      await message("There is no /vnet lsit command. Did you mean /vnet list?").waitFor();
    });

    await step("help for a family", async () => {
      await type("/vnet help route");

      await message("/vnet route …").getByText("/vnet route remove PLAN VNET ROUTE").waitFor();
      expect(await message("/vnet route …").getByText("/vnet route add PLAN VNET CIDR|START-END").count()).toBe(1);
    });

    await step("share", async () => {
      await type("/vnet routes plan-orders vnet-hub --share");

      const shared = page.locator("article.message", { hasText: `Shared by @${OPERATOR.name}` });
      await shared.getByText("onprem-datacenter").waitFor();
      await message("Shared in this channel.").waitFor();
      expect(await message("Working on /vnet routes plan-orders vnet-hub --share").count()).toBe(0);
    });
  });

  it("assesses the migration, then moves inventory-api to regional integration with approval and shows it verified", { timeout: 90_000 }, async () => {
    await step("migration", async () => {
      await actAs(OPERATOR);
      await openChannel("ops");

      await type("/vnet migration");

      const verdicts = message("Moving to regional VNet integration");
      await verdicts.getByText("Ready: can move today").waitFor();
      await verdicts.getByText("/vnet migrate plan-inventory vnet-inventory snet-inventory-apps --route-all").waitFor();
    });

    await step("request", async () => {
      await type("/vnet migrate inventory-api --route-all");

      await message("Approval requested in #approvals").last().waitFor();
    });

    await step("approve and verify", async () => {
      await actAs(APPROVER);
      await openChannel("approvals");
      const request = message("Migrate inventory-api to regional integration");
      await request.getByText("Source addresses change").waitFor();

      await request.getByRole("button", { name: "Approve" }).click();

      await request.getByText(/Done: \d+ of \d+ steps/).waitFor();
      await request.getByRole("button", { name: /repl(y|ies)$/ }).click();
      await request.getByRole("region", { name: "Thread" }).getByText(/worker address 10\.86\.2\./).waitFor();
    });
  });

  it("draws Slack's emoji with the emoji font it ships, on a machine that has none", async () => {
    await step("emoji", async () => {
      await openChannel("alerts");
      bot.local!.slack.workspace.post({ channel: "C0LOCALALR", threadTs: undefined, user: "U0VNETBOT", text: "emoji", blocks: [{ type: "section", text: { type: "mrkdwn", text: ":white_check_mark: done, :x: failed, :warning: look" } }] });

      const line = message("done,");
      await line.waitFor();
      expect(await line.locator(".emoji").allTextContents()).toEqual(["✅", "❌", "⚠️"]);
      await page.evaluate("document.fonts.ready");

      // What Chromium drew each emoji with: the font it actually used for the glyphs, not what CSS asked for.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("DOM.enable");
      await cdp.send("CSS.enable");
      const { root } = await cdp.send("DOM.getDocument", { depth: -1 });
      const { nodeIds } = await cdp.send("DOM.querySelectorAll", { nodeId: root.nodeId, selector: "article .emoji" });
      const drawnWith = await Promise.all(nodeIds.slice(-3).map(async (nodeId) => (await cdp.send("CSS.getPlatformFontsForNode", { nodeId })).fonts.map((f) => f.familyName)));
      expect(drawnWith).toEqual([["Noto Emoji"], ["Noto Emoji"], ["Noto Emoji"]]);
      // And the glyph it drew has ink: a font can be chosen and still draw nothing (Chromium and colour-only fonts).
      // (A string, as this project's TypeScript has no DOM types.)
      const ink = await page.evaluate(`(async () => {
        await document.fonts.load("32px 'Noto Emoji'", "✅");
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = 48;
        const context = canvas.getContext("2d");
        context.font = "32px 'Noto Emoji'";
        context.fillText("✅", 4, 36);
        return context.getImageData(0, 0, 48, 48).data.filter((value, index) => index % 4 === 3 && value > 0).length;
      })()`);
      expect(ink).toBeGreaterThan(100);
    });
  });

  it("tells the user that only /vnet commands reach the bot", async () => {
    await step("not a command", async () => {
      await openChannel("ops");

      await type("hello bot");

      await message("Only /vnet commands reach the bot here. Try /vnet help.").waitFor();
    });
  });
});

describe("the playground's emoji", () => {
  it("has a character for every :emoji: code the bot writes", () => {
    const root = join(import.meta.dirname, "..", "..");
    const sources = ["src", "handlers"].flatMap((dir) => readdirSync(join(root, dir), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts")).map((f) => join(root, dir, f)));
    const used = new Set(sources.flatMap((file) => [...readFileSync(file, "utf8").matchAll(/(?<![\w:]):([a-z0-9_+-]+):(?![\w:])/g)].map((m) => m[1]!)));
    const script = readFileSync(join(root, "src", "local", "playground.js"), "utf8");

    const missing = [...used].filter((code) => !new RegExp(`\\b${code}: "`).test(script));

    expect(used.size).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });
});
