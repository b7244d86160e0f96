/** The approval state machine's records and the store port that makes its transitions atomic. */
import type { PostedMessage } from "../ports.ts";
import type { ChangePlan, ChangeRequest, StepResult } from "../changes/types.ts";

/**
 * pending → approved → running → done | failed; pending → rejected | expired; approved → failed (it could not be
 * started); approved/running → interrupted (its runner's lease ran out: a restart, a lost replica). Only pending
 * requests have buttons.
 */
export type ApprovalStatus = "pending" | "approved" | "rejected" | "expired" | "running" | "done" | "failed" | "interrupted";

/** Statuses that hold their target: a second change of the same target is refused while one of these exists. */
export const ACTIVE_STATUSES: readonly ApprovalStatus[] = ["pending", "approved", "running"];

/** A change request and everything that happened to it. */
export interface ApprovalRecord {
  id: string;
  status: ApprovalStatus;
  request: ChangeRequest;
  plan: ChangePlan;
  /** The /vnet command (without "/vnet") that asks for this change; runnable as it is, to ask again. */
  commandText: string;
  /** Where it was asked from when not typed, e.g. a diagnosis' Fix button. */
  origin: RequestOrigin | undefined;
  requestedBy: string;
  /** The channel where it was asked. */
  requestedIn: string;
  createdAt: Date;
  expiresAt: Date;
  decidedBy: string | undefined;
  decidedAt: Date | undefined;
  /** The approval message, once posted. */
  message: PostedMessage | undefined;
  steps: StepResult[];
  /** Why it failed or stopped, safe to show; for a change done without a step, why there was nothing to do. */
  failure: string | undefined;
  finishedAt: Date | undefined;
  /** The bot instance running it (running only). */
  owner: string | undefined;
  /** Until when its owner is known to be alive; renewed while the steps run. */
  leaseUntil: Date | undefined;
}

/** A button that asked for a change on the clicker's behalf, e.g. { button: "Fix", source: "/vnet diagnose" }. */
export interface RequestOrigin {
  button: string;
  source: string;
}

/** A new request, before the store gives it its status. */
export type NewApproval = Pick<ApprovalRecord, "id" | "request" | "plan" | "commandText" | "requestedBy" | "requestedIn" | "createdAt" | "expiresAt"> & {
  origin?: RequestOrigin;
  /** The apps it changes, by lower-case id: each is held by one active request at a time, as its target is. */
  appKeys: readonly string[];
};

/** Why a request was not created: the active request that holds its target, or one of its apps. */
export interface HeldBy {
  created: false;
  existing: ApprovalRecord;
  holds: "target" | "app";
}

/**
 * Durable approval state. Every transition is a single conditional write (compare-and-set on the status), so
 * that however many clicks arrive at once, exactly one caller wins; an in-memory flag would not survive restarts
 * or replicas.
 */
export interface ApprovalStore {
  /**
   * Inserts a pending request unless another active one holds its target or one of its apps; then returns that one
   * instead. One decision across replicas: two requests of one app never both get in.
   */
  create(approval: NewApproval): Promise<{ created: true } | HeldBy>;
  get(id: string): Promise<ApprovalRecord | undefined>;
  setMessage(id: string, message: PostedMessage): Promise<void>;
  /** pending → approved/rejected if not expired at `at`; false when someone else decided first or it expired. */
  decide(id: string, decision: "approved" | "rejected", by: string, at: Date): Promise<boolean>;
  /** Marks every pending request whose expiry is at or before `now` expired; returns them. */
  expireDue(now: Date): Promise<ApprovalRecord[]>;
  /** approved → running, owned by `owner` until `leaseUntil`; false when it was not approved (already started). */
  start(id: string, owner: string, leaseUntil: Date): Promise<boolean>;
  /** Extends the owner's lease; false when the change is no longer running under this owner. */
  renewLease(id: string, owner: string, leaseUntil: Date): Promise<boolean>;
  /** Appends a step result; false when the change is no longer running under this owner (nothing recorded). */
  recordStep(id: string, owner: string, result: StepResult): Promise<boolean>;
  /** running → done/failed for its owner; false when it is no longer running under this owner. */
  finish(id: string, owner: string, status: "done" | "failed", failure: string | undefined, at: Date): Promise<boolean>;
  /** approved (never started) → failed, when starting it went wrong; false when it was not approved any more. */
  abandon(id: string, failure: string, at: Date): Promise<boolean>;
  /**
   * running changes whose lease ended at or before `at`, and approved ones decided at or before `approvedBefore`
   * that nobody started, → interrupted; returns them. A change another live replica runs is left alone. With
   * `predecessor`, the changes it ran are interrupted whatever their lease: a restarted instance's previous
   * incarnation, known to be gone.
   */
  interruptUnfinished(at: Date, approvedBefore: Date, predecessor?: string): Promise<ApprovalRecord[]>;
  /** Requests in these statuses, oldest first. */
  list(statuses: readonly ApprovalStatus[]): Promise<ApprovalRecord[]>;
}
