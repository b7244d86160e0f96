/** The Azure boundary: the only place that knows the SDKs. */
export { createAzureClients, defaultCredential, type AzureClients, type AzureCloudName } from "./clients.ts";
export { ARM_RATE_LIMITS, type ArmRateLimits, type PacingOptions, type PacingStats } from "./pacing.ts";
export { probeAzure, signInProblem } from "./azure-probe.ts";
export { createAzureReader } from "./reader.ts";
export { createAzureWriter } from "./writer.ts";
export { createKuduRunner } from "./kudu.ts";
export { requiredActions } from "./permissions.ts";
