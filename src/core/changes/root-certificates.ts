/**
 * The integration's client certificate among the gateway's P2S root certificates: added when an app connects,
 * removed when no connection uses it any more, and never lost along the way. The gateway PUT replaces the whole list
 * and the Network spec declares no If-Match for it, so every change of the list holds the gateway's lock and is read
 * back afterwards.
 */
import { BotError } from "../../errors.ts";
import { readPlanApps, sameName } from "../connections.ts";
import { MAX_ROOT_CERTIFICATES } from "../eligibility.ts";
import { isCertOnGateway, mayHaveIntegrations } from "../inventory.ts";
import { createLimiter } from "../limiter.ts";
import type { GatewayInfo, RootCertificate } from "../model.ts";
import { sameId } from "../resource-id.ts";
import type { ExecutableStep } from "./runner.ts";

export { MAX_ROOT_CERTIFICATES };
import type { ChangeDeps } from "./types.ts";
import { rootCertificateName, thumbprintOf, type StepContext } from "./common.ts";

/** From this many on, the certificate digest warns that the gateway is filling up. */
export const ROOT_CERTIFICATES_WARNING = 18;

/** "7 of 20 root certificates". */
export function rootCertificatesLine(gateway: Pick<GatewayInfo, "rootCertificates">): string {
  return `${gateway.rootCertificates.length} of ${MAX_ROOT_CERTIFICATES} root certificates`;
}

/** The lock every change of one gateway's root certificates holds. */
export function gatewayLockName(gatewayId: string): string {
  return `gateway-root-certificates:${gatewayId.toLowerCase()}`;
}

/** True when one more root certificate fits on the gateway. */
export function hasRoomForRoot(gateway: Pick<GatewayInfo, "rootCertificates">): boolean {
  return gateway.rootCertificates.length < MAX_ROOT_CERTIFICATES;
}

/** The refusal when the gateway is full; says what to do. */
export function gatewayFullError(gateway: Pick<GatewayInfo, "name" | "rootCertificates">, whose: string): BotError {
  return new BotError("conflict", `Gateway ${gateway.name} already holds ${rootCertificatesLine(gateway)}, the most a VPN gateway takes, so ${whose} certificate cannot be added.`, {
    hint: `Remove a root certificate that no integration or VPN user needs any more from ${gateway.name} (point-to-site configuration in the portal; vnetbot removes the ones it added when the last app of a plan disconnects), or move apps to regional VNet integration, which needs no certificate.`,
  });
}

/** Adds the certificate in context to the gateway's roots unless it is there; refuses when the gateway is full. */
export function ensureRootCertStep(deps: ChangeDeps, gateway: GatewayInfo, context: StepContext, whose: string): ExecutableStep {
  return {
    id: "gateway-root-certificate",
    description: `Add ${whose} certificate to gateway ${gateway.name}'s root certificates`,
    run: () =>
      deps.locks.withLock(gatewayLockName(gateway.id), async (held) => {
        const certBlob = context.certBlob;
        if (!certBlob) throw new BotError("unavailable", "Azure returned no client certificate for the connection.", { hint: "Run the change again." });
        const before = await deps.reader.getGateway(gateway.id);
        if (isCertOnGateway(certBlob, before)) return { status: "skipped", detail: "the certificate is already a root certificate" };
        if (!hasRoomForRoot(before)) throw gatewayFullError(before, whose);
        const name = rootCertificateName(context.thumbprint ?? thumbprintOf(certBlob));
        held.throwIfAborted();
        const receipt = await deps.writer.addGatewayRootCertificate(gateway.id, name, certBlob);
        const after = await deps.reader.getGateway(gateway.id);
        if (!isCertOnGateway(certBlob, after)) {
          throw new BotError("unavailable", `Gateway ${gateway.name} accepted the update but does not list the certificate ${name}.`, { hint: "Run the same change again: it reads the gateway first." });
        }
        assertNoneLost(before.rootCertificates, after, []);
        return { status: "done", detail: `added as ${name}; ${rootCertificatesLine(after)}`, requestIds: receipt.requestIds };
      }),
  };
}

/** A certificate that leaves the gateway: its data, and how people know it. */
export interface LeavingCertificate {
  blob: string;
  thumbprint: string;
}

/**
 * Removes the certificate from the gateway's roots, unless a connection of a plan in the managed subscriptions (or
 * one whose certificate cannot be told) to the gateway's VNet still uses it. Looked up when the step runs, under the
 * gateway's lock, since apps may have connected since the plan was shown.
 */
