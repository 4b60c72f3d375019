import type { Clock } from "../zendesk/clock.js";

// Waiting in hush run's loop: until a sweep is due, or until something wakes the policy (an edit
// of the directory, shutdown). Waits go through the loop's clock, so tests move time by hand.

/** Longest single wait: timers beyond 24.8 days overflow, and waking hourly keeps up with clock jumps. */
export const MAX_WAIT_MS = 60 * 60_000;

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
