import {
  BUCKETS,
  type BucketName,
  type BucketUse,
  bucketKey,
  parseBucketHeader,
  REPORTED_BUCKETS,
  type ReportedLimit,
} from "./budget-buckets.js";
import { SlidingWindow } from "./budget-window.js";
import { type Clock, systemClock } from "./clock.js";

export type { BucketName, BucketUse } from "./budget-buckets.js";
export { BUCKETS } from "./budget-buckets.js";

export interface RateBudgetOptions {
  /** The account's requests a minute as configured; when absent it is learnt from `X-Rate-Limit`. */
  requestsPerMinute?: number;
  /** Percentage (0..100] of every limit Hush may use; the rest stays for agents and apps. Default 50. */
  share?: number;
  clock?: Clock;
  /** High Volume add-on or Enterprise Plus; inferred from a learnt limit of 2,500 when absent. */
  highVolume?: boolean;
  /** Jobs Hush may have queued or running; default its share of Zendesk's 30, at least 1. */
  maxJobsInFlight?: number;
}

export interface RateBudgetSnapshot {
  /** Requests let through by acquire(). */
  requests: number;
  /** acquire() calls that had to wait, and for how long in total. */
  waits: number;
  waitedMs: number;
  /** 429 responses observed. */
  rateLimited: number;
  /** The account limit in use and where it came from. */
  limit: number;
  limitSource: "configured" | "learnt" | "assumed";
  share: number;
  /** Hush's own requests allowed in any 60 s. */
  allowedPerMinute: number;
  /** Most of Hush's own requests seen in one 60 s window. */
  peakPerMinute: number;
  /** Requests let through whose response has not arrived yet (see settle()). */
  requestsInFlight: number;
  jobsInFlight: number;
  maxJobsInFlight: number;
}

const MINUTE = 60_000;
/** Until the first response tells the real limit, assume the smallest plan Zendesk sells (2.1). */
const ASSUMED_LIMIT = 10;
/** Hush leaves the last tenth of every reported window to agents and apps. */
const ACCOUNT_FLOOR = 0.1;
/** Per-ticket and per-user buckets are not shared out; Hush keeps a fifth of each in reserve. */
const PER_ITEM_RESERVE = 0.2;
const ZENDESK_MAX_JOBS = 30;

/**
 * The API budget of one Zendesk account, shared by everything that uses the account. Hush's own
 * requests in any 60 s stay within its share of the account limit and of each endpoint bucket;
 * when Zendesk reports that the account (agents and apps included) is close to its limit, Hush
 * waits for the window to reset, so that it (almost) never sees a 429 (ZENDESK_API.md 2.2-2.5).
 */
export class RateBudget {
  readonly share: number;
  private readonly clock: Clock;
  private readonly configuredLimit: number | undefined;
  private readonly configuredHighVolume: boolean | undefined;
  private readonly configuredMaxJobs: number | undefined;
  private learntLimit: number | undefined;
  private readonly account = new SlidingWindow(MINUTE);
  private readonly windows = new Map<string, SlidingWindow>();
  private readonly learntBucketLimits = new Map<BucketName, number>();
  private reportedAccount: ReportedLimit | undefined;
  private readonly reportedBuckets = new Map<string, ReportedLimit>();
  private pausedUntil = 0;
  private jobsInFlight = 0;
  private readonly jobWaiters: (() => void)[] = [];
  /** Callers sleeping in acquire(), woken early when the limit rises. */
  private readonly wakers = new Set<() => void>();
  private readonly stats = { requests: 0, waits: 0, waitedMs: 0, rateLimited: 0, peakPerMinute: 0 };

  constructor(options: RateBudgetOptions = {}) {
    const share = options.share ?? 50;
    if (!(share > 0 && share <= 100))
      throw new RangeError(`the budget share must be in (0, 100]; got ${share}`);
    if (options.requestsPerMinute !== undefined && !(options.requestsPerMinute >= 1)) {
      throw new RangeError(`requests a minute must be at least 1; got ${options.requestsPerMinute}`);
    }
    this.share = share;
    this.clock = options.clock ?? systemClock;
    this.configuredLimit = options.requestsPerMinute;
    this.configuredHighVolume = options.highVolume;
    this.configuredMaxJobs = options.maxJobsInFlight;
  }

  /** The account limit: the configured one, lowered to what Zendesk reports if that is less. */
  get limit(): number {
    if (this.configuredLimit !== undefined)
      return Math.min(this.configuredLimit, this.learntLimit ?? Infinity);
    return this.learntLimit ?? ASSUMED_LIMIT;
  }

