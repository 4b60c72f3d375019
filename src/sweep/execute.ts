import type { Clock } from "../zendesk/clock.js";
import { IdQueue } from "./matches.js";
import type { ItemOutcome } from "./outcome.js";

// The work loop of a sweep: workers take ids from the match stream (one at a time, or a bulk
// request's worth), skip what the sweep has handled already without a request, act, and hand
// each batch's outcomes on to be recorded before taking more. It stops when the stream ends, the
// per-sweep limit is reached, the sweep is cancelled, or something goes wrong that the sweep
// cannot continue after.

export interface ExecuteInput {
  /**
   * Ids to work on, in order: matches of the query (and items an earlier run left in flight);
   * `signal` aborts a page in flight when the sweep stops.
   */
  source(signal: AbortSignal): AsyncIterable<number>;
  /** Ids handled already (by earlier runs of the sweep); ids taken are added. */
  seen: Set<number>;
  /** Items to take at most in this run. */
  limit: number;
  concurrency: number;
  /** Ids a worker takes at once. */
  batchSize: number;
  /** Called with a batch before `act`: work on it begins (the journal notes it). */
  claim(ids: number[]): Promise<void>;
  /** Acts on a batch; `signal` aborts when the sweep is cancelled or fails. */
  act(ids: number[], signal: AbortSignal): Promise<ItemOutcome[]>;
  /** Records a batch's outcomes (audit, journal, progress); a throw stops the sweep. */
  record(outcomes: ItemOutcome[]): Promise<void>;
  /**
   * Cancels the sweep: no new items are taken, and items in flight get `graceMs` to finish (so
   * that what they changed is recorded) before they are aborted (and redone next time).
   */
  signal?: AbortSignal;
  /**
   * Stops the sweep at once: no new items, and items in flight are aborted without a grace. For a
   * process that is losing the right to write (the operator lost its leader Lease: another replica
   * may take the sweep over any moment). Safe because an aborted item is journalled as taken, not
   * done, and the next run redoes it idempotently (recover.ts).
   */
  stopNow?: AbortSignal;
  clock: Clock;
  graceMs?: number;
}

/** How long items in flight may take to finish after a cancellation (shutdowns allow about 30 s). */
export const CANCEL_GRACE_MS = 20_000;

export type ExecuteResult =
  | { ended: "exhausted" | "limit" | "cancelled" }
  | { ended: "failed"; error: unknown };

export async function execute(input: ExecuteInput): Promise<ExecuteResult> {
  if (!Number.isInteger(input.concurrency) || input.concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${input.concurrency}`);
  }
  const stop = new AbortController();
  const ended = new AbortController();
  const queue = new IdQueue(input.source(stop.signal));
  let cancelled = false;
  const cancel = (): void => {
    if (cancelled) return;
    cancelled = true;
    queue.close();
    if (stop.signal.aborted) return;
    input.clock.sleep(input.graceMs ?? CANCEL_GRACE_MS, ended.signal).then(
      () => stop.abort(input.signal?.reason),
      () => undefined,
    );
  };
  const cancelNow = (): void => {
    stop.abort(input.stopNow?.reason);
    cancel();
  };
  if (input.stopNow?.aborted) cancelNow();
  else input.stopNow?.addEventListener("abort", cancelNow, { once: true });
  if (input.signal?.aborted) cancel();
  else input.signal?.addEventListener("abort", cancel, { once: true });
  const feed = new Feed(queue, input.seen, input.limit, () => cancelled || stop.signal.aborted);
  let failure: { error: unknown } | undefined;

  const worker = async (): Promise<void> => {
    while (!cancelled && !stop.signal.aborted) {
      const ids = await feed.next(input.batchSize);
      if (ids.length === 0) return;
      await input.claim(ids);
      // Stopped while the claim was written (a journal write can take seconds): do not begin. The
      // items are journalled as taken, so the next run redoes them.
      if (stop.signal.aborted) return;
      let outcomes: ItemOutcome[];
      try {
        outcomes = await input.act(ids, stop.signal);
      } catch (error) {
        // Aborted mid-item: it is not recorded as done, and the next run redoes it (idempotently).
        if (stop.signal.aborted) return;
        throw error;
      }
      await input.record(outcomes);
    }
  };
  const workers = Array.from({ length: input.concurrency }, () =>
    worker().catch((error: unknown) => {
      // Aborted (a cancellation's grace ran out, or another worker failed): nothing more to say.
      if (stop.signal.aborted && !failure) return;
      failure ??= { error };
      stop.abort(error);
    }),
  );
  try {
    await Promise.all(workers);
  } finally {
    input.signal?.removeEventListener("abort", cancel);
    input.stopNow?.removeEventListener("abort", cancelNow);
    ended.abort();
    // A page fetched ahead is not needed any more.
    stop.abort(new SweepStopped());
    queue.close();
    await queue.done;
  }
  if (failure) return { ended: "failed", error: failure.error };
  if (cancelled) return { ended: "cancelled" };
  return { ended: feed.limitReached ? "limit" : "exhausted" };
}

/**
 * Hands out ids not handled yet, at most `limit` in all. Calls are served one after the other, so
 * two workers never get the same id and the limit holds exactly. When the limit is reached, one
 * more id is looked for: only if there is one was the sweep stopped by the limit.
 */
class Feed {
  private served = 0;
  private turn: Promise<unknown> = Promise.resolve();
  limitReached = false;

  constructor(
    private readonly queue: IdQueue,
    private readonly seen: Set<number>,
    private readonly limit: number,
    private readonly stopped: () => boolean,
  ) {}

  next(max: number): Promise<number[]> {
    const result = this.turn.then(() => this.take(max));
    this.turn = result.catch(() => undefined);
    return result;
  }

  private async take(max: number): Promise<number[]> {
    for (;;) {
      if (this.stopped()) return [];
      const room = this.limit - this.served;
      if (room <= 0) {
        if (!this.limitReached) this.limitReached = await this.anyLeft();
        return [];
      }
      const ids = await this.queue.take(Math.min(max, room));
      if (ids.length === 0) return [];
      const fresh: number[] = [];
      for (const id of ids) {
        if (this.seen.has(id)) continue;
        this.seen.add(id);
        fresh.push(id);
      }
      // Ids seen twice in the stream (an id listed again after a change) are dropped here.
      if (fresh.length === 0) continue;
      this.served += fresh.length;
      return fresh;
    }
  }

  private async anyLeft(): Promise<boolean> {
    for (;;) {
      const ids = await this.queue.take(1);
      if (ids.length === 0) return false;
      if (ids.some((id) => !this.seen.has(id))) return true;
    }
  }
}

/** The reason the stream's last request is aborted when the sweep has ended. */
class SweepStopped extends Error {
  constructor() {
    super("the sweep has ended");
    this.name = "SweepStopped";
  }
}
