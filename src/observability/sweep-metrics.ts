import { ACTIONS, SWEEP_RESULTS } from "../api/redaction-policy.js";
import type { SweepIdentity, SweepObserver } from "../sweep/evidence.js";
import type { ItemOutcome } from "../sweep/outcome.js";
import type { MetricSet } from "./definitions.js";
import { enumLabel, ownerKey, resourceLabel, type SeriesTracker, wordLabel } from "./labels.js";

// Sweep events → metrics. The observer sees ids (outcome.item.id) but turns only counts,
// durations and fixed words into series: an item never gets a series of its own.

const ITEM_RESULTS = ["acted", "skipped", "failed"] as const;

/**
 * An observer labelling items with `action`; `actionOf` decides per sweep (the identity may name
 * the policy's action, see metrics.ts).
 */
export function sweepMetricsObserver(
  metrics: MetricSet,
  series: SeriesTracker,
  actionOf: (sweep: SweepIdentity) => string | undefined,
): SweepObserver {
  const labels = (sweep: SweepIdentity) => ({
    namespace: resourceLabel(sweep.policy.namespace),
    policy: resourceLabel(sweep.policy.name),
  });
  const owner = (sweep: SweepIdentity) => ownerKey("policy", sweep.policy);

  return {
    sweepStarted(sweep, matched) {
      const base = labels(sweep);
      metrics.sweepInProgress.set(series.note(owner(sweep), metrics.sweepInProgress, base), 1);
      metrics.sweepMatched.set(series.note(owner(sweep), metrics.sweepMatched, base), matched);
    },

    itemDone(sweep, outcome, durationMs) {
      const base = labels(sweep);
      const key = owner(sweep);
      const action = enumLabel(actionOf(sweep), ACTIONS);
      const result = enumLabel(outcome.result, ITEM_RESULTS);
      metrics.items.inc(series.note(key, metrics.items, { ...base, action, result }));
      metrics.itemDuration.observe(
        series.note(key, metrics.itemDuration, { ...base, action }),
        seconds(durationMs),
      );
      countDetails(metrics, series, key, base, outcome);
    },

    sweepEnded(sweep, summary, durationMs) {
      const base = labels(sweep);
      const key = owner(sweep);
      const result = enumLabel(summary.result, SWEEP_RESULTS);
      metrics.sweeps.inc(series.note(key, metrics.sweeps, { ...base, result }));
      metrics.sweepDuration.observe(
        series.note(key, metrics.sweepDuration, { ...base, result }),
        seconds(durationMs),
      );
      metrics.sweepInProgress.set(series.note(key, metrics.sweepInProgress, base), 0);
      metrics.sweepMatched.set(series.note(key, metrics.sweepMatched, base), summary.counts.matched);
      metrics.sweepResidual.set(series.note(key, metrics.sweepResidual, base), summary.counts.residual);
      const ended = Date.parse(summary.completionTime);
      metrics.sweepLastCompletion.set(
        series.note(key, metrics.sweepLastCompletion, { ...base, result }),
        (Number.isFinite(ended) ? ended : Date.now()) / 1000,
      );
    },
  };
}

function countDetails(
  metrics: MetricSet,
  series: SeriesTracker,
  key: string,
  base: { namespace: string; policy: string },
  outcome: ItemOutcome,
): void {
  switch (outcome.result) {
    case "failed":
      metrics.itemFailures.inc(
        series.note(key, metrics.itemFailures, { ...base, kind: wordLabel(outcome.error.kind) }),
      );
      return;
    case "skipped":
      metrics.skips.inc(series.note(key, metrics.skips, { ...base, reason: wordLabel(outcome.reason) }));
      return;
    case "acted":
      // Only items acted on: the same counts as their audit records, so the two can be compared.
      for (const [detector, count] of Object.entries(outcome.findings)) {
        if (!(count > 0)) continue;
        metrics.findings.inc(
          series.note(key, metrics.findings, { ...base, detector: wordLabel(detector) }),
          count,
        );
      }
      return;
  }
}

function seconds(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0;
}
