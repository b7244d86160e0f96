/**
 * Sign-in failures of @azure/identity as BotErrors: which credential of DefaultAzureCredential's chain failed, why,
 * and which environment variables or identity set it right. Without this a missing credential was an internal
 * error at best, and an empty answer at worst.
 */
import { BotError } from "../errors.ts";
import { redact } from "../log.ts";

// The error names of @azure/identity (matched by name, as its own ChainedTokenCredential does).
const UNAVAILABLE = new Set(["CredentialUnavailableError", "AuthenticationRequiredError"]);
const AGGREGATE = "AggregateAuthenticationError";
const REFUSED = "AuthenticationError";

/** What to set for DefaultAzureCredential, in the order its chain tries them. */
export const CREDENTIAL_SETUP =
  "Give vnetbot one identity that DefaultAzureCredential finds: a service principal (AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, or AZURE_CLIENT_CERTIFICATE_PATH), workload identity (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE), a managed identity on the host (AZURE_CLIENT_ID names a user-assigned one), or `az login` where the bot runs; then restart it.";

// Entra ID's codes for the usual mistakes (learn.microsoft.com/entra/identity-platform/reference-error-codes).
const ENTRA_HINTS: Record<string, string> = {
  AADSTS7000215: "The client secret is wrong: copy the secret's value (not its id) into AZURE_CLIENT_SECRET.",
  AADSTS7000222: "The client secret has expired: create a new one for the app registration and update AZURE_CLIENT_SECRET.",
  AADSTS700016: "AZURE_CLIENT_ID names no application in this tenant: check AZURE_CLIENT_ID and AZURE_TENANT_ID.",
  AADSTS90002: "AZURE_TENANT_ID names no tenant: use the directory (tenant) id of the app registration.",
  AADSTS700024: "The federated token is not valid now: check AZURE_FEDERATED_TOKEN_FILE and the federated credential's subject.",
  AADSTS70021: "No federated credential matches this workload: check the app registration's federated credentials.",
};

interface NamedError {
  name: string;
  message: string;
  errors?: unknown[];
  errorResponse?: { error?: string; errorDescription?: string };
}

/** True for the errors @azure/identity throws when it cannot get a token. */
export function isCredentialError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return UNAVAILABLE.has(error.name) || error.name === AGGREGATE || error.name === REFUSED;
}

/** The BotError for a failed sign-in: which credential failed and how to fix it. */
export function credentialFailure(error: unknown): BotError {
  const failed = error as NamedError;
  // MSAL reports a sign-in that never reached Entra ID (no route, no DNS, a proxy in the way) through the same
  // errors as a refusal or a missing credential: say it as what it is.
  const unreachable = /\b(network_error|endpoints_resolution_error)\b/.exec(`${failed.errorResponse?.error ?? ""} ${failed.message ?? ""}`)?.[1];
  if (unreachable) {
    return new BotError("unavailable", `vnetbot could not sign in to Azure: it could not reach Microsoft Entra ID (${unreachable}).`, {
      hint: "Check the bot's network path to login.microsoftonline.com (proxy, firewall, DNS); the credential itself was not refused. Then restart vnetbot.",
    });
  }
  if (failed.name === REFUSED) {
    const description = firstLine(failed.errorResponse?.errorDescription ?? failed.message);
    const code = /AADSTS\d+/.exec(description)?.[0];
    return new BotError("unavailable", `vnetbot could not sign in to Azure: Entra ID refused its credential (${short(description)}).`, {
      hint: `${(code && ENTRA_HINTS[code]) ?? "Check the identity DefaultAzureCredential found (AZURE_TENANT_ID, AZURE_CLIENT_ID and its secret, certificate or federated token)."} Then restart vnetbot.`,
    });
  }
  const reasons = (failed.name === AGGREGATE && Array.isArray(failed.errors) ? failed.errors : [error]).map((e) => describeSource(e as NamedError));
  return new BotError("unavailable", `vnetbot could not sign in to Azure: no credential of DefaultAzureCredential's chain gave it a token (${reasons.join("; ")}).`, {
    hint: CREDENTIAL_SETUP,
  });
}

// "EnvironmentCredential: AZURE_TENANT_ID, AZURE_CLIENT_ID … not set" from one source's CredentialUnavailableError.
function describeSource(error: NamedError): string {
  const text = firstLine(error.message ?? "");
  const named = /^(\w*Credential)\b[:\s]*(?:is unavailable\.?\s*)?([\s\S]*)$/.exec(text);
  if (named) return `${named[1]}: ${firstSentence(named[2] || "unavailable")}`;
  const known = SOURCES.find(([pattern]) => pattern.test(text));
  return known ? `${known[1]}: ${firstSentence(text)}` : firstSentence(text);
}

// One sentence per source: six of them follow each other in one message.
function firstSentence(text: string): string {
  const sentence = /^[\s\S]*?\.(?=\s|$)/.exec(text.trim())?.[0] ?? text;
  return short(sentence);
}

// Sources whose messages do not start with their class name.
const SOURCES: Array<[RegExp, string]> = [
  [/Azure CLI/i, "AzureCliCredential"],
  [/PowerShell/i, "AzurePowerShellCredential"],
  [/Azure Developer CLI/i, "AzureDeveloperCliCredential"],
  [/Visual Studio Code/i, "VisualStudioCodeCredential"],
];

function firstLine(text: string): string {
  return redact(text.split(/\r?\n/)[0] ?? "").trim();
}

function short(text: string): string {
  const cleaned = text.replace(/\s*To troubleshoot, visit \S+/i, "").replace(/\s+/g, " ").trim();
  return cleaned.length > 160 ? `${cleaned.slice(0, 159)}…` : cleaned;
}
