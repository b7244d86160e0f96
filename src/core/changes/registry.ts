/** The change kinds vnetbot knows, one line each, in the order /vnet help lists their commands. */
import { defineCommand, type Command } from "../command.ts";
import type { ChangeKind } from "./change-kind.ts";
import { connect } from "./kinds/connect.ts";
import { disconnect } from "./kinds/disconnect.ts";
import { migrate } from "./kinds/migrate.ts";
import { migrateRollback } from "./kinds/migrate-rollback.ts";
import { migratePeer } from "./kinds/migrate-peer.ts";
import { peer } from "./kinds/peer.ts";
import { renew } from "./kinds/renew.ts";
import { routeAdd } from "./kinds/route-add.ts";
import { routeRemove } from "./kinds/route-remove.ts";
import { sync } from "./kinds/sync.ts";
import type { PreparedChange } from "./runner.ts";
import type { ChangeDeps } from "./types.ts";

/** Every kind of change. */
export const CHANGE_KINDS = [connect, disconnect, sync, routeAdd, routeRemove, renew, peer, migrate, migratePeer, migrateRollback] as const;

/**
 * A change a user asked for, with every reference already resolved to ARM ids; what the approval store keeps (as
 * JSON) and what runs after approval.
 */
export type ChangeRequest = (typeof CHANGE_KINDS)[number] extends infer K ? (K extends ChangeKind<infer R> ? R : never) : never;

const BY_KIND = new Map<string, ChangeKind<ChangeRequest>>(CHANGE_KINDS.map((kind) => [kind.kind, kind as unknown as ChangeKind<ChangeRequest>]));

/** The kind of a request. */
export function changeKindOf(request: ChangeRequest): ChangeKind<ChangeRequest> {
  const kind = BY_KIND.get(request.kind);
  if (!kind) throw new Error(`No change kind "${request.kind}" is registered.`);
  return kind;
}

/** Reads Azure, checks the request and builds its executable plan; writes nothing. */
export function prepareChange(deps: ChangeDeps, request: ChangeRequest): Promise<PreparedChange> {
  return changeKindOf(request).prepare(deps, request);
}

/** The command, without "/vnet", that asks for the same change. */
export function commandTextOf(request: ChangeRequest): string {
  return changeKindOf(request).commandText(request);
}

/** The /vnet commands that ask for changes: each previews its change and sends it for approval. */
export function changeCommands(): Command[] {
  return CHANGE_KINDS.map((kind) => {
    const { name, summary, params, flags, valueNames } = kind.command as ChangeKind<ChangeRequest>["command"];
    const parse = kind.parse as ChangeKind<ChangeRequest>["parse"];
    return defineCommand({
      name, summary, params, changesAzure: true,
      ...(flags ? { flags } : {}),
      ...(valueNames ? { valueNames } : {}),
      run: async (ctx, args) => ctx.requestChange(await parse(ctx, args)),
    });
  });
}
