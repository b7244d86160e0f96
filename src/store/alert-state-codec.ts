/** Alert states as the stores keep them inside a claim (the state before it), and the version tags of writes. */
import { randomBytes } from "node:crypto";
import type { AlertState } from "../core/ports.ts";

interface EncodedState {
  announced: string[];
  snoozedUntil: number | null;
  lastResult: string | null;
  updatedAt: number;
}

/** A fresh version tag for a write. */
export function newEtag(): string {
  return randomBytes(8).toString("hex");
}

/** The state as JSON text; "null" for none. */
export function encodeAlertState(state: AlertState | undefined): string {
  if (!state) return "null";
  const encoded: EncodedState = { announced: state.announced, snoozedUntil: state.snoozedUntil?.getTime() ?? null, lastResult: state.lastResult ?? null, updatedAt: state.updatedAt.getTime() };
  return JSON.stringify(encoded);
}

/** Reads what encodeAlertState wrote (already parsed or as text). */
export function decodeAlertState(value: unknown): AlertState | undefined {
  const encoded = (typeof value === "string" ? JSON.parse(value) : value) as EncodedState | null;
  if (!encoded) return undefined;
  return {
    announced: encoded.announced,
    snoozedUntil: encoded.snoozedUntil === null ? undefined : new Date(encoded.snoozedUntil),
    lastResult: encoded.lastResult ?? undefined,
    updatedAt: new Date(encoded.updatedAt),
  };
}
