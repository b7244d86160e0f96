import type { BotError } from "../../errors.ts";
import type { MigrationRecords } from "../migration/migration-records.ts";
import type { AzureReader, AzureWriter, Clock, KuduRunner, Locks } from "../ports.ts";
import type { ChangeRequest } from "./registry.ts";

export type { ChangeRequest } from "./registry.ts";

/** One step of a plan, before it runs. */
export interface PlannedStep {
  id: string;
  description: string;
  /** Its failure's advice is all there is to do: the change's own advice on finishing does not apply to it. */
  resumeReplaced?: true;
}

/** What a change will do, shown to the requester and the approvers before anything runs. */
export interface ChangePlan {
  request: ChangeRequest;
  /** One line, e.g. "Connect app1 to vnet1". */
  title: string;
  /** Lower-case "<planId>|<vnetName>": one change at a time per target. */
  targetKey: string;
  steps: PlannedStep[];
  /** Names of the apps whose connectivity the change touches. */
  affectedApps: string[];
  /** Names of the apps that restart. */
  restartingApps: string[];
  /** The outage to expect, or undefined when there is none. */
  outage: string | undefined;
  warnings: string[];
  /** What the change means beyond its steps, under headings (a migration: source addresses, routes, subnet, DNS). */
  sections?: PlanSection[];
  /** Digest of the Azure state the plan was made from: a different value at run time means Azure changed. */
  fingerprint: string;
  /** How to finish the change when it stops half-way, where "run it again" is not the answer (renew). */
  resumeHint?: string;
}

/** A heading and its lines in the preview. */
export interface PlanSection {
  heading: string;
  lines: string[];
}

/** How one step went. */
export interface StepResult {
  stepId: string;
  description: string;
  /** "skipped" means the step found its work already done (a re-run after a half-finished change). */
  status: "done" | "skipped" | "failed";
  detail: string | undefined;
  azureRequestIds: string[];
}

/** How a whole change went. */
export interface ChangeOutcome {
  ok: boolean;
  results: StepResult[];
  /** The error that stopped the change, when ok is false. */
  error: BotError | undefined;
}

/** What preview and execution need from the outside world. */
export interface ChangeDeps {
  reader: AzureReader;
  writer: AzureWriter;
  clock: Clock;
  /** Serialises root-certificate updates per gateway, across plans and replicas. */
  locks: Locks;
  /** The subscriptions vnetbot manages: where other users of a root certificate are looked for before it goes. */
  subscriptions: readonly string[];
  /** What a migration records before it moves an app, and what a rollback reconnects from. */
  migrations: MigrationRecords;
  /** Runs commands on an app's worker: a migration's check that the app still reaches its targets. */
  kudu?: KuduRunner;
}

/** Called after each step, so that the Slack layer can report progress in place. */
export type StepListener = (index: number, total: number, result: StepResult) => void | Promise<void>;
