import type { AccountSettings } from "./account.js";
import { MINUTE } from "./clock.js";
import type { Plan } from "./model.js";

/** Account-wide requests a minute by plan (ZENDESK_API.md 2.1). */
export const PLAN_REQUESTS_PER_MINUTE: Record<Plan, number> = {
  team: 200,
  growth: 400,
  professional: 400,
  enterprise: 700,
  enterprise_plus: 2500,
  high_volume: 2500,
};

/** The account's requests a minute: its plan's, or the load-test override (AccountSettings). */
export function accountRequestsPerMinute(s: AccountSettings): number {
  return s.requestsPerMinute ?? PLAN_REQUESTS_PER_MINUTE[s.plan];
}

/**
 * How much account-wide endpoint buckets are scaled: 1 with the plan's limit; with a load-test
 * limit, that limit over the plan's, so that a faster account is faster everywhere (a sweep would
 * otherwise crawl at Zendesk's 100 ticket updates a minute whatever the account limit).
 */
export function bucketScale(s: AccountSettings): number {
  return s.requestsPerMinute === null ? 1 : s.requestsPerMinute / PLAN_REQUESTS_PER_MINUTE[s.plan];
}

/** An endpoint bucket (ZENDESK_API.md 2.4); `key` separates per-ticket or per-user buckets. */
export interface BucketCharge {
  bucket: string;
  limit: number;
  windowMs: number;
  key?: string;
  /** Whether the limit is reported in a `Zendesk-RateLimit-<bucket>` header. */
  reported?: boolean;
  /** The 429 body when this bucket is exhausted; plain text by default. */
  exceededBody?: unknown;
  /** Whether that 429 carries `Retry-After` (default true). */
  sendsRetryAfter?: boolean;
}

const highVolume = (s: AccountSettings) => s.plan === "high_volume" || s.plan === "enterprise_plus";

/** The endpoint buckets, by the names Zendesk reports them under. */
export const buckets = {
  ticketsUpdate: (s: AccountSettings): BucketCharge => ({
    bucket: "tickets-update",
    limit: s.sandbox ? (highVolume(s) ? 100 : 20) : highVolume(s) ? 300 : 100,
    windowMs: MINUTE,
    reported: true,
  }),
  ticketUpdatesPerTicket: (ticketId: number, userId: number): BucketCharge => ({
    bucket: "tickets-update-per-ticket",
    key: `${userId}:${ticketId}`,
    limit: 30,
    windowMs: 10 * MINUTE,
    reported: false,
  }),
  searchIndex: (): BucketCharge => ({
    bucket: "search-index",
    limit: 2500,
    windowMs: MINUTE,
    reported: true,
  }),
  searchExport: (): BucketCharge => ({
    bucket: "search-export",
    limit: 100,
    windowMs: MINUTE,
    reported: true,
  }),
  incrementalExports: (s: AccountSettings): BucketCharge => ({
    bucket: "incremental-exports",
    limit: highVolume(s) ? 30 : 10,
    windowMs: MINUTE,
    reported: true,
    exceededBody: {
      error: "APIRateLimitExceeded",
      description: "Number of allowed incremental export API requests per minute exceeded",
    },
  }),
  ticketsDestroy: (): BucketCharge => ({ bucket: "tickets-destroy", limit: 400, windowMs: MINUTE }),
  deletedTicketsIndex: (): BucketCharge => ({
    bucket: "deleted-tickets-index",
    limit: 10,
    windowMs: MINUTE,
    reported: true,
  }),
  deletedTicketsDestroy: (): BucketCharge => ({
    bucket: "deleted-tickets-destroy",
    limit: 1000,
    windowMs: MINUTE,
    reported: true,
  }),
  deletedTicketsDestroyMany: (): BucketCharge => ({
    bucket: "deleted-tickets-destroy_many",
    limit: 300,
    windowMs: MINUTE,
    reported: true,
  }),
  userUpdate: (
    userId: number,
    user: { email: string | null; id: number; external_id: string | null },
  ): BucketCharge => ({
    bucket: "create-update-user",
    key: String(userId),
    limit: 5,
    windowMs: MINUTE,
    reported: true,
    // Zendesk names the user in this body and sends no Retry-After (ZENDESK_API.md 2.3).
    sendsRetryAfter: false,
    exceededBody: `You have exceeded the rate limit for updating a single unique user. user email: ${user.email ?? ""} id: ${user.id} external_id: ${user.external_id ?? ""}`,
  }),
  permanentUserDeletes: (): BucketCharge => ({
    bucket: "deleted-users-destroy",
    limit: 700,
    windowMs: 10 * MINUTE,
  }),
};

