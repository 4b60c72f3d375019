// The controllers' work queue, as client-go's workqueue: informer events and timers only add keys;
// workers take keys and reconcile them, level-triggered, so any number of events for one object
// collapses into one reconcile. A key has at most one pending time (now, after its current run,
// or a moment in the future); the earliest wins.
import { type Clock, systemClock } from "../zendesk/clock.js";

export interface WorkQueueOptions {
  /** Keys handled at the same time (different keys; one key is never handled twice at once). */
  concurrency: number;
  /** Delay before the first retry of a failing key, default 1 s; doubles with each failure. */
  baseDelayMs?: number;
  /** Longest delay between retries, default 5 min. */
  maxDelayMs?: number;
  clock?: Clock;
  /** Uniform in [0, 1), for the jitter; tests fix it. */
  random?: () => number;
}

export type WorkResult = "success" | "requeue" | "error";

/** Reconciles one key; `requeueAfterMs` asks for it again after that long (0: at once). */
export type WorkHandler = (key: string) => Promise<{ requeueAfterMs?: number } | undefined>;

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/**
 * The wait before retry number `failures` (1 for the first): base·2^(failures−1), at most max, then
 * shortened by up to 20 % at random, so that keys (or watches) that failed together do not all
 * retry in the same instant.
 */
export function backoffDelay(
  failures: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 52);
  const delay = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  return Math.round(delay * (0.8 + 0.2 * random()));
}

export class WorkQueue {
  /** Called after each run of the handler, e.g. for reconcile metrics; must not throw. */
  onResult?: (key: string, result: WorkResult, durationMs: number) => void;

  private readonly concurrency: number;
  private readonly backoff: BackoffOptions;
  private readonly clock: Clock;
  private readonly random: () => number;
  /** Due now, in the order they were added (a Set keeps insertion order and de-duplicates). */
  private readonly ready = new Set<string>();
  private readonly processing = new Set<string>();
  /** Added while being handled: handled again once the current run ends. */
  private readonly dirty = new Set<string>();
  /** Due later: key -> epoch ms. */
  private readonly delayed = new Map<string, number>();
  /** The same entries ordered by time; stale entries (re-timed or promoted keys) are skipped. */
  private readonly timeline = new MinHeap();
  private readonly failures = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private timer: { at: number; controller: AbortController } | undefined;
  private started = false;
  private stopping = false;

  constructor(
    private readonly handler: WorkHandler,
    options: WorkQueueOptions,
  ) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(
        `WorkQueue concurrency must be a whole number of at least 1; got ${options.concurrency}`,
      );
    }
    this.concurrency = options.concurrency;
    this.backoff = { baseMs: options.baseDelayMs ?? 1_000, maxMs: options.maxDelayMs ?? 300_000 };
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  /** Keys waiting that are due now (not those waiting for a later time, nor those being handled). */
  get depth(): number {
    return this.ready.size;
  }

  /** Handles `key` as soon as a worker is free, or right after its current run. */
  add(key: string): void {
    if (this.stopping) return;
    this.delayed.delete(key);
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    this.ready.add(key);
    this.pump();
  }

  /** Handles `key` in `ms` unless it is already due sooner. */
  addAfter(key: string, ms: number): void {
    if (this.stopping) return;
    if (!(ms > 0)) {
      this.add(key);
      return;
    }
    if (this.ready.has(key) || this.dirty.has(key)) return;
    const at = this.clock.now() + ms;
    const pending = this.delayed.get(key);
    if (pending !== undefined && pending <= at) return;
    this.delayed.set(key, at);
    this.timeline.push(at, key);
    this.armTimer();
  }

  start(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    this.promoteDue();
    this.pump();
  }

  /** Stops taking keys (waiting ones are dropped); resolves when the handlers in flight finish. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    this.timer?.controller.abort();
    this.timer = undefined;
    this.ready.clear();
    this.dirty.clear();
    this.delayed.clear();
    this.timeline.clear();
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private pump(): void {
    if (!this.started || this.stopping) return;
    while (this.processing.size < this.concurrency && this.ready.size > 0) {
      const key = this.ready.values().next().value as string;
      this.ready.delete(key);
      this.processing.add(key);
      const run = this.run(key);
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    }
  }

  private async run(key: string): Promise<void> {
    // Start the handler on a later tick: add() is called from informer callbacks, which must not
    // run a reconcile inside themselves.
    await Promise.resolve();
    const startedAt = this.clock.now();
    let result: WorkResult;
    let retryAfterMs: number | undefined;
    try {
      const outcome = await this.handler(key);
      this.failures.delete(key);
      const requeueAfterMs = outcome ? outcome.requeueAfterMs : undefined;
      if (requeueAfterMs !== undefined && requeueAfterMs >= 0) {
        result = "requeue";
        retryAfterMs = requeueAfterMs;
      } else {
        result = "success";
      }
    } catch {
      // The handler reports its own errors (status, events, logs); the queue only retries.
      const failures = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, failures);
      result = "error";
      retryAfterMs = backoffDelay(failures, this.backoff, this.random);
    }
    this.processing.delete(key);
    try {
      this.onResult?.(key, result, this.clock.now() - startedAt);
    } catch {
      // A metrics hook must not stop the queue.
    }
    if (retryAfterMs !== undefined) this.addAfter(key, retryAfterMs);
    if (this.dirty.delete(key)) this.add(key);
    this.pump();
  }

  /** Moves the keys whose time has come to `ready`, then waits for the next one. */
  private promoteDue(): void {
    const now = this.clock.now();
    for (;;) {
      const next = this.timeline.peek();
      if (next === undefined || next.at > now) break;
      this.timeline.pop();
      if (this.delayed.get(next.key) !== next.at) continue;
      this.add(next.key);
    }
    this.armTimer();
  }

  private armTimer(): void {
    if (!this.started || this.stopping) return;
    let next = this.timeline.peek();
    while (next !== undefined && this.delayed.get(next.key) !== next.at) {
      this.timeline.pop();
      next = this.timeline.peek();
    }
    if (next === undefined) return;
    if (this.timer !== undefined && this.timer.at <= next.at) return;
    this.timer?.controller.abort();
    const timer = { at: next.at, controller: new AbortController() };
    this.timer = timer;
    this.clock.sleep(Math.max(0, next.at - this.clock.now()), timer.controller.signal).then(
      () => {
        if (this.timer !== timer) return;
        this.timer = undefined;
        this.promoteDue();
      },
      () => {
        // Aborted: a sooner key or shutdown replaced this timer.
      },
    );
  }
}

/** A binary min-heap of (time, key). */
class MinHeap {
  private items: { at: number; key: string }[] = [];

  push(at: number, key: string): void {
    const items = this.items;
    items.push({ at, key });
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (items[parent]!.at <= items[index]!.at) break;
      [items[parent], items[index]] = [items[index]!, items[parent]!];
      index = parent;
    }
  }

  peek(): { at: number; key: string } | undefined {
    return this.items[0];
  }

  pop(): { at: number; key: string } | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    items[0] = last;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < items.length && items[left]!.at < items[smallest]!.at) smallest = left;
      if (right < items.length && items[right]!.at < items[smallest]!.at) smallest = right;
      if (smallest === index) break;
      [items[smallest], items[index]] = [items[index]!, items[smallest]!];
      index = smallest;
    }
    return top;
  }

  clear(): void {
    this.items = [];
  }
}
