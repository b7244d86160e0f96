// Types only: the SDKs are loaded on first use (see loadOnce below).
import type { WebSiteManagementClient } from "@azure/arm-appservice";
import type { NetworkManagementClient } from "@azure/arm-network";
import type { TokenCredential } from "@azure/identity";
import type { Client } from "@azure-rest/core-client";
import { observingPolicy, type ArmResponseObserver } from "./arm-request-observer.ts";
import { ArmPacer, type PacingOptions, type PacingStats } from "./pacing.ts";

/**
 * The SDK modules, each imported once, when first needed. Imported at start they made up most of the bot's start:
 * some 600 ms and 40 MB (arm-network alone is 356 modules) before /healthz could answer, although a bot that answers
 * from its kept inventory may not call Azure for a while.
 */
const sdk = {
  appService: loadOnce(() => import("@azure/arm-appservice")),
  network: loadOnce(() => import("@azure/arm-network")),
  identity: loadOnce(() => import("@azure/identity")),
  rest: loadOnce(() => import("@azure-rest/core-client")),
};

function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}

/** The Azure clouds the bot can manage. */
export type AzureCloudName = "AzureCloud" | "AzureChinaCloud" | "AzureUSGovernment";

const CLOUDS: Record<AzureCloudName, { setting: "AZURE_PUBLIC_CLOUD" | "AZURE_CHINA_CLOUD" | "AZURE_US_GOVERNMENT"; arm: string }> = {
  AzureCloud: { setting: "AZURE_PUBLIC_CLOUD", arm: "https://management.azure.com" },
  AzureChinaCloud: { setting: "AZURE_CHINA_CLOUD", arm: "https://management.chinacloudapi.cn" },
  AzureUSGovernment: { setting: "AZURE_US_GOVERNMENT", arm: "https://management.usgovcloudapi.net" },
};

/** What the clients are built from: the credential, the cloud, and an optional ARM URL override (the simulator). */
export interface AzureClientOptions {
  credential: TokenCredential;
  cloud: AzureCloudName;
  armEndpoint?: string | undefined;
  /** Pacing against ARM's throttling (default: on, with ARM's documented buckets); false sends as fast as asked. */
  pacing?: PacingOptions | false | undefined;
  /** Told of every ARM request attempt (method, path template, status), for the metrics. */
  observeResponse?: ArmResponseObserver | undefined;
}

/** SDK clients per subscription, built once and shared (each keeps its own connection pool and token cache). */
export interface AzureClients {
  /** The App Service client of a subscription (its SDK is loaded by the first call). */
  web(subscriptionId: string): Promise<WebSiteManagementClient>;
  /** The network client of a subscription (its SDK is loaded by the first call). */
  network(subscriptionId: string): Promise<NetworkManagementClient>;
  /** A plain ARM client on the same pipeline (auth, retries, TLS) for APIs without a modular SDK: Resource Health. */
  arm(): Promise<Client>;
  credential: TokenCredential;
  /** The token scope of the cloud's ARM, which Kudu also accepts. */
  scope: string;
  /** How long requests waited for ARM's budget so far (zeros when pacing is off), for benchmarks. */
  pacingStats(): PacingStats;
}

/**
 * The production credential: managed identity, workload identity, environment service principal or `az login`.
 * @azure/identity (with MSAL) is loaded, and the chain built, when the first token is asked for.
 */
export function defaultCredential(): TokenCredential {
  let credential: Promise<TokenCredential> | undefined;
  return {
    getToken: async (scopes, options) => (await (credential ??= sdk.identity().then(({ DefaultAzureCredential }) => new DefaultAzureCredential()))).getToken(scopes, options),
  };
}

/** Builds the SDK clients for one cloud, pointed at armEndpoint when set. */
export function createAzureClients(options: AzureClientOptions): AzureClients {
  const cloud = CLOUDS[options.cloud];
  const scope = `${cloud.arm}/.default`;
  // One pacer for every client: ARM's buckets are per subscription and principal, and these clients share both,
  // so web, network and the plain ARM client draw on the same copies (the pacer tells subscriptions apart by URL).
  const pacer = options.pacing === false ? undefined : new ArmPacer(options.pacing);
  const shared = {
    credentials: { scopes: [scope] },
    // The SDK retries 429/503 by Retry-After and 5xx with back-off; three tries keep a command inside its deadline.
    // Pacing runs per retry, below the retry policy, so each attempt waits for a token and its answer is seen.
    retryOptions: { maxRetries: 3 },
    additionalPolicies: [
      ...(pacer ? [{ policy: pacer.policy, position: "perRetry" as const }] : []),
      ...(options.observeResponse ? [{ policy: observingPolicy(options.observeResponse), position: "perRetry" as const }] : []),
    ],
  };
  const common = { ...(options.armEndpoint ? { endpoint: options.armEndpoint } : { cloudSetting: cloud.setting }), ...shared };
  const web = new Map<string, Promise<WebSiteManagementClient>>();
  const network = new Map<string, Promise<NetworkManagementClient>>();
  let arm: Promise<Client> | undefined;
  return {
    web: (sub) => getOrCreate(web, sub, async () => new (await sdk.appService()).WebSiteManagementClient(options.credential, sub, common)),
    network: (sub) => getOrCreate(network, sub, async () => new (await sdk.network()).NetworkManagementClient(options.credential, sub, common)),
    arm: () => (arm ??= sdk.rest().then(({ getClient }) => getClient(options.armEndpoint ?? cloud.arm, options.credential, shared))),
    credential: options.credential,
    scope,
    pacingStats: () => pacer?.stats() ?? { requestsWaited: 0, totalWaitMs: 0, longestWaitMs: 0, waiting: 0 },
  };
}

function getOrCreate<T>(cache: Map<string, T>, key: string, create: () => T): T {
  let value = cache.get(key);
  if (!value) {
    value = create();
    cache.set(key, value);
  }
  return value;
}
