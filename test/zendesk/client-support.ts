import type { Clock } from "../../src/zendesk/clock.js";
import type { ZendeskCredentials } from "../../src/zendesk/credentials.js";
import type { RequestLogEntry, RequestLogger } from "../../src/zendesk/request-log.js";
import type { SimHandle } from "../support/sim.js";

/**
 * A client clock on the simulator's virtual time: sleeping moves the simulator's clock instead of
 * waiting, so Retry-After and window resets pass at once. `onSleep` runs before each sleep ends
 * (e.g. to clear an injected fault during a retry's backoff).
 */
export function simulatorClock(
  handle: SimHandle,
  onSleep: (ms: number) => void | Promise<void> = () => undefined,
): Clock & { slept: number[] } {
  const slept: number[] = [];
  return {
    slept,
    now: () => handle.sim.clock.now(),
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      slept.push(ms);
      handle.sim.clock.advance(Math.max(0, Math.ceil(ms)));
      await onSleep(ms);
      signal?.throwIfAborted();
    },
  };
}

export function adminCredentials(handle: SimHandle): ZendeskCredentials {
  const admin = handle.sim.describe()[0]!.credentials.admin;
  return { kind: "apiToken", email: admin.email, token: admin.token };
}

export function recordingLogger(): RequestLogger & { entries: RequestLogEntry[] } {
  const entries: RequestLogEntry[] = [];
  return { entries, request: (entry) => entries.push(entry) };
}

/** The simulator's own request log, by route template and status. */
export async function simulatorRequests(
  handle: SimHandle,
): Promise<{ method: string; route: string; status: number; count: number }[]> {
  const log = await handle.inspect("GET", "/__sim/requests");
  return log.counts;
}

/**
 * A client clock on the simulator's time whose sleeps end only when the test moves time on with
 * `advance`, so a test can look at what callers do while they wait.
 */
export function steppedSimulatorClock(handle: SimHandle): Clock & {
  advance(ms: number): void;
  sleepers(): number;
} {
  const timers: { at: number; resolve: () => void }[] = [];
  const now = () => handle.sim.clock.now();
  return {
    now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        signal?.throwIfAborted();
        const timer = { at: now() + ms, resolve };
        timers.push(timer);
        signal?.addEventListener(
          "abort",
          () => {
            timers.splice(timers.indexOf(timer), 1);
            reject(signal.reason);
          },
          { once: true },
        );
      }),
    advance(ms) {
      handle.sim.clock.advance(ms);
      const due = timers.filter((t) => t.at <= now());
      for (const t of due) {
        timers.splice(timers.indexOf(t), 1);
        t.resolve();
      }
    },
    sleepers: () => timers.length,
  };
}

/** Lets pending I/O and promise callbacks run until `done` holds (no fixed sleeps). */
export async function until(done: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await done()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`gave up waiting until ${what}`);
}
