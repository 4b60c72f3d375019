import { setImmediate as nextTurn } from "node:timers/promises";
import type { Clock } from "../../src/zendesk/clock.js";

interface Sleeper {
  at: number;
  resolve: () => void;
}

/**
 * A Clock that moves only when a test says so. advance() wakes sleepers in time order and lets
 * what each wakes up run (and start new sleeps) before moving on, as real time would.
 */
export class ManualClock implements Clock {
  private current: number;
  private readonly sleepers = new Set<Sleeper>();

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      if (ms <= 0) {
        resolve();
        return;
      }
      const sleeper: Sleeper = {
        at: this.current + ms,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.sleepers.delete(sleeper);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.sleepers.add(sleeper);
    });
  }

  /** Sleeps not yet over. */
  get pendingSleeps(): number {
    return this.sleepers.size;
  }

  /** When the next sleep ends, if any. */
  get nextWakeAt(): number | undefined {
    const times = [...this.sleepers].map((s) => s.at);
    return times.length === 0 ? undefined : Math.min(...times);
  }

  /** Moves time forward by `ms`, waking every sleep that ends on the way, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await settle();
    for (;;) {
      const due = [...this.sleepers].filter((s) => s.at <= target).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.current = Math.max(this.current, due.at);
      this.sleepers.delete(due);
      due.resolve();
      await settle();
    }
    this.current = target;
    await settle();
  }
}

/** Lets pending promise chains and I/O callbacks run. */
export async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn += 1) await nextTurn();
}