export function removeRootIfUnusedStep(deps: ChangeDeps, gateway: GatewayInfo, vnetId: string, certificate: () => LeavingCertificate | undefined, whose: string): ExecutableStep {
  return {
    id: "gateway-root-certificate-removal",
    description: `Remove ${whose} certificate from gateway ${gateway.name}'s root certificates if no connection uses it any more`,
    resumeHint: `The change itself is done; only the old root certificate may still be on gateway ${gateway.name}. Remove it in the portal (point-to-site configuration) once no app uses it.`,
    run: () =>
      deps.locks.withLock(gatewayLockName(gateway.id), async (held) => {
        const leaving = certificate();
        if (!leaving) return { status: "skipped", detail: "there is no certificate to remove" };
        const before = await deps.reader.getGateway(gateway.id);
        if (!isCertOnGateway(leaving.blob, before)) return { status: "skipped", detail: `certificate ${leaving.thumbprint} is not among the gateway's root certificates` };
        const users = await usersOfCertificate(deps, vnetId, leaving);
        if (users.length > 0) return { status: "skipped", detail: `kept: ${users.join("; ")}` };
        held.throwIfAborted();
        const receipt = await deps.writer.removeGatewayRootCertificate(gateway.id, leaving.blob);
        const after = await deps.reader.getGateway(gateway.id);
        if (isCertOnGateway(leaving.blob, after)) {
          throw new BotError("unavailable", `Gateway ${gateway.name} accepted the update but still lists certificate ${leaving.thumbprint}.`, { hint: "Run the same change again: it reads the gateway first." });
        }
        assertNoneLost(before.rootCertificates, after, [leaving.blob]);
        return { status: "done", detail: `removed certificate ${leaving.thumbprint}; ${rootCertificatesLine(after)}`, requestIds: receipt.requestIds };
      }),
  };
}

/**
 * Who still uses a certificate on the VNet: each plan (of the managed subscriptions) connected to it whose
 * connection carries that certificate, or whose certificate cannot be read (then it may use it, and the root stays).
 * Whether App Service issues one certificate per plan and VNet or per subscription and VNet is not documented, so
 * every plan is asked, not only the one that disconnected.
 */
export async function usersOfCertificate(deps: Pick<ChangeDeps, "reader" | "subscriptions">, vnetId: string, certificate: LeavingCertificate): Promise<string[]> {
  const limit = createLimiter(4);
  const plans = (await Promise.all(deps.subscriptions.map((sub) => limit(() => deps.reader.listPlans(sub))))).flat().filter(mayHaveIntegrations);
  const found = await Promise.all(
    plans.map(async (plan) => {
      const connection = (await limit(() => deps.reader.listPlanVnetConnections(plan.id))).find((c) => !c.isRegional && sameId(c.vnetId, vnetId));
      if (!connection) return undefined;
      const thumbprint = connection.certThumbprint ?? (connection.certBlob ? thumbprintOf(connection.certBlob) : undefined);
      if (thumbprint !== undefined) return sameName(thumbprint, certificate.thumbprint) ? `plan ${plan.name} uses it` : undefined;
      // The plan-level connection may carry no certificate: ask the apps' connections, which do.
      const apps = await readPlanApps(deps.reader, plan.id, limit);
      const onVnet = apps.find(({ connection: c }) => c && sameName(c.name, connection.name) && c.certBlob);
      if (!onVnet?.connection?.certBlob) return `plan ${plan.name} is connected and its certificate cannot be read`;
      return sameName(thumbprintOf(onVnet.connection.certBlob), certificate.thumbprint) ? `plan ${plan.name} uses it` : undefined;
    }),
  );
  return found.filter((user): user is string => user !== undefined);
}

// A gateway PUT carries the whole list: one that raced another writer could drop someone else's root. Say so loudly.
function assertNoneLost(before: readonly RootCertificate[], after: GatewayInfo, removed: readonly string[]): void {
  const compact = (data: string) => data.replace(/\s+/g, "");
  const gone = removed.map(compact);
  const lost = before.filter((root) => !gone.includes(compact(root.publicCertData)) && !isCertOnGateway(root.publicCertData, after));
  if (lost.length === 0) return;
  throw new BotError("conflict", `After the update, gateway ${after.name} no longer lists the root certificates ${lost.map((r) => r.name).join(", ")}, which it had before: another change to the gateway ran at the same time.`, {
    hint: `Check ${after.name}'s point-to-site root certificates in the portal and add back what is missing before anything else changes the gateway.`,
  });
}
