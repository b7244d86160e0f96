/** Turns a Renew click on the certificate digest into the renew change it stands for. */
import { BotError } from "../../errors.ts";
import type { ChangeRequest } from "../changes/types.ts";
import type { AlertStateStore } from "../ports.ts";
import { ALERT_PREFIX, alertIdOf } from "./alert-keys.ts";
import { readStoredCertificate } from "./certificate-alerts.ts";

/**
 * The renew request behind a Renew button's value ("alert id:thumbprint"; a digest posted by an older vnetbot has the
 * alert id alone); the click then goes through the normal approval flow.
 */
export async function renewRequestForAlert(store: AlertStateStore, value: string): Promise<ChangeRequest> {
  const [alertId = "", thumbprint] = value.trim().split(":");
  const match = (await store.list(ALERT_PREFIX.certificate)).find(({ key }) => alertIdOf(key) === alertId.toLowerCase());
  const stored = readStoredCertificate(match?.state);
  if (!stored?.renewAppId) {
    throw new BotError("not-found", "This certificate is no longer in the bot's list: it may have been renewed or disconnected.", {
      hint: "Check with `/vnet expiring`, then use `/vnet renew APP` if it still needs renewing.",
    });
  }
  return { kind: "renew", appId: stored.renewAppId, vnetName: stored.vnetName, ...(thumbprint ? { thumbprint } : {}) };
}
