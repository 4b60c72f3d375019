import type { SweepSummary } from "../api/redaction-policy.js";
import type { Actions, ItemOutcome, ItemRef } from "./outcome.js";

// What a sweep leaves behind besides its changes in Zendesk: one audit record per item acted on,
// and events for metrics and progress. Both carry ids, names of resources, counts and CamelCase
// words only, never text from Zendesk, so they can be kept, shipped and shown anywhere.

/** Which sweep of which policy on which account; resource names are not personal data. */
export interface SweepIdentity {
  sweepId: string;
  account: { namespace: string; name: string };
  policy: { namespace: string; name: string; generation: number; uid?: string };
}

/** The policy's action as recorded: Replace is Redact carried out by importing a redacted copy. */
export type AuditAction = "Redact" | "Replace" | "Anonymize" | "Delete" | "PermanentlyDelete";

/** One item acted on. The sink adds the sequence number and the hash chain. */
export interface AuditRecord {
  /** ISO 8601 time the item's work ended. */
  time: string;
  sweepId: string;
  /** `namespace/name` of the ZendeskAccount. */
  account: string;
  /** `namespace/name` of the RedactionPolicy. */
  policy: string;
  generation: number;
  item: ItemRef;
  action: AuditAction;
  /** What Hush changed, by kind of change (e.g. RedactComment: 3). */
  changes: Actions;
  /** Names of the fields changed, e.g. subject, comments, attachments, email, phone. */
  fieldsChanged: string[];
  /** Personal data found, by detector (Detected masking; empty in Full masking). */
  detectorCounts: Record<string, number>;
  /** Replace: the id of the redacted copy that stands for the original. */
  copyId?: number;
  /** Findings left after acting (where Zendesk allows no change); null when not verified. */
  residual: number | null;
  /**
   * Set when an earlier run of the sweep was working on the item when it stopped (a crash, a
   * cancellation) and left no record of it: that run may have changed the item, and what it
   * changed is not known. `changes` and `fieldsChanged` list only what this run changed; both
   * are empty when this run found the work already done.
   */
  recovered?: true;
}

/** A dedicated stream of audit records, e.g. a JSON-lines file. Writes are durable when they resolve. */
export interface AuditSink {
  write(record: AuditRecord): Promise<void>;
  /**
   * The records this sink already holds for items `ids` of sweep `sweepId`, none older than
   * `since` (the sweep's start). After a crash, an item's record can be durable while the journal
   * line that marks the item done is not; the sweep asks before it writes a record a second time.
   * A sink that cannot read back what it wrote (a stream) leaves this out.
   */
  recorded?(sweepId: string, ids: readonly number[], since: Date): Promise<Map<number, AuditRecord>>;
  close(): Promise<void>;
}

/** Told about a sweep as it goes: metrics, progress bars and status writers listen here. */
export interface SweepObserver {
  sweepStarted?(sweep: SweepIdentity, matched: number): void;
  itemDone?(sweep: SweepIdentity, outcome: ItemOutcome, durationMs: number): void;
  sweepEnded?(sweep: SweepIdentity, summary: SweepSummary, durationMs: number): void;
}
