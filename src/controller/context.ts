import type pino from "pino";
import type { HushMetrics } from "../observability/metrics.js";
import type { AuditSink } from "../sweep/evidence.js";
import type { Clock } from "../zendesk/clock.js";
import type { ClusterApi, Informer, ObjectKey } from "./cluster.js";

// What the reconcilers get from the operator's wiring (operator.ts builds it): the API server,
// the informer caches they read (level-triggered: a reconcile reads the cache, never an event),
// a way to ask for a reconcile, and the process' clock, log, metrics and audit stream.

/** The Secrets accounts reference: a change of one enqueues the accounts that watch it. */
export interface SecretWatches {
  /** `by` (a ZendeskAccount) is reconciled whenever Secret `secret` changes, appears or goes. */
  watch(secret: ObjectKey, by: ObjectKey): void;
  /** `by` no longer watches any Secret (it was deleted, or names other Secrets now). */
  forget(by: ObjectKey): void;
}

/** What a reconcile asks of the work queue: nothing, or to be reconciled again after a while. */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

export type ReconciledKind = "ZendeskAccount" | "RedactionPolicy";

export interface ControllerContext {
  api: ClusterApi;
  /** ZendeskAccount objects, as the server returns them. */
  accounts: Informer;
  /** RedactionPolicy objects. */
  policies: Informer;
  secrets: SecretWatches;
  /** Asks for a reconcile of `key`, now or after `afterMs`. */
  enqueue(kind: ReconciledKind, key: ObjectKey, afterMs?: number): void;
  clock: Clock;
  logger: pino.Logger;
  /** Sweep and request metrics (src/observability createMetrics). */
  metrics: HushMetrics;
  audit: AuditSink;
  /** This replica (the pod's name): Events' reportingInstance. */
  identity: string;
  /** Sweeps at once on one account, sharing its connection and rate budget (--max-sweeps-per-account). */
  maxSweepsPerAccount: number;
  /** Least time between status writes of a running sweep's progress; default 5000. */
  progressIntervalMs: number;
}

export const DEFAULT_PROGRESS_INTERVAL_MS = 5_000;
