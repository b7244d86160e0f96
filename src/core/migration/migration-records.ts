/**
 * What vnetbot keeps about each app it moves to regional integration: the gateway-required integration it left (for
 * the preview, the audit and a rollback, which reconnects it from here), and the targets the app is known to reach
 * (recorded by diagnose and tcpping, re-tested after the move). Both live in the key/value state table, as the kept
 * inventory and the diagnoses' Fix offers do: one row per app.
 */
import type { PlanRoute } from "../model.ts";
import type { AlertStateStore, Clock } from "../ports.ts";
import { subnetLabel } from "../resource-id.ts";

const MIGRATION_PREFIX = "migration:";
const TARGETS_PREFIX = "targets:";
const FORMAT = 1;
/** Targets kept per app: the most recently tested. */
export const TARGETS_KEPT = 10;

/** One app's move off gateway-required integration. */
export interface MigrationRecord {
  appId: string;
  appName: string;
  planId: string;
  /** The gateway-required VNet it left, and the plan's connection to it as it was. */
  vnetId: string;
  vnetName: string;
  routes: PlanRoute[];
  dnsServers: string[];
  /** The gateway's point-to-site pool: the source range the app's traffic came from. */
  pool: string[];
  certThumbprint: string | undefined;
  /** The client certificate (public, base64 DER): a migration resumed after the connection went removes it from the gateway. */
  certBlob: string | undefined;
  /** The integration subnet it moved to. */
  subnetId: string;
  /** Whether all outbound traffic went into the VNet before (config/web vnetRouteAllEnabled), to put back on rollback. */
  routeAllBefore: boolean;
  /**
   * "moving" until the app is verified on regional integration; "rolled-back" once it is back on the gateway;
   * "app-deleted" when the app was deleted before either (closed-migrations.ts): nothing is left to finish or undo.
   */
  status: "moving" | "migrated" | "rolled-back" | "app-deleted";
  /** The approval request that moved it (or rolled it back, last). */
  requestId: string | undefined;
  updatedAt: Date;
}

/** Whether the record is of a move that still stands or is under way: one rolled back or of a deleted app is over. */
export function isCurrentMove(record: Pick<MigrationRecord, "status">): boolean {
  return record.status === "moving" || record.status === "migrated";
}

/** A host and TCP port an app was tested against. */
export interface KnownTarget {
  host: string;
  port: number;
  testedAt: Date;
  /** For a host name, the IPv4 addresses it resolved to on the worker when it was last looked up (diagnose does). */
  addresses?: string[];
  /** The app reached it (every target noted since tests record only what passed); older records noted failures too. */
  reached?: true;
}

/** The migration records and known targets, by app id. */
export interface MigrationRecords {
  get(appId: string): Promise<MigrationRecord | undefined>;
  put(record: MigrationRecord): Promise<void>;
  list(): Promise<MigrationRecord[]>;
  /**
   * Marks the record as the migration of a deleted app, only if it is still the one read as `seen` ("moving", as
   * updated then): one written since (a migration of a new app of the name, another replica closing it) is left alone.
   * Resolves with the closed record, or undefined when it was not this call that closed it.
   */
  closeAsDeleted(seen: MigrationRecord, at: Date): Promise<MigrationRecord | undefined>;
  /** The targets recorded for the app, most recent first. */
  targets(appId: string): Promise<KnownTarget[]>;
  /**
   * Records a host:port the app was tested against (kept: the most recent TARGETS_KEPT), with the addresses a name
   * resolved to when it was looked up: none when the lookup failed; a test that did not look it up (undefined) keeps
   * the addresses found before.
   */
  noteTarget(appId: string, host: string, port: number, addresses?: readonly string[]): Promise<void>;
  /**
   * Drops a host:port the app is not known ever to have reached (one recorded by an older vnetbot, which noted failed
   * tests too); one it reached stays, whatever a later test says: a tunnel down for an hour does not make it matter less.
   * A lookup made by the failed test gives the addresses the kept one is checked at from now on (none when it failed).
   */
  forgetUnreached(appId: string, host: string, port: number, addresses?: readonly string[]): Promise<void>;
}

