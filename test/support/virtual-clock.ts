import { performance } from "node:perf_hooks";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { SimClock } from "../../src/simulator/clock.js";
import type { Clock } from "../../src/zendesk/clock.js";
import { RateBudget, type RateBudgetOptions, type RequestLogger } from "../../src/zendesk/index.js";

/** A Clock that moves the in-process simulator's clock instead of waiting, plus what it skipped. */
export interface VirtualClock extends Clock {
  /** Simulated time the sleeps skipped, in milliseconds. */
  readonly skippedMs: number;
  readonly sleeps: number;
}

export interface VirtualClockOptions {
  /**
   * How many requests are on their way to the simulator. Time stands still until none is, as a
   * request takes no simulated time; without this, a sleeper could move the clock a minute on
   * while another worker's request is in transit, and that request would reach the simulator a
   * minute "late".
   */
  inFlight?: () => number;
}

/**
 * A miscounted `inFlight` must not hang a test: when it has not changed for this much real time, a
 * sleeper moves the clock anyway. In-process requests take milliseconds, so this never happens
 * when the count is right.
 */
const STUCK_MS = 5_000;

/**
 * The client's clock for runs against an in-process simulator: `now()` is the simulator's time
 * and `sleep(ms)` moves the simulator's clock forward instead of waiting. The simulator derives
 * rate windows, job progress and cursor expiry from its clock (docs/simulator.md), so a run that
 * waits minutes for its rate budget finishes in milliseconds while the simulator sees the
 * minutes pass.
 *
 * Sleepers share one timeline, like timers in a discrete-event simulation: only the sleeper that
 * is due first moves the clock (to its own wake-up time), and only when no request is in flight;
 * the others wake in turn. So two overlapping 30 s sleeps advance the clock 30 s, not 60 s.
 */
export function virtualClock(simClock: SimClock, options: VirtualClockOptions = {}): VirtualClock {
  const pending = new Set<{ at: number }>();
  let skippedMs = 0;
  let sleeps = 0;
  const earliest = (): number => Math.min(...[...pending].map((p) => p.at));

  return {
    now: () => simClock.now(),
    async sleep(ms: number, signal?: AbortSignal): Promise<void> {
      signal?.throwIfAborted();
      sleeps += 1;
      const entry = { at: simClock.now() + Math.max(0, ms) };
      pending.add(entry);
      let seen = { count: -1, at: 0 };
      try {
        for (;;) {
          // Let responses and other tasks run, as a real sleep would.
          await nextTurn();
          signal?.throwIfAborted();
          const now = simClock.now();
          if (now >= entry.at) return;
          const count = options.inFlight?.() ?? 0;
          if (count !== seen.count) seen = { count, at: performance.now() };
          const quiet = count === 0 || performance.now() - seen.at > STUCK_MS;
          if (quiet && entry.at <= earliest()) {
            simClock.set(entry.at);
            skippedMs += entry.at - now;
            return;
          }
        }
      } finally {
        pending.delete(entry);
      }
    },
    get skippedMs() {
      return skippedMs;
    },
    get sleeps() {
      return sleeps;
    },
  };
}

/**
 * The time-related parts of a Hush client for an in-process simulator, whose clock it freezes
 * (SimClock.freeze): a virtual clock that stands still while requests are in flight, the
 * account's rate budget on that clock, and a request logger (pass it to the client; it forwards
 * to `logger` if given). An attempt is in flight from the moment the budget lets it go until the
 * client logs its outcome.
 */
export function virtualTime(
  simClock: SimClock,
  budget: Omit<RateBudgetOptions, "clock"> = {},
  logger?: RequestLogger,
): { clock: VirtualClock; budget: RateBudget; logger: RequestLogger } {
  // Only sleeps move simulated time: however long the machine takes to serve a request, the
  // simulator sees it arrive when the budget let it go.
  simClock.freeze();
  let inFlight = 0;
  const clock = virtualClock(simClock, { inFlight: () => inFlight });
  class TrackedBudget extends RateBudget {
    override async acquire(uses?: Parameters<RateBudget["acquire"]>[0], signal?: AbortSignal): Promise<void> {
      await super.acquire(uses, signal);
      inFlight += 1;
    }
  }
  return {
    clock,
    budget: new TrackedBudget({ ...budget, clock }),
    logger: {
      request(entry) {
        inFlight = Math.max(0, inFlight - 1);
        logger?.request(entry);
      },
    },
  };
}