  /** Hush's own requests allowed in any 60 s. */
  get allowedPerMinute(): number {
    return this.ofShare(this.limit);
  }

  get maxJobsInFlight(): number {
    return this.configuredMaxJobs ?? this.ofShare(ZENDESK_MAX_JOBS);
  }

  /**
   * Waits until the account and every named bucket allow one more request, then counts it. The
   * request stays counted while it is in flight: call settle() with the same uses when its response
   * (or failure) arrives, so that it leaves the windows a minute after Zendesk could have counted it.
   */
  async acquire(uses: readonly BucketUse[] = [], signal?: AbortSignal): Promise<void> {
    const started = this.clock.now();
    let waited = false;
    for (;;) {
      signal?.throwIfAborted();
      const now = this.clock.now();
      const readyAt = this.readyAt(uses, now);
      if (readyAt <= now) {
        this.record(uses, now);
        if (waited) {
          this.stats.waits += 1;
          this.stats.waitedMs += now - started;
        }
        return;
      }
      waited = true;
      await this.sleepUntilChange(readyAt - now, signal);
    }
  }

  /** The request acquire(uses) let go has been answered (or failed); see SlidingWindow. */
  settle(uses: readonly BucketUse[] = []): void {
    const now = this.clock.now();
    this.account.settle(now);
    for (const use of uses) this.window(use).settle(now, costOf(use));
    // Callers may be waiting for requests in flight to be answered rather than for a time.
    this.wakeSleepers();
  }

  /**
   * Learns from a response's headers: the account limit (`X-Rate-Limit`), what is left of the
   * current window for everyone (`X-Rate-Limit-Remaining`, `ratelimit-reset`) and the endpoint
   * buckets (`Zendesk-RateLimit-<bucket>`). `uses` names the item a per-item bucket header is about.
   */
  observe(
    headers: Record<string, string>,
    context: { status?: number; uses?: readonly BucketUse[] } = {},
  ): void {
    const now = this.clock.now();
    const header = lowerCased(headers);
    if (context.status === 429) this.stats.rateLimited += 1;
    const before = this.allowedPerMinute;
    const limit = positiveNumber(header["x-rate-limit"] ?? header["ratelimit-limit"]);
    if (limit !== undefined) this.learntLimit = limit;
    // Callers waiting on the assumed limit must not sleep out a whole minute once the real one is known.
    if (this.allowedPerMinute > before) this.wakeSleepers();
    const remaining = nonNegativeNumber(header["x-rate-limit-remaining"] ?? header["ratelimit-remaining"]);
    if (remaining !== undefined) {
      // Without ratelimit-reset (non-ticketing endpoints) the window ends within a minute.
      const reset = nonNegativeNumber(header["ratelimit-reset"]) ?? 60;
      this.reportedAccount = { total: limit ?? this.limit, remaining, resetAt: now + reset * 1000 };
    }
    for (const [name, value] of Object.entries(header)) {
      if (!name.startsWith("zendesk-ratelimit-")) continue;
      const bucket = REPORTED_BUCKETS[name.slice("zendesk-ratelimit-".length)];
      const reported = bucket && parseBucketHeader(value, this.clock);
      if (!bucket || !reported) continue;
      if (BUCKETS[bucket].perItem) {
        const use = context.uses?.find((u) => u.bucket === bucket && u.key !== undefined);
        if (use) this.reportedBuckets.set(bucketKey(use), reported);
      } else {
        this.learntBucketLimits.set(bucket, reported.total);
        this.reportedBuckets.set(bucket, reported);
      }
    }
  }

  /** After a 429: nobody using this account sends anything for `ms`. */
  pause(ms: number): void {
    if (ms > 0) this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }

