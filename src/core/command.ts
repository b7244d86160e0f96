/** The contract between the dispatcher and the handlers: what a /vnet subcommand declares and what it gets. */
import type { AccessPolicy } from "./approvals/access-policy.ts";
import type { ApprovalStore } from "./approvals/approval-store.ts";
import type { AuditLog } from "./audit.ts";
import type { ChangeRequest } from "./changes/types.ts";
import type { FixOffers } from "./diagnose/fix-offers.ts";
import type { AlertStateStore, AzureReader, ChatPort, Clock, KuduRunner } from "./ports.ts";
import type { Reply } from "./reply.ts";

/** How an argument is checked before anything reaches Azure. */
export type ParamKind =
  | "app" | "plan" | "vnet" | "range" | "route" | "count" | "command" | "subscription" | "alert" | "duration" | "text"
  // A host name or IPv4 address: "host" with an optional :PORT, "host-port" with one, "host-name" without.
  | "host" | "host-port" | "host-name";

/** A positional argument, e.g. { name: "APP", kind: "app" }. */
export interface Param {
  name: string;
  kind: ParamKind;
  optional?: boolean;
  /** Takes the rest of the words (help's "command"). */
  rest?: boolean;
}

/** An option such as --plan PLAN. */
export interface Flag {
  name: string;
  value: string;
  kind: ParamKind;
}

/** Arguments by param or flag name ("APP", "--plan"); absent optional ones are missing. */
export type CommandArgs = Readonly<Record<string, string | undefined>>;

/** What a handler may use: who asked, the estate, the approval flow, the stores it reads. */
export interface CommandContext {
  userId: string;
  channelId: string;
  /** What was typed after /vnet. */
  commandText: string;
  /** Aborted when the command's deadline passes. */
  signal: AbortSignal;
  reader: AzureReader;
  subscriptions: readonly string[];
  clock: Clock;
  access: AccessPolicy;
  approvals: ApprovalStore;
  audit: AuditLog;
  /** Every command, for help. */
  commands: readonly Command[];
  /** Previews the change and sends it for approval; returns the requester's plan. */
  requestChange(request: ChangeRequest): Promise<Reply>;
  /** Runs commands on an app's worker (diagnose, tcpping, resolve); absent when Kudu is not configured. */
  kudu?: KuduRunner;
  /** Where a diagnosis keeps the changes behind its Fix buttons; absent, the diagnosis shows the commands only. */
  offers?: FixOffers;
  /** The scheduled alerts' state and channel (snooze); absent when alerts are off. */
  alerts?: { store: AlertStateStore; chat: ChatPort<Reply>; timezone?: string };
}

/** One /vnet subcommand, e.g. "route add". */
export interface Command {
  name: string;
  /** e.g. "/vnet route add PLAN VNET CIDR|START-END" */
  usage: string;
  summary: string;
  changesAzure: boolean;
  /** Answers from the bot's own state, fast enough to be the acknowledgement itself (help, approvals, audit). */
  instant?: boolean;
  params: readonly Param[];
  flags: readonly Flag[];
  run(ctx: CommandContext, args: CommandArgs): Promise<Reply>;
}

/** Declares a command; its usage line is generated from the params so that the two cannot disagree. */
export function defineCommand(spec: Omit<Command, "usage" | "flags"> & { flags?: readonly Flag[]; valueNames?: Record<string, string> }): Command {
  const flags = spec.flags ?? [];
  const words = [
    ...flags.map((f) => `[${f.name} ${f.value}]`),
    ...spec.params.map((p) => {
      const shown = spec.valueNames?.[p.name] ?? p.name;
      return p.optional ? `[${shown}]` : shown;
    }),
  ];
  const { valueNames: _valueNames, ...rest } = spec;
  return { ...rest, flags, usage: ["/vnet", spec.name, ...words].join(" ") };
}
