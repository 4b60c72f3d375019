/**
 * The simulator's notion of "now": real time plus an offset that tests can push forward, so that
 * rate-limit windows, archiving, job progress and cursor expiry can be exercised without waiting.
 * Everything time-dependent in the simulator is derived lazily from this clock; nothing uses timers.
 */
export class SimClock {
  private offsetMs = 0;
  /** Set once frozen: the time, moved only by advance() and set(). */
  private frozenAt: number | null = null;

  now(): number {
    return this.frozenAt ?? Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock can only move forward; got ${ms} ms`);
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
  }

  /**
   * Stops real time from moving the clock; from now on only advance() and set() do. For in-process
   * runs on virtual time (tests, benchmarks), where a request must take no simulated time however
   * long the machine takes to serve it.
   */
  freeze(): void {
    this.frozenAt ??= this.now();
  }

  /** Moves the clock to an absolute time, forward only. */
  set(epochMs: number): void {
    this.advance(Math.max(0, epochMs - this.now()));
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Zendesk's timestamp format: ISO 8601 without milliseconds. */
export function isoTime(epochMs: number): string {
  return `${new Date(Math.floor(epochMs / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}
