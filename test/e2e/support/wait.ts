import { setTimeout as sleep } from "node:timers/promises";

// Polling for what the operator makes true eventually. A deadline here is a bound on failure (the
// test fails instead of hanging), never the thing measured: the bounds are generous, and no test
// asserts how fast anything happened.

export interface WaitOptions {
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
  /** Time between probes (default 200 ms). */
  intervalMs?: number;
}

/** Deadlines scale with HUSH_E2E_TIME_SCALE on slow machines (e.g. 3 on a loaded CI runner). */
const SCALE = Number(process.env["HUSH_E2E_TIME_SCALE"] ?? "1") || 1;

export const scaled = (ms: number): number => Math.round(ms * SCALE);

/**
 * Probes until `probe` returns something other than undefined, and returns it. On timeout it
 * throws naming what it waited for and what the last probe saw (`describe` renders it), so that
 * a failure says where the operator got stuck.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  options: WaitOptions & { describe?: () => Promise<string> | string } = {},
): Promise<T> {
  const timeoutMs = scaled(options.timeoutMs ?? 60_000);
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (error) {
      // A probe may fail while the API server restarts; only the deadline ends the wait.
      lastError = error;
    }
    if (Date.now() >= deadline) {
      let seen = "";
      try {
        seen = options.describe ? `; last seen: ${await options.describe()}` : "";
      } catch (error) {
        seen = `; describing the state failed: ${String(error)}`;
      }
      const failed = lastError ? `; the last probe threw: ${String(lastError)}` : "";
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${failed}${seen}`);
    }
    await sleep(options.intervalMs ?? 200);
  }
}
