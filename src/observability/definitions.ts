import { Counter, Gauge, Histogram, type Registry } from "prom-client";

// Every metric Hush exports, in one place, so that names, labels and help texts stay together
// with docs/metrics.md. Labels carry resource names (namespace, policy, account) and fixed words
// only (labels.ts); never item ids, query text or anything read from Zendesk.

/** Seconds: a sweep takes from a second (nothing matched) to a day (a large backlog). */
const SWEEP_BUCKETS = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 7200, 14_400, 43_200, 86_400];
/** Seconds: an item takes a few requests, more when it waits for its share of the rate limit. */
const ITEM_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
/** Seconds: one Zendesk HTTP attempt. */
const REQUEST_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

const SWEEP = ["namespace", "policy"] as const;
const ACCOUNT = ["namespace", "account"] as const;

export function defineMetrics(registry: Registry) {
  const registers = [registry];
  return {
    // Sweeps.
    sweeps: new Counter({
      name: "hush_sweeps_total",
      help: "Sweeps ended, by result (Succeeded, PartiallyFailed, Failed, LimitReached, AwaitingApproval, Cancelled, Previewed).",
      labelNames: [...SWEEP, "result"],
      registers,
    }),
    sweepDuration: new Histogram({
      name: "hush_sweep_duration_seconds",
      help: "How long sweeps took, from start to end, by result.",
      labelNames: [...SWEEP, "result"],
      buckets: SWEEP_BUCKETS,
      registers,
    }),
    sweepInProgress: new Gauge({
      name: "hush_sweep_in_progress",
      help: "1 while a sweep of the policy runs, else 0.",
      labelNames: [...SWEEP],
      registers,
    }),
    sweepMatched: new Gauge({
      name: "hush_sweep_matched_items",
      help: "Items the policy's query matched when its latest sweep started.",
      labelNames: [...SWEEP],
      registers,
    }),
    sweepLastCompletion: new Gauge({
      name: "hush_sweep_last_completion_timestamp_seconds",
      help: "When the policy's latest sweep with this result ended (Unix time).",
      labelNames: [...SWEEP, "result"],
      registers,
    }),
    sweepResidual: new Gauge({
      name: "hush_sweep_residual_findings",
      help: "Personal data found again after acting, where Zendesk allows no change, in the policy's latest sweep.",
      labelNames: [...SWEEP],
      registers,
    }),
    // Items.
    items: new Counter({
      name: "hush_sweep_items_total",
      help: "Items handled by sweeps, by the policy's action and result (acted, skipped, failed).",
      labelNames: [...SWEEP, "action", "result"],
      registers,
    }),
    itemDuration: new Histogram({
      name: "hush_sweep_item_duration_seconds",
      help: "How long one item took, waiting for the rate budget included.",
      labelNames: [...SWEEP, "action"],
      buckets: ITEM_BUCKETS,
      registers,
    }),
    itemFailures: new Counter({
      name: "hush_item_failures_total",
      help: "Items that failed, by kind of failure (a Zendesk error kind, Refused, CopyIncomplete, CopyNotYetFindable, JobTimeout).",
      labelNames: [...SWEEP, "kind"],
      registers,
    }),
    skips: new Counter({
      name: "hush_sweep_skips_total",
      help: "Items skipped, by reason (NotFound, NothingToRedact, OnlyUnchangeableLeft, IsReplacementCopy, AlreadyReplaced, AlreadyDeleted, Exempt).",
      labelNames: [...SWEEP, "reason"],
      registers,
    }),
    findings: new Counter({
      name: "hush_findings_total",
      help: "Personal data found by detector in items acted on (the detector counts of the audit records).",
      labelNames: [...SWEEP, "detector"],
      registers,
    }),
    nextSweep: new Gauge({
      name: "hush_policy_next_sweep_timestamp_seconds",
      help: "When the policy's next sweep is due (Unix time); absent when none is scheduled.",
      labelNames: [...SWEEP],
      registers,
    }),
    // Accounts and Zendesk requests.
    accountReady: new Gauge({
      name: "hush_account_ready",
      help: "1 when the account's credentials work and it can be swept, else 0.",
      labelNames: [...ACCOUNT],
      registers,
    }),
    requests: new Counter({
      name: "hush_zendesk_requests_total",
      help: "HTTP attempts sent to Zendesk (retries included), by route template and status code (`error` when no response arrived).",
      labelNames: [...ACCOUNT, "method", "route", "code"],
      registers,
    }),
    requestDuration: new Histogram({
      name: "hush_zendesk_request_duration_seconds",
      help: "How long HTTP attempts to Zendesk took, by route template.",
      labelNames: [...ACCOUNT, "method", "route"],
      buckets: REQUEST_BUCKETS,
      registers,
    }),
    retries: new Counter({
      name: "hush_zendesk_retries_total",
      help: "HTTP attempts to Zendesk that were retries of an earlier attempt.",
      labelNames: [...ACCOUNT, "method", "route"],
      registers,
    }),
    rateLimited: new Counter({
      name: "hush_zendesk_rate_limited_total",
      help: "Responses 429 Too Many Requests from Zendesk.",
      labelNames: [...ACCOUNT, "method", "route"],
      registers,
    }),
    networkErrors: new Counter({
      name: "hush_zendesk_network_errors_total",
      help: "HTTP attempts to Zendesk that got no response, by network error code (e.g. ECONNRESET).",
      labelNames: [...ACCOUNT, "error_code"],
      registers,
    }),
  };
}

export type MetricSet = ReturnType<typeof defineMetrics>;
