import { collectDefaultMetrics, Registry } from "prom-client";
import type { SweepIdentity, SweepObserver } from "../sweep/evidence.js";
import type { RateBudget } from "../zendesk/budget.js";
import type { RequestLogger } from "../zendesk/request-log.js";
import { budgetMetrics } from "./budget-metrics.js";
import { defineMetrics } from "./definitions.js";
import { ownerKey, resourceLabel, SeriesTracker } from "./labels.js";
import { type AccountRef, requestMetricsLogger } from "./request-metrics.js";
import { sweepMetricsObserver } from "./sweep-metrics.js";

// Hush's Prometheus metrics (names and meaning in docs/metrics.md). The sweep engine and the
// Zendesk client report through interfaces (SweepObserver, RequestLogger, RateBudget.snapshot());
// this module turns what they report into series, and nothing below it imports prom-client.

export interface PolicyRef {
  namespace: string;
  name: string;
}

export interface MetricsOptions {
  /** Also export Node's process metrics (process_*, nodejs_*), as a long-running process should. */
  processMetrics?: boolean;
}

export interface HushMetrics {
  registry: Registry;
  /**
   * Labels items with the policy's action when the sweep identity names it
   * (`identity.policy.action`), else `Other`; use sweepObserverFor() when the caller knows it.
   */
  sweepObserver: SweepObserver;
  /** An observer labelling every item with `action`, the policy's spec.action (e.g. Redact). */
  sweepObserverFor(action: string): SweepObserver;
  /** Counts the account's Zendesk requests; give it to the account's client (connectAccount). */
  requestLogger(account: AccountRef): RequestLogger;
  /** Reports the account's rate budget on every scrape until the returned function is called. */
  watchBudget(account: AccountRef, budget: RateBudget): () => void;
  /** When the policy's next sweep is due; undefined removes the series (nothing scheduled). */
  setNextSweepTime(policy: PolicyRef, epochMs: number | undefined): void;
  setAccountReady(account: AccountRef, ready: boolean): void;
  /** Removes every series of a deleted policy, so that dashboards do not show it as still there. */
  forgetPolicy(policy: PolicyRef): void;
  /** Removes every series of a deleted account, and stops reporting its budget. */
  forgetAccount(account: AccountRef): void;
}

export function createMetrics(
  registry: Registry = new Registry(),
  options: MetricsOptions = {},
): HushMetrics {
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const metrics = defineMetrics(registry);
  const budgets = budgetMetrics(registry);
  const series = new SeriesTracker();
  const policyLabels = (policy: PolicyRef) => ({
    namespace: resourceLabel(policy.namespace),
    policy: resourceLabel(policy.name),
  });
  const accountLabels = (account: AccountRef) => ({
    namespace: resourceLabel(account.namespace),
    account: resourceLabel(account.name),
  });

  return {
    registry,
    sweepObserver: sweepMetricsObserver(metrics, series, actionNamedBy),
    sweepObserverFor: (action) => sweepMetricsObserver(metrics, series, () => action),
    requestLogger: (account) => requestMetricsLogger(metrics, series, account),
    watchBudget: (account, budget) => budgets.watch(account, budget),
    setNextSweepTime(policy, epochMs) {
      const labels = policyLabels(policy);
      if (epochMs === undefined || !Number.isFinite(epochMs)) {
        metrics.nextSweep.remove(labels);
        return;
      }
      metrics.nextSweep.set(
        series.note(ownerKey("policy", policy), metrics.nextSweep, labels),
        epochMs / 1000,
      );
    },
    setAccountReady(account, ready) {
      const labels = series.note(ownerKey("account", account), metrics.accountReady, accountLabels(account));
      metrics.accountReady.set(labels, ready ? 1 : 0);
    },
    forgetPolicy: (policy) => series.forget(ownerKey("policy", policy)),
    forgetAccount(account) {
      budgets.unwatch(account);
      series.forget(ownerKey("account", account));
    },
  };
}

/** The policy's action, when the sweep engine puts it into the identity. */
function actionNamedBy(sweep: SweepIdentity): string | undefined {
  const action = (sweep.policy as { action?: unknown }).action;
  return typeof action === "string" ? action : undefined;
}
