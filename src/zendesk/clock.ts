import { setTimeout as delay } from "node:timers/promises";

/**
 * Time as the Zendesk client sees it. Everything time-related in the client (rate budget, retry
 * backoff, job polling) goes through an injected Clock, so tests can run on virtual time.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    signal?.throwIfAborted();
    if (ms <= 0) return;
    try {
      await delay(ms, undefined, signal ? { signal } : {});
    } catch (error) {
      // timers/promises rejects with a generic AbortError; callers expect the signal's own reason.
      if (signal?.aborted) throw signal.reason;
      throw error;
    }
  },
};
