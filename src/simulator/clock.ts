/**
 * The simulator's notion of "now": real time plus an offset that tests can push forward, so that
 * rate-limit windows, archiving, job progress and cursor expiry can be exercised without waiting.
 * Everything time-dependent in the simulator is derived lazily from this clock; nothing uses timers.
 */
export class SimClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock can only move forward; got ${ms} ms`);
    this.offsetMs += ms;
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
