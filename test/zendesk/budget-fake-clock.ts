import type { Clock } from "../../src/zendesk/clock.js";

/**
 * Virtual time for unit tests: sleeps wait until `run` moves time to them, in time order, after
 * letting every pending promise callback run. Nothing waits for real.
 */
export class FakeClock implements Clock {
  time: number;
  private timers: { at: number; seq: number; resolve: () => void }[] = [];
  private seq = 0;

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      signal?.throwIfAborted();
      const timer = {
        at: this.time + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.timers.push(timer);
    });
  }

  /** Pending sleeps. */
  get sleepers(): number {
    return this.timers.length;
  }

  /** Fires sleeps in time order until none is due before `time + ms` (default: until none is left). */
  async run(ms = Number.POSITIVE_INFINITY): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settle();
      const next = this.timers.reduce<(typeof this.timers)[number] | undefined>(
        (a, b) => (!a || b.at < a.at || (b.at === a.at && b.seq < a.seq) ? b : a),
        undefined,
      );
      if (!next || next.at > end) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.time = Math.max(this.time, next.at);
      next.resolve();
    }
    if (Number.isFinite(end)) this.time = Math.max(this.time, end);
  }
}

/** Lets every queued promise callback run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
