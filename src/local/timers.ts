import type { Clock } from "../zendesk/clock.js";

// Waiting in hush run's loop: until a sweep is due, or until something wakes the policy (an edit
// of the directory, shutdown). Waits go through the loop's clock, so tests move time by hand.

/** Longest single wait: timers beyond 24.8 days overflow, and waking hourly keeps up with clock jumps. */
export const MAX_WAIT_MS = 60 * 60_000;

/**
 * How long after the n-th failed sweep in a row the next try waits: 1 minute, doubling up to an
 * hour. A Failed sweep could not run at all (Zendesk unreachable, search refused); as a reconciler
 * requeues with backoff, hush run tries again rather than waiting for the next scheduled time,
 * which may be a day away, or never for a policy without a schedule.
 */
export function retryDelayMs(failures: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, failures - 1), MAX_WAIT_MS);
}

/** Sleeps until `at` (forever when undefined); resolves false when `wake` aborts first. */
export async function waitUntil(clock: Clock, at: Date | undefined, wake: AbortSignal): Promise<boolean> {
  if (wake.aborted) return false;
  if (at === undefined) {
    await new Promise<void>((resolve) => wake.addEventListener("abort", () => resolve(), { once: true }));
    return false;
  }
  for (;;) {
    const remaining = at.getTime() - clock.now();
    if (remaining <= 0) return true;
    try {
      await clock.sleep(Math.min(remaining, MAX_WAIT_MS), wake);
    } catch {
      return false;
    }
  }
}