interface Window {
  start: number;
  count: number;
}

export interface LimitDecision {
  allowed: boolean;
  /** Seconds until the exhausted window resets (for Retry-After). */
  retryAfterSeconds: number;
  exceeded?: BucketCharge;
  headers: Record<string, string>;
}

/**
 * Fixed windows aligned to the clock, like Zendesk's per-minute counters: `ratelimit-reset` is
 * the number of seconds until the current minute's window ends.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private takes = 0;

  /** `scale` multiplies the limits of account-wide buckets (those without a key); see bucketScale. */
  constructor(
    private readonly requestsPerMinute: () => number,
    private readonly scale: () => number = () => 1,
  ) {}

  /** Counts one request against the account limit and each bucket, unless any is exhausted. */
  take(charges: readonly BucketCharge[], now: number): LimitDecision {
    // Per-ticket and per-user windows would otherwise pile up over a long run.
    if (++this.takes % 10_000 === 0) this.prune(now);
    const accountLimit = this.requestsPerMinute();
    const account: BucketCharge = { bucket: "account", limit: accountLimit, windowMs: MINUTE };
    const scale = this.scale();
    const scaled = (c: BucketCharge): BucketCharge =>
      c.key !== undefined || scale === 1 ? c : { ...c, limit: Math.max(1, Math.floor(c.limit * scale)) };
    const all = [account, ...charges.map(scaled)];
    const windows = all.map((c) => this.window(c, now));
    const headers: Record<string, string> = {};
    let blocked: { charge: BucketCharge; resetMs: number } | undefined;
    all.forEach((charge, i) => {
      const w = windows[i]!;
      if (!blocked && w.count >= charge.limit) blocked = { charge, resetMs: w.start + charge.windowMs - now };
    });
    if (!blocked) for (const w of windows) w.count += 1;

    const accountWindow = windows[0]!;
    const remaining = Math.max(0, accountLimit - accountWindow.count);
    const resetSeconds = Math.max(1, Math.ceil((accountWindow.start + MINUTE - now) / 1000));
    headers["x-rate-limit"] = String(accountLimit);
    headers["x-rate-limit-remaining"] = String(remaining);
    headers["ratelimit-limit"] = String(accountLimit);
    headers["ratelimit-remaining"] = String(remaining);
    headers["ratelimit-reset"] = String(resetSeconds);
    all.forEach((charge, i) => {
      if (!charge.reported) return;
      const w = windows[i]!;
      const resets = Math.max(1, Math.ceil((w.start + charge.windowMs - now) / 1000));
      headers[`zendesk-ratelimit-${charge.bucket}`] =
        `total=${charge.limit}; remaining=${Math.max(0, charge.limit - w.count)}; resets=${resets}`;
    });
    if (!blocked) return { allowed: true, retryAfterSeconds: 0, headers };
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil(blocked.resetMs / 1000)),
      exceeded: blocked.charge,
      headers,
    };
  }

  reset(): void {
    this.windows.clear();
  }

  private prune(now: number): void {
    for (const [id, w] of this.windows) if (w.start + 10 * MINUTE < now) this.windows.delete(id);
  }

  private window(charge: BucketCharge, now: number): Window {
    const id = charge.key ? `${charge.bucket}:${charge.key}` : charge.bucket;
    const start = Math.floor(now / charge.windowMs) * charge.windowMs;
    let w = this.windows.get(id);
    if (!w || w.start !== start) {
      w = { start, count: 0 };
      this.windows.set(id, w);
    }
    return w;
  }
}
