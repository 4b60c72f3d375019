import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { enumLabel } from "./labels.js";

// The operator's own metrics (docs/metrics.md, docs/operator.md), next to the sweep metrics on the
// registry createMetrics() uses. Labels are fixed words only: the controller (the kind it
// reconciles), a result, a watched kind and why its watch restarted. Never an object's name: a
// reconcile of one object is not worth a series, and names are on the sweep metrics already.

export const CONTROLLERS = ["ZendeskAccount", "RedactionPolicy"] as const;
export type ControllerName = (typeof CONTROLLERS)[number];

/** What a reconcile came to, as the work queue reports it. */
export const RECONCILE_RESULTS = ["success", "requeue", "error"] as const;
export type ReconcileResult = (typeof RECONCILE_RESULTS)[number];

export const WATCHED_KINDS = ["ZendeskAccount", "RedactionPolicy", "Secret"] as const;
/** InformerOptions.onRestart's reasons (src/controller/cluster.ts). */
export const WATCH_RESTART_REASONS = ["Expired", "Error", "Stalled", "Closed"] as const;

/** Seconds: a reconcile reads a cache and writes status; a slow one waits for the API server. */
const RECONCILE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface ControllerMetrics {
  reconciled(controller: ControllerName, result: ReconcileResult, durationMs: number): void;
  /** Reports `depth()` as the controller's queue depth on every scrape until the returned function is called. */
  watchQueueDepth(controller: ControllerName, depth: () => number): () => void;
  watchRestarted(kind: string, reason: string): void;
  setLeader(leading: boolean): void;
}

export function controllerMetrics(registry: Registry): ControllerMetrics {
  const registers = [registry];
  const depths = new Map<ControllerName, () => number>();
  const reconciles = new Counter({
    name: "hush_controller_reconciles_total",
    help: "Reconciles by controller (the kind reconciled) and result: success, requeue (asked to come back later) or error (retried with backoff).",
    labelNames: ["controller", "result"],
    registers,
  });
  const duration = new Histogram({
    name: "hush_controller_reconcile_duration_seconds",
    help: "How long reconciles took, by controller; sweeps run in the background and are not included.",
    labelNames: ["controller"],
    buckets: RECONCILE_BUCKETS,
    registers,
  });
  const queueDepth = new Gauge({
    name: "hush_controller_queue_depth",
    help: "Objects waiting in the controller's work queue to be reconciled now.",
    labelNames: ["controller"],
    registers,
    collect() {
      for (const controller of CONTROLLERS) {
        const depth = depths.get(controller);
        this.set({ controller }, depth ? depth() : 0);
      }
    },
  });
  const watchRestarts = new Counter({
    name: "hush_controller_watch_restarts_total",
    help: "Watches started again, by kind and reason: Expired (410 Gone, relisted), Error, Stalled (no event for too long) or Closed (by the server).",
    labelNames: ["kind", "reason"],
    registers,
  });
  const leader = new Gauge({
    name: "hush_controller_leader",
    help: "1 while this replica holds the leader Lease (or runs without leader election), else 0.",
    registers,
  });

  // Every series from the start, at 0: a rate over a counter that appears late misses its first step.
  for (const controller of CONTROLLERS) {
    for (const result of RECONCILE_RESULTS) reconciles.inc({ controller, result }, 0);
    queueDepth.set({ controller }, 0);
  }
  leader.set(0);

  return {
    reconciled(controller, result, durationMs) {
      const name = enumLabel(controller, CONTROLLERS);
      reconciles.inc({ controller: name, result: enumLabel(result, RECONCILE_RESULTS) });
      if (Number.isFinite(durationMs) && durationMs >= 0) {
        duration.observe({ controller: name }, durationMs / 1000);
      }
    },
    watchQueueDepth(controller, depth) {
      depths.set(controller, depth);
      return () => {
        if (depths.get(controller) === depth) depths.delete(controller);
      };
    },
    watchRestarted(kind, reason) {
      watchRestarts.inc({
        kind: enumLabel(kind, WATCHED_KINDS),
        reason: enumLabel(reason, WATCH_RESTART_REASONS),
      });
    },
    setLeader(leading) {
      leader.set(leading ? 1 : 0);
    },
  };
}