  /** Waits for a free job slot (queued or running jobs, ZENDESK_API.md 7); call release() when the job ends. */
  async acquireJobSlot(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    while (this.jobsInFlight >= this.maxJobsInFlight) {
      await new Promise<void>((resolve, reject) => {
        const wake = (): void => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        const onAbort = (): void => {
          const at = this.jobWaiters.indexOf(wake);
          if (at >= 0) this.jobWaiters.splice(at, 1);
          reject(signal?.reason);
        };
        this.jobWaiters.push(wake);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    }
    this.jobsInFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.jobsInFlight -= 1;
      this.jobWaiters.shift()?.();
    };
  }

  snapshot(): RateBudgetSnapshot {
    return {
      ...this.stats,
      limit: this.limit,
      limitSource:
        this.configuredLimit !== undefined
          ? "configured"
          : this.learntLimit !== undefined
            ? "learnt"
            : "assumed",
      share: this.share,
      allowedPerMinute: this.allowedPerMinute,
      requestsInFlight: this.account.requestsInFlight,
      jobsInFlight: this.jobsInFlight,
      maxJobsInFlight: this.maxJobsInFlight,
    };
  }

  /** Sleeps for `ms`, or less when what the budget knows changes. */
  private async sleepUntilChange(ms: number, signal?: AbortSignal): Promise<void> {
    const woken = new AbortController();
    const wake = (): void => woken.abort();
    this.wakers.add(wake);
    try {
      await this.clock.sleep(ms, signal ? AbortSignal.any([signal, woken.signal]) : woken.signal);
    } catch (error) {
      if (signal?.aborted || !woken.signal.aborted) throw error;
    } finally {
      this.wakers.delete(wake);
    }
  }

  private wakeSleepers(): void {
    for (const wake of this.wakers) wake();
  }

  /** The earliest time all constraints allow one more request. */
  private readyAt(uses: readonly BucketUse[], now: number): number {
    let at = Math.max(now, this.pausedUntil);
    at = Math.max(at, this.account.freeAt(now, this.allowedPerMinute));
    at = Math.max(at, floorBlock(this.reportedAccount, ACCOUNT_FLOOR, now));
    for (const use of uses) {
      const spec = BUCKETS[use.bucket];
      const allowed = spec.perItem
        ? Math.max(1, Math.floor(spec.limit * (1 - PER_ITEM_RESERVE)))
        : this.ofShare(this.bucketLimit(use.bucket));
      at = Math.max(at, this.window(use).freeAt(now, allowed, costOf(use)));
      const floor = spec.perItem ? PER_ITEM_RESERVE : ACCOUNT_FLOOR;
      at = Math.max(at, floorBlock(this.reportedBuckets.get(bucketKey(use)), floor, now));
    }
    return at;
  }

  private record(uses: readonly BucketUse[], now: number): void {
    this.account.record(now);
    for (const use of uses) this.window(use).record(now, costOf(use));
    this.stats.requests += 1;
    this.stats.peakPerMinute = Math.max(this.stats.peakPerMinute, this.account.count(now));
    if (this.stats.requests % 1000 === 0) this.forgetIdleWindows(now);
  }

  private window(use: BucketUse): SlidingWindow {
    const key = bucketKey(use);
    let window = this.windows.get(key);
    if (!window) {
      window = new SlidingWindow(BUCKETS[use.bucket].windowMs);
      this.windows.set(key, window);
    }
    return window;
  }

  private bucketLimit(bucket: BucketName): number {
    const learnt = this.learntBucketLimits.get(bucket);
    if (learnt !== undefined) return learnt;
    const spec = BUCKETS[bucket];
    const highVolume = this.configuredHighVolume ?? this.limit >= 2500;
    return highVolume && spec.highVolumeLimit !== undefined ? spec.highVolumeLimit : spec.limit;
  }

  private ofShare(limit: number): number {
    return Math.max(1, Math.floor((limit * this.share) / 100));
  }

  /** Per-ticket and per-user windows would otherwise pile up over a long sweep. */
  private forgetIdleWindows(now: number): void {
    for (const [key, window] of this.windows) if (window.isEmpty(now)) this.windows.delete(key);
    for (const [key, reported] of this.reportedBuckets)
      if (reported.resetAt <= now) this.reportedBuckets.delete(key);
  }
}

/** What a use takes of its bucket: one request, or its `cost` where Zendesk counts items (2.4). */
function costOf(use: BucketUse): number {
  return use.cost !== undefined && Number.isFinite(use.cost) && use.cost > 1 ? Math.ceil(use.cost) : 1;
}

/** When what is left of a reported window is at the floor, wait for the window to reset. */
function floorBlock(reported: ReportedLimit | undefined, floor: number, now: number): number {
  if (!reported || reported.resetAt <= now) return now;
  return reported.remaining <= Math.floor(reported.total * floor) ? reported.resetAt : now;
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

function positiveNumber(value: string | undefined): number | undefined {
  const n = value === undefined ? Number.NaN : Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function nonNegativeNumber(value: string | undefined): number | undefined {
  const n = value === undefined || value.trim() === "" ? Number.NaN : Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
