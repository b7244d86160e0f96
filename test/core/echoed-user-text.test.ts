// Every parser that quotes what a user typed back in its error must escape it where the message is built, so that
// the ack or the response-URL reply can neither notify (<!channel>, <!here>, <!subteam^…>, <@U…>) nor link.
import { describe, expect, it } from "vitest";
import { parseAddressRange, parseIpv4 } from "../../src/core/address-range.ts";
import { parseSnoozeDuration } from "../../src/core/alerts/snooze-alert.ts";
import { assertValidAzureName } from "../../src/core/azure-names.ts";
import { parseTarget } from "../../src/core/diagnose/parse-target.ts";
import { escapeMrkdwn } from "../../src/core/reply.ts";
import { parseResourceRef, resolveApp } from "../../src/core/resolve.ts";
import type { AzureReader } from "../../src/core/ports.ts";
import { BotError } from "../../src/errors.ts";

/** What Slack sends for @channel, @here, a user-group mention, a user mention and a labelled link. */
const HOSTILE = ["<!channel>", "<!here>", "<!subteam^S0GROUP|@oncall>", "<@U0APPROVE>", "<https://evil.example|click>"];
const SUBSCRIPTION = "00000000-0000-0000-0000-000000000001";

function refusalOf(parse: () => unknown): BotError {
  try {
    parse();
  } catch (error) {
    if (error instanceof BotError) return error;
    throw error;
  }
  throw new Error("the parser accepted the input");
}

async function asyncRefusalOf(parse: () => Promise<unknown>): Promise<BotError> {
  const error: unknown = await parse().then(() => undefined, (e: unknown) => e);
  if (error instanceof BotError) return error;
  throw new Error(`expected a BotError, got ${String(error)}`);
}

// A reader that must never be asked: the name is refused before any call to Azure.
const unusedReader = new Proxy({} as AzureReader, {
  get: (_target, method) => () => Promise.reject(new Error(`the reader was asked ${String(method)}`)),
});

const PARSERS: Array<[string, (input: string) => BotError | Promise<BotError>]> = [
  ["assertValidAzureName (app)", (input) => refusalOf(() => assertValidAzureName("app", input))],
  ["parseResourceRef (rg/plan)", (input) => refusalOf(() => parseResourceRef("plan", `rg-web/${input}`))],
  ["parseResourceRef (a/b/c)", (input) => refusalOf(() => parseResourceRef("vnet", `a/b/${input}`))],
  ["resolveApp (resource id)", (input) => asyncRefusalOf(() => resolveApp({ reader: unusedReader, subscriptions: [SUBSCRIPTION] }, `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-web/providers/Microsoft.Web/sites/${input}`))],
  ["resolveApp (wrong kind of id)", (input) => asyncRefusalOf(() => resolveApp({ reader: unusedReader, subscriptions: [SUBSCRIPTION] }, `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-web/providers/Microsoft.Web/${input}/x`))],
  ["parseIpv4", (input) => refusalOf(() => parseIpv4(input))],
  ["parseAddressRange (address)", (input) => refusalOf(() => parseAddressRange(input))],
  ["parseAddressRange (CIDR prefix)", (input) => refusalOf(() => parseAddressRange(`10.0.0.0/${input}`))],
  ["parseAddressRange (range end)", (input) => refusalOf(() => parseAddressRange(`10.0.0.0-${input}`))],
  ["parseTarget (host)", (input) => refusalOf(() => parseTarget(input))],
  ["parseTarget (host:port)", (input) => refusalOf(() => parseTarget(`${input}:443`, { requirePort: true }))],
  ["parseTarget (port)", (input) => refusalOf(() => parseTarget(`sql.contoso.internal:${input}`))],
  ["parseSnoozeDuration", (input) => refusalOf(() => parseSnoozeDuration(input))],
];

describe.each(PARSERS)("%s", (_name, refuse) => {
  it.each(HOSTILE)("quotes %s escaped, never as a mention or link", async (input) => {
    const error = await refuse(input);

    const shown = `${error.message}\n${error.hint ?? ""}`;
    expect(shown).not.toMatch(/<[!@#]|<https?:/);
    expect(shown).toContain(escapeMrkdwn(input).slice(0, 12));
  });
});
