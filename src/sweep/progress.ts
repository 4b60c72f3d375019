import type { CurrentSweep } from "../api/redaction-policy.js";
import type { Clock } from "../zendesk/clock.js";

// Progress of a running sweep for status and progress bars: at most about once a second of the
// sweep's clock, and once more at the end, with an estimated end from the rate so far.

export const PROGRESS_INTERVAL_MS = 1_000;

export interface ProgressCounts {
  /** Items handled since the sweep's last report (a run after a crash counts the crashed run's). */
  processed: number;
  acted: number;
  failed: number;
  /** Items handled by this run: the rate the estimate goes by. */
  processedByRun: number;
}

export class ProgressReporter {
  private lastAt = Number.NEGATIVE_INFINITY;
  private readonly startedAt: number;

  constructor(
    private readonly onProgress: ((progress: CurrentSweep) => void) | undefined,
    private readonly clock: Clock,
    private readonly sweep: {
      sweepId: string;
      startTime: Date;
      matched: number;
      /** Items this run will take at most: the matches, capped by the per-sweep limit. */
      target: number;
    },
  ) {
    this.startedAt = clock.now();
  }

  /** Reports when a second has passed since the last report (or always, at the end). */
  report(counts: ProgressCounts, final = false): void {
    if (!this.onProgress) return;
    const now = this.clock.now();
    if (!final && now - this.lastAt < PROGRESS_INTERVAL_MS) return;
    this.lastAt = now;
    const eta = this.estimatedCompletion(counts.processedByRun, now);
    this.onProgress({
      sweepId: this.sweep.sweepId,
      startTime: this.sweep.startTime.toISOString(),
      matched: this.sweep.matched,
      processed: counts.processed,
      acted: counts.acted,
      failed: counts.failed,
      ...(eta === undefined ? {} : { estimatedCompletionTime: new Date(eta).toISOString() }),
    });
  }

  private estimatedCompletion(processed: number, now: number): number | undefined {
    const elapsed = now - this.startedAt;
    if (processed <= 0 || elapsed <= 0) return undefined;
    const remaining = Math.max(0, this.sweep.target - processed);
    return Math.round(now + (remaining * elapsed) / processed);
  }
}
