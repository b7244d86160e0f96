/**
 * A Fix button works for half an hour, and someone may fix the problem meanwhile (another engineer's sync, a renewal
 * from an alert). A sync or a renewal asked for nothing is still an outage for the plan's apps, and neither kind can
 * tell by itself that it is not needed (either may be asked for on purpose), so a click reads the integration again
 * and runs the checks the button was offered for. Route and peering fixes need no re-read here: their change kinds
 * refuse what is already there.
 */
import { isBotError, NothingToDo } from "../../errors.ts";
import { commandTextOf } from "../changes/registry.ts";
import type { ChangeRequest } from "../changes/types.ts";
import type { AzureReader, Clock } from "../ports.ts";
import type { CheckId } from "./diagnosis.ts";
import { checkIntegration } from "./integration-checks.ts";
import { readIntegration } from "./integration-facts.ts";
import type { FixRecheck } from "./fix-offers.ts";

/** The checks about the integration itself that offer a change (a sync or a renewal). */
const INTEGRATION_CHECKS = new Set<CheckId>(["certificate-on-gateway", "dns-servers", "resync", "certificate-expiry"]);

/**
 * Throws NothingToDo when every check the Fix was offered for passes now and no other check of the integration offers
 * the same change (a resync Azure still flags is told inside a failing check's evidence, with no check of its own,
 * and a certificate that left the gateway since asks for the same sync). An app whose integration can no longer be
 * read is left to the change itself, whose preparation says what is wrong in its own words.
 */
export async function assertStillNeeded(reader: AzureReader, clock: Clock, recheck: FixRecheck, request: ChangeRequest): Promise<void> {
  const ids = new Set(recheck.checks);
  // A live test from the worker (a name that did not resolve) is not read again here: the change is filed.
  if (ids.size === 0 || [...ids].some((id) => !INTEGRATION_CHECKS.has(id as CheckId))) return;
  let now;
  try {
    now = checkIntegration(await readIntegration(reader, await reader.getApp(recheck.appId)), clock.now());
  } catch (error) {
    if (isBotError(error)) return;
    throw error;
  }
  const offered = now.filter((check) => ids.has(check.id));
  const wanted = commandTextOf(request);
  // A check that is not there any more (the gateway gone) is not known to pass.
  if (offered.length < ids.size || offered.some((check) => check.status !== "pass")) return;
  if (now.some((check) => check.status !== "pass" && check.change !== undefined && commandTextOf(check.change) === wanted)) return;
  throw new NothingToDo(`What this Fix was offered for is fixed already, so nothing was filed: ${offered.map((check) => `${check.title}: ${check.evidence}`).join(" ")}`, {
    hint: "Run `/vnet diagnose` again to see where the app stands now.",
  });
}