/** The records over the key/value state store. */
export function createMigrationRecords(store: AlertStateStore, clock: Clock): MigrationRecords {
  const recordKey = (appId: string) => `${MIGRATION_PREFIX}${appId.toLowerCase()}`;
  const targetsKey = (appId: string) => `${TARGETS_PREFIX}${appId.toLowerCase()}`;
  const row = (value: unknown, at: Date) => ({ announced: [], snoozedUntil: undefined, lastResult: JSON.stringify({ format: FORMAT, value }), updatedAt: at });
  return {
    async get(appId) {
      return parseRecord((await store.get(recordKey(appId)))?.lastResult);
    },
    async put(record) {
      await store.put(recordKey(record.appId), row(record, record.updatedAt));
    },
    async list() {
      const rows = await store.list(MIGRATION_PREFIX);
      return rows.flatMap(({ state }) => parseRecord(state.lastResult) ?? []);
    },
    async closeAsDeleted(seen, at) {
      const key = recordKey(seen.appId);
      const stored = await store.get(key);
      const current = parseRecord(stored?.lastResult);
      if (!stored || current?.status !== "moving" || current.updatedAt.getTime() !== seen.updatedAt.getTime()) return undefined;
      const closed: MigrationRecord = { ...current, status: "app-deleted", updatedAt: at };
      // Conditional: a write between this read and this one (another replica, a migration) wins.
      return (await store.swap(key, stored, row(closed, at))) ? closed : undefined;
    },
    async targets(appId) {
      return parseTargets((await store.get(targetsKey(appId)))?.lastResult);
    },
    async noteTarget(appId, host, port, addresses) {
      const now = clock.now();
      const key = targetsKey(appId);
      const all = parseTargets((await store.get(key))?.lastResult);
      const same = sameTarget(host, port);
      const known = addresses ? [...addresses] : all.find(same)?.addresses;
      const target: KnownTarget = { host, port, testedAt: now, ...(known && known.length > 0 ? { addresses: known } : {}), reached: true };
      await store.put(key, row([target, ...all.filter((t) => !same(t))].slice(0, TARGETS_KEPT), now));
    },
    async forgetUnreached(appId, host, port, addresses) {
      const key = targetsKey(appId);
      const all = parseTargets((await store.get(key))?.lastResult);
      const same = sameTarget(host, port);
      const relooked = (t: KnownTarget): KnownTarget => {
        if (!same(t) || addresses === undefined) return t;
        const { addresses: _before, ...rest } = t;
        return addresses.length > 0 ? { ...rest, addresses: [...addresses] } : rest;
      };
      const kept = all.filter((t) => t.reached || !same(t)).map(relooked);
      if (all.some(same)) await store.put(key, row(kept, clock.now()));
    },
  };
}

/**
 * What a TCP test from the app's worker teaches about the host:port: one it reached is one it must keep reaching, so
 * a move tests it again. A failed test records nothing (a typo, or a host that never answered, would fail every move
 * of the app) and drops the target if an older vnetbot recorded it without the app ever reaching it; an untested one
 * changes nothing.
 */
export async function learnFromTcpTest(records: MigrationRecords, appId: string, target: { host: string; port: number; addresses?: readonly string[] | undefined }, outcome: "pass" | "fail" | "warn"): Promise<void> {
  if (outcome === "pass") await records.noteTarget(appId, target.host, target.port, target.addresses);
  else if (outcome === "fail") await records.forgetUnreached(appId, target.host, target.port, target.addresses);
}

const sameTarget = (host: string, port: number) => (t: KnownTarget) => t.host.toLowerCase() === host.toLowerCase() && t.port === port;

function unwrap(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  const parsed = JSON.parse(text) as { format?: number; value?: unknown };
  return parsed.format === FORMAT ? parsed.value : undefined;
}

function parseRecord(text: string | undefined): MigrationRecord | undefined {
  const value = unwrap(text) as (Omit<MigrationRecord, "updatedAt"> & { updatedAt: string }) | undefined;
  return value ? { ...value, updatedAt: new Date(value.updatedAt) } : undefined;
}

function parseTargets(text: string | undefined): KnownTarget[] {
  const value = unwrap(text) as Array<{ host: string; port: number; testedAt: string; addresses?: string[]; reached?: true }> | undefined;
  return (value ?? []).map((t) => ({ ...t, testedAt: new Date(t.testedAt) }));
}

/**
 * What an app is while a migration that stopped half-way left it off its gateway and outside its subnet: without any
 * VNet integration (an outage for whatever it reached there), until the migration is finished or rolled back.
 */
export function strandedText(appName: string, record: Pick<MigrationRecord, "vnetName" | "subnetId">): string {
  return `${appName} is without any VNet integration: a migration that stopped half-way took it off ${record.vnetName}'s gateway, and it has not joined ${subnetLabel(record.subnetId)}.`;
}

/** An app on its new subnet while the change that moves it runs. */
export function movingText(appName: string, record: Pick<MigrationRecord, "vnetName" | "subnetId">): string {
  return `${appName} is being moved from ${record.vnetName} to ${subnetLabel(record.subnetId)} now: the change has not verified it there yet.`;
}

/** An app on its new subnet whose migration stopped before the move was verified from its worker. */
export function unverifiedText(appName: string, record: Pick<MigrationRecord, "vnetName" | "subnetId">): string {
  return `${appName}'s migration from ${record.vnetName} to ${subnetLabel(record.subnetId)} has not been verified: it stopped before the worker's checks passed.`;
}

/** How to end it, either way. */
export function strandedHint(appName: string): string {
  return `Finish the migration with \`/vnet migrate ${appName}\`, or put it back on the gateway with \`/vnet migrate rollback ${appName}\`.`;
}
