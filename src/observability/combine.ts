import type { SweepObserver } from "../sweep/evidence.js";

/**
 * One observer that tells several (metrics, a progress bar, a status writer). An observer that
 * throws must not stop the sweep or the others from hearing about it, so its error is handed to
 * `onError` (default: ignored).
 */
export function combineSweepObservers(
  observers: readonly (SweepObserver | undefined)[],
  onError: (error: unknown) => void = () => undefined,
): SweepObserver {
  const present = observers.filter((o): o is SweepObserver => o !== undefined);
  const each = (call: (observer: SweepObserver) => void): void => {
    for (const observer of present) {
      try {
        call(observer);
      } catch (error) {
        onError(error);
      }
    }
  };
  return {
    sweepStarted: (sweep, matched) => each((o) => o.sweepStarted?.(sweep, matched)),
    itemDone: (sweep, outcome, durationMs) => each((o) => o.itemDone?.(sweep, outcome, durationMs)),
    sweepEnded: (sweep, summary, durationMs) => each((o) => o.sweepEnded?.(sweep, summary, durationMs)),
  };
}
