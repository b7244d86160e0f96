/**
 * Everything that makes one kind of change, in one place: the command that asks for it, how its words become a
 * request, how it is planned and run, the command that asks for it again, and the Azure operations it uses.
 * A new kind is one file under kinds/ and one line in registry.ts.
 */
import type { CommandArgs, Flag, Param } from "../command.ts";
import type { AzureReader, AzureWriter, Clock } from "../ports.ts";
import type { MigrationRecords } from "../migration/migration-records.ts";
import type { ResolveDeps } from "../resolve.ts";
import type { PreparedChange } from "./runner.ts";
import type { ChangeDeps } from "./types.ts";

/** A reader or writer method: the Azure layer knows the RBAC actions behind each. */
export type AzureOperationName = keyof AzureReader | keyof AzureWriter;

/** What parsing a change request may read: Azure, and what vnetbot recorded of earlier migrations. */
export type ParseDeps = ResolveDeps & { migrations: MigrationRecords; clock: Clock };

/** One kind of change. */
export interface ChangeKind<R extends { kind: string }> {
  kind: R["kind"];
  /** The /vnet command that asks for it; it always goes through approval, and only operators may ask. */
  command: { name: string; summary: string; params: readonly Param[]; flags?: readonly Flag[]; valueNames?: Record<string, string> };
  /** From the checked words to the request, with names resolved against Azure (the request is stored as JSON). */
  parse(deps: ParseDeps, args: CommandArgs): Promise<R>;
  /** Reads Azure, checks the request (BotError says what is wrong and what to do) and plans the steps; writes nothing. */
  prepare(deps: ChangeDeps, request: R): Promise<PreparedChange>;
  /** The command, without "/vnet", that asks for this change again: shown on buttons and in "run it again". */
  commandText(request: R): string;
  /** Every reader and writer method its preview and steps call, so that the role can be checked against it. */
  operations: readonly AzureOperationName[];
}

/** Declares a kind (the identity function, for inference of R). */
export function defineChangeKind<R extends { kind: string }>(kind: ChangeKind<R>): ChangeKind<R> {
  return kind;
}
