/** The approval state machine's records and the store port that makes its transitions atomic. */
import type { PostedMessage } from "../ports.ts";
import type { ChangePlan, ChangeRequest, StepResult } from "../changes/types.ts";

/**
 * pending → approved → running → done | failed; pending → rejected | expired; approved/running → interrupted
 * (a restart). Only pending requests have buttons.
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
  /** What the requester typed after /vnet, so that messages can say how to run it again. */
  commandText: string;
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
  /** Why it failed or stopped, safe to show. */
  failure: string | undefined;
  finishedAt: Date | undefined;
}

/** A new request, before the store gives it its status. */
export type NewApproval = Pick<ApprovalRecord, "id" | "request" | "plan" | "commandText" | "requestedBy" | "requestedIn" | "createdAt" | "expiresAt">;

/**
 * Durable approval state. Every transition is a single conditional write (compare-and-set on the status), so
 * that however many clicks arrive at once, exactly one caller wins; an in-memory flag would not survive restarts
 * or replicas.
 */
export interface ApprovalStore {
  /** Inserts a pending request unless another active one holds its target; then returns that one instead. */
  create(approval: NewApproval): Promise<{ created: true } | { created: false; existing: ApprovalRecord }>;
  get(id: string): Promise<ApprovalRecord | undefined>;
  setMessage(id: string, message: PostedMessage): Promise<void>;
  /** pending → approved/rejected if not expired at `at`; false when someone else decided first or it expired. */
  decide(id: string, decision: "approved" | "rejected", by: string, at: Date): Promise<boolean>;
  /** Marks every pending request whose expiry is at or before `now` expired; returns them. */
  expireDue(now: Date): Promise<ApprovalRecord[]>;
  /** approved → running; false when it was not approved (already started). */
  start(id: string): Promise<boolean>;
  recordStep(id: string, result: StepResult): Promise<void>;
  /** running → done/failed. */
  finish(id: string, status: "done" | "failed", failure: string | undefined, at: Date): Promise<void>;
  /** approved/running → interrupted, at start-up after a restart; returns them. */
  interruptUnfinished(at: Date): Promise<ApprovalRecord[]>;
  /** Requests in these statuses, oldest first. */
  list(statuses: readonly ApprovalStatus[]): Promise<ApprovalRecord[]>;
}
