import type { Clock } from "./clock.js";

/** Endpoint buckets Hush paces (ZENDESK_API.md 2.4). */
export type BucketName =
  | "tickets-update"
  | "ticket-updates-per-ticket"
  | "tickets-destroy"
  | "search-index"
  | "search-export"
  | "incremental-exports"
  | "deleted-tickets-index"
  | "deleted-tickets-destroy"
  | "deleted-tickets-destroy-many"
  | "user-updates"
  | "user-updates-per-user"
  | "deleted-users-destroy";

export interface BucketUse {
  bucket: BucketName;
  /** The ticket or user id, for per-item buckets. */
  key?: string | number;
  /**
   * How much of the bucket the request takes (default 1): a bucket that Zendesk counts in items
   * rather than requests is charged per item, e.g. tickets-destroy's 400 tickets a minute (2.4)
   * for a destroy_many of 100 ids. A cost above what Hush may use waits for an empty window.
   */
  cost?: number;
}

export interface BucketSpec {
  limit: number;
  /** With the High Volume add-on or Enterprise Plus. */
  highVolumeLimit?: number;
  windowMs: number;
  /** Counted per ticket or per user rather than per account. */
  perItem: boolean;
}

const MINUTE = 60_000;

/** Documented limits, ZENDESK_API.md 2.4. */
export const BUCKETS: Record<BucketName, BucketSpec> = {
  "tickets-update": { limit: 100, highVolumeLimit: 300, windowMs: MINUTE, perItem: false },
  // 30 updates per 10 minutes per user per ticket; comment redactions count too (2.4, 6.2).
  "ticket-updates-per-ticket": { limit: 30, windowMs: 10 * MINUTE, perItem: true },
  "tickets-destroy": { limit: 400, windowMs: MINUTE, perItem: false },
  "search-index": { limit: 2500, windowMs: MINUTE, perItem: false },
  "search-export": { limit: 100, windowMs: MINUTE, perItem: false },
  "incremental-exports": { limit: 10, highVolumeLimit: 30, windowMs: MINUTE, perItem: false },
  "deleted-tickets-index": { limit: 10, windowMs: MINUTE, perItem: false },
  "deleted-tickets-destroy": { limit: 1000, windowMs: MINUTE, perItem: false },
  "deleted-tickets-destroy-many": { limit: 300, windowMs: MINUTE, perItem: false },
  // The limits table also lists one user update a second per account.
  "user-updates": { limit: 60, windowMs: MINUTE, perItem: false },
  "user-updates-per-user": { limit: 5, windowMs: MINUTE, perItem: true },
  "deleted-users-destroy": { limit: 700, windowMs: 10 * MINUTE, perItem: false },
};

/** The `Zendesk-RateLimit-<name>` headers that report one of Hush's buckets (2.2). */
export const REPORTED_BUCKETS: Record<string, BucketName> = {
  "tickets-update": "tickets-update",
  "search-index": "search-index",
  "search-export": "search-export",
  "incremental-exports": "incremental-exports",
  "deleted-tickets-index": "deleted-tickets-index",
  "deleted-tickets-destroy": "deleted-tickets-destroy",
  "deleted-tickets-destroy_many": "deleted-tickets-destroy-many",
  // Counted per user: applies to the user the request named.
  "create-update-user": "user-updates-per-user",
};

/** A `total=N; remaining=N; resets=S` header value, as a point in time. */
export interface ReportedLimit {
  total: number;
  remaining: number;
  resetAt: number;
}

export function parseBucketHeader(value: string, clock: Clock): ReportedLimit | undefined {
  const fields = new Map<string, number>();
  for (const part of value.split(/[;,]/)) {
    const [name, raw] = part.split("=", 2).map((s) => s.trim().toLowerCase());
    const number = Number(raw);
    if (name && raw !== undefined && raw !== "" && Number.isFinite(number)) fields.set(name, number);
  }
  const total = fields.get("total");
  const remaining = fields.get("remaining");
  if (total === undefined || remaining === undefined) return undefined;
  return { total, remaining, resetAt: clock.now() + (fields.get("resets") ?? 60) * 1000 };
}

export function bucketKey(use: BucketUse): string {
  return use.key === undefined ? use.bucket : `${use.bucket}:${use.key}`;
}
