import { Counter, Gauge, type Registry } from "prom-client";
import type { RateBudget, RateBudgetSnapshot } from "../zendesk/budget.js";
import { ownerKey, resourceLabel } from "./labels.js";
import type { AccountRef } from "./request-metrics.js";

// The rate budget of each account, read when Prometheus scrapes (RateBudget.snapshot() is cheap),
// so that the gauges are never stale and the budget needs no hook into metrics.

interface Watched {
  labels: { namespace: string; account: string };
  budget: RateBudget;
}

type Read = (snapshot: RateBudgetSnapshot) => number;

export interface BudgetMetrics {
  /** Reports `budget` as the account's until the returned function is called. */
  watch(account: AccountRef, budget: RateBudget): () => void;
  unwatch(account: AccountRef): void;
}

export function budgetMetrics(registry: Registry): BudgetMetrics {
  const watched = new Map<string, Watched>();
  const registers = [registry];
  const labelNames = ["namespace", "account"] as const;

  const gauge = (name: string, help: string, read: Read): void => {
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const { labels, budget } of watched.values()) this.set(labels, read(budget.snapshot()));
      },
    });
  };
  const counter = (name: string, help: string, read: Read): void => {
    new Counter({
      name,
      help,
      labelNames,
      registers,
      collect() {
        // The budget counts; the counter reports its count (a new budget starts again at 0,
        // which Prometheus' rate() reads as a counter reset).
        this.reset();
        for (const { labels, budget } of watched.values()) this.inc(labels, read(budget.snapshot()));
      },
    });
  };

  new Gauge({
    name: "hush_rate_limit_requests_per_minute",
    help: "The account's rate limit in use (requests a minute), by where it came from (configured, learnt from Zendesk's headers, or assumed until the first response).",
    labelNames: [...labelNames, "source"],
    registers,
    collect() {
      this.reset();
      for (const { labels, budget } of watched.values()) {
        const snapshot = budget.snapshot();
        this.set({ ...labels, source: snapshot.limitSource }, snapshot.limit);
      }
    },
  });
  gauge(
    "hush_rate_budget_share_ratio",
    "The part of the account's rate limit Hush may use (0..1); the rest stays for agents and apps.",
    (s) => s.share / 100,
  );
  gauge(
    "hush_rate_budget_allowed_per_minute",
    "Hush's own requests allowed in any 60 seconds (its share of the account limit).",
    (s) => s.allowedPerMinute,
  );
  gauge(
    "hush_rate_budget_peak_per_minute",
    "Most of Hush's own requests seen in one 60-second window since the budget was made.",
    (s) => s.peakPerMinute,
  );
  gauge(
    "hush_rate_budget_in_flight",
    "Requests let through by the budget whose response has not arrived yet.",
    (s) => s.requestsInFlight,
  );
  gauge(
    "hush_rate_budget_jobs_in_flight",
    "Zendesk background jobs Hush has queued or running.",
    (s) => s.jobsInFlight,
  );
  gauge(
    "hush_rate_budget_max_jobs_in_flight",
    "Zendesk background jobs Hush may have queued or running at once.",
    (s) => s.maxJobsInFlight,
  );
  counter("hush_rate_budget_requests_total", "Requests the budget let through.", (s) => s.requests);
  counter(
    "hush_rate_budget_waits_total",
    "Requests that had to wait for the budget (Hush's share of a rate limit was used up).",
    (s) => s.waits,
  );
  counter(
    "hush_rate_budget_waited_seconds_total",
    "Time requests spent waiting for the budget, summed.",
    (s) => s.waitedMs / 1000,
  );

  return {
    watch(account, budget) {
      const key = ownerKey("account", account);
      const entry: Watched = {
        labels: { namespace: resourceLabel(account.namespace), account: resourceLabel(account.name) },
        budget,
      };
      watched.set(key, entry);
      return () => {
        // A later watch of the same account (a new connection) must not be undone by the old one.
        if (watched.get(key) === entry) watched.delete(key);
      };
    },
    unwatch(account) {
      watched.delete(ownerKey("account", account));
    },
  };
}
