/** The contract between the dispatcher and the handlers: what a /vnet subcommand declares and what it gets. */
import type { MigrationRecords } from "./migration/migration-records.ts";
import { ANYONE, OPERATORS_REQUEST_CHANGES, type AccessPolicy, type AccessRule } from "./access.ts";
import type { AddressRange } from "./address-range.ts";
import type { ApprovalStore } from "./approvals/approval-store.ts";
import type { AuditLog } from "./audit.ts";
import type { ChangeRequest } from "./changes/types.ts";
import type { FixOffers } from "./diagnose/fix-offers.ts";
import type { InventoryReads } from "./inventory-keeper.ts";
import type { AlertStateStore, AzureReader, ChatPort, Clock, KuduRunner } from "./ports.ts";
import type { Reply } from "./reply.ts";
import type { ResourceRef } from "./resolve.ts";

/** How an argument is checked before anything reaches Azure. */
export type ParamKind =
  | "app" | "plan" | "vnet" | "range" | "cidr" | "route" | "count" | "command" | "subscription" | "alert" | "duration" | "text"
  // A host name or IPv4 address: "host" with an optional :PORT, "host-port" with one, "host-name" without.
  | "host" | "host-port" | "host-name"
  // A flag that takes no value (--fresh): present or not.
  | "switch";

/** A positional argument, e.g. { name: "APP", kind: "app" }. */
export interface Param {
  name: string;
  kind: ParamKind;
  optional?: boolean;
  /** Takes the rest of the words (help's "command"). */
  rest?: boolean;
  /** The largest value a "count" takes (default 200). */
  max?: number;
}

/** An option such as --plan PLAN, or a switch such as --fresh (kind "switch", value ""). */
export interface Flag {
  name: string;
  value: string;
  kind: ParamKind;
}

/** One argument as the parser checked it: the words typed, and what they were parsed into. */
export interface ParsedArg {
  text: string;
  ref?: ResourceRef;
  range?: AddressRange;
}

/** The arguments of one command, by param or flag name ("APP", "--plan"), kept as the parser understood them. */
export class CommandArgs {
  readonly #values: ReadonlyMap<string, ParsedArg>;

  constructor(values: ReadonlyMap<string, ParsedArg> | Record<string, string>) {
    this.#values = values instanceof Map ? values : new Map(Object.entries(values).map(([name, text]) => [name, { text }]));
  }

  /** True when the flag (a switch such as --fresh) was given. */
  has(name: string): boolean {
    return this.#values.has(name);
  }

  /** The words given for an optional argument, or undefined. */
  optional(name: string): string | undefined {
    return this.#values.get(name)?.text;
  }

  /** The words given for a required argument (the parser has made sure it is there). */
  text(name: string): string {
    return this.#arg(name).text;
  }

  /** The resource an app, plan or VNet argument names, as parsed. */
  ref(name: string): ResourceRef {
    const ref = this.#arg(name).ref;
    if (!ref) throw new Error(`Argument ${name} is not a resource reference.`);
    return ref;
  }

  /** The resource an optional app, plan or VNet argument names, or undefined when it was left out. */
  optionalRef(name: string): ResourceRef | undefined {
    return this.#values.has(name) ? this.ref(name) : undefined;
  }

  /** The address range a range argument was parsed into. */
  range(name: string): AddressRange {
    const range = this.#arg(name).range;
    if (!range) throw new Error(`Argument ${name} is not an address range.`);
    return range;
  }

  #arg(name: string): ParsedArg {
    const arg = this.#values.get(name);
    if (!arg) throw new Error(`Argument ${name} was not parsed: declare it in the command's params.`);
    return arg;
  }
}

/** What a handler may use: who asked, the estate, the approval flow, the stores it reads. */
export interface CommandContext {
  userId: string;
  channelId: string;
  /** What was typed after /vnet. */
  commandText: string;
  /** Aborted when the command's deadline passes; the reader passes it on to Azure. */
  signal: AbortSignal;
  reader: AzureReader;
  subscriptions: readonly string[];
  /** The kept inventory (list, show, plan, expiring, gateways answer from it; changes and diagnoses never do). */
  inventory: InventoryReads;
  clock: Clock;
  /** What the asker may do (help shows it); the dispatcher has already enforced the command's own rule. */
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
  /** What vnetbot moved to regional integration, and the targets each app is known to reach. */
  migrations: MigrationRecords;
  /** The scheduled alerts' state and channel (snooze); absent when alerts are off. */
  alerts?: { store: AlertStateStore; chat: ChatPort<Reply>; timezone?: string };
}

/** One /vnet subcommand, e.g. "route add". */
export interface Command {
  name: string;
  /** e.g. "/vnet route add PLAN VNET CIDR|START-END" */
  usage: string;
  summary: string;
  /** Changes Azure through the approval flow: help lists these apart. */
  changesAzure: boolean;
  /** Who may run it; enforced by the dispatcher before run. */
  access: AccessRule;
  /** Answers from the bot's own state, fast enough to be the acknowledgement itself (help, approvals, audit). */
  instant?: boolean;
  /** Its answer is about the asker (help says what they may do): never posted for the channel with --share. */
  personal?: boolean;
  params: readonly Param[];
  flags: readonly Flag[];
  run(ctx: CommandContext, args: CommandArgs): Promise<Reply>;
}

/** The flag every read command open to anyone takes: its answer goes to the whole channel, not only the asker. */
export const SHARE_FLAG = "--share";

/** True for the commands --share applies to: reads anyone may run, whose answer anyone may therefore see. */
export function isShareable(command: Pick<Command, "changesAzure" | "access" | "personal">): boolean {
  return !command.changesAzure && !command.personal && command.access.audience === "anyone";
}

/** What a command file declares; usage is generated, and access defaults to operators for changes, anyone for reads. */
export type CommandSpec = Omit<Command, "usage" | "flags" | "access"> & {
  flags?: readonly Flag[];
  access?: AccessRule;
  /** How a param is shown in the usage line, e.g. { RANGE: "CIDR|START-END" }. */
  valueNames?: Record<string, string>;
};

/** Declares a command; its usage line is generated from the params so that the two cannot disagree. */
export function defineCommand(spec: CommandSpec): Command {
  const flags = spec.flags ?? [];
  // Options with a value first, switches last ("/vnet show APP [--fresh]"); the parser takes them anywhere.
  const words = [
    ...flags.filter((f) => f.kind !== "switch").map((f) => `[${f.name} ${f.value}]`),
    ...spec.params.map((p) => {
      const shown = spec.valueNames?.[p.name] ?? p.name;
      return p.optional ? `[${shown}]` : shown;
    }),
    ...flags.filter((f) => f.kind === "switch").map((f) => `[${f.name}]`),
  ];
  const { valueNames: _valueNames, ...rest } = spec;
  return { ...rest, flags, access: spec.access ?? (spec.changesAzure ? OPERATORS_REQUEST_CHANGES : ANYONE), usage: ["/vnet", spec.name, ...words].join(" ") };
}
