import type { Preview, SweepResultKind, SweepSummary } from "../api/redaction-policy.js";
import type { Clock } from "../zendesk/clock.js";
import { ZendeskError } from "../zendesk/errors.js";
import { PaginationError } from "../zendesk/paginate.js";
import type { SweepIdentity, SweepObserver } from "./evidence.js";
import { emptyTally, type SweepTally } from "./sweep-state.js";

// How a sweep ends, for status (lastSweep), the command line and the observer: a result, counts
// and a sentence that says what happened and what comes next, never personal data.

export interface SweepReport {
  identity: SweepIdentity;
  /** The status' lastSweep: counts are this run's (and a crashed run's before it, never reported). */
  summary: SweepSummary;
  /** Dry runs and AwaitingApproval. */
  preview?: Preview;
  failures: { kind: string; count: number }[];
  /** Whether this run continued an unfinished sweep. */
  resumed: boolean;
}

export type RunEnd = { ended: "exhausted" | "limit" | "cancelled" } | { failed: unknown };

/** Builds the report and tells the observer, whichever way the sweep ends. */
export class SweepEnding {
  resumed = false;
  private matched = 0;
  private startedTold = false;

  constructor(
    private readonly identity: SweepIdentity,
    private readonly noun: "tickets" | "users",
    private readonly startTime: Date,
    private readonly clock: Clock,
    private readonly observer: SweepObserver | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {}

  started(matched: number): void {
    this.matched = matched;
    this.startedTold = true;
    this.observer?.sweepStarted?.(this.identity, matched);
  }

  /** Before any item: nothing counted. */
  early(result: SweepResultKind, message: string): SweepReport {
    if (!this.startedTold) this.started(0);
    return this.report(result, message, emptyTally());
  }

  /** Dry runs and approvals: a preview (GET requests only), or Failed when it cannot be made. */
  async withPreview(
    make: () => Promise<Preview>,
    describe: (preview: Preview) => { result: SweepResultKind; message: string },
  ): Promise<SweepReport> {
    let preview: Preview;
    try {
      preview = await make();
    } catch (error) {
      if (this.signal?.aborted) return this.early("Cancelled", "The sweep was cancelled during its preview.");
      if (!(error instanceof ZendeskError || error instanceof PaginationError)) throw error;
      return this.early("Failed", `The preview could not be made: ${error.message}.`);
    }
    const { result, message } = describe(preview);
    return { ...this.report(result, message, emptyTally()), preview };
  }

  /** After items were worked on. */
  ran(how: RunEnd, counts: SweepTally, limit: number): SweepReport {
    const { matched, noun } = this;
    const handled = counts.acted + counts.skipped + counts.failed;
    const done = `${counts.acted} acted on, ${counts.skipped} needed no change, ${counts.failed} failed`;
    const kinds = Object.entries(counts.failures)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, n]) => `${kind} ${n}`)
      .join(", ");
    const residual =
      counts.residual > 0 ? ` ${counts.residual} findings remain where Zendesk allows no change.` : "";
    if ("failed" in how) {
      const reason = how.failed instanceof Error ? how.failed.message : "an unexpected error";
      const message = `The sweep stopped after ${handled} of ${counted(matched, noun)} (${done}): ${reason}. The next sweep continues where it stopped.`;
      return this.report("Failed", message, counts);
    }
    if (how.ended === "cancelled") {
      const message = `The sweep was cancelled after ${handled} of ${counted(matched, noun)} (${done}); the next sweep continues where it stopped.`;
      return this.report("Cancelled", message, counts);
    }
    if (how.ended === "limit") {
      const message = `The sweep stopped at spec.limits.maxItemsPerSweep (${limit} items; ${done}); the next sweep goes on with the rest.${residual}`;
      return this.report("LimitReached", message, counts);
    }
    if (counts.failed > 0) {
      const message = `${counted(handled, noun)} handled: ${done} (${kinds}); the next sweep tries the failed ones again.${residual}`;
      return this.report("PartiallyFailed", message, counts);
    }
    return this.report("Succeeded", `${counted(handled, noun)} handled: ${done}.${residual}`, counts);
  }

  private report(result: SweepResultKind, message: string, counts: SweepTally): SweepReport {
    const now = this.clock.now();
    const summary: SweepSummary = {
      sweepId: this.identity.sweepId,
      startTime: this.startTime.toISOString(),
      completionTime: new Date(now).toISOString(),
      result,
      counts: {
        matched: this.matched,
        acted: counts.acted,
        skipped: counts.skipped,
        failed: counts.failed,
        residual: counts.residual,
      },
      message: message.slice(0, 2000),
    };
    this.observer?.sweepEnded?.(this.identity, summary, now - this.startTime.getTime());
    return {
      identity: this.identity,
      summary,
      failures: Object.entries(counts.failures)
        .map(([kind, count]) => ({ kind, count }))
        .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind)),
      resumed: this.resumed,
    };
  }
}

/** "1 ticket", "2 tickets", "0 users": a count with its noun (plural given), for messages people read. */
export function counted(count: number, plural: string): string {
  return `${count} ${count === 1 ? plural.replace(/s$/, "") : plural}`;
}

/** "45 s", "12 min", "3.5 h". */
export function duration(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
