import { retryAfterMs } from "./errors.js";

// When and how long to wait before trying a request again (ZENDESK_API.md 2.3, 2.5). Pure: the
// client feeds it what undici's RetryHandler reports about a failed attempt.

export interface RetrySettings {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff step; doubles per attempt up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A 429 asking to wait longer than this is handed to the caller (who can requeue) instead. */
  maxRetryAfterMs: number;
  /** In [0, 1); injectable so tests can pin the jitter. */
  random: () => number;
}

export const DEFAULT_RETRY: RetrySettings = {
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
  random: Math.random,
};

/** What undici tells about a failed attempt: a response status and headers, or an error code. */
export type AttemptFailure =
  | { kind: "response"; status: number; headers: Record<string, string> }
  | { kind: "network"; code: string | undefined };

/** Errors where the request never reached Zendesk, so even a create may be sent again. */
const NEVER_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** Errors after which Zendesk may or may not have acted: only idempotent requests are repeated. */
const MAYBE_SENT = new Set([
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_HEADERS_TIMEOUT",
]);
// Not UND_ERR_BODY_TIMEOUT: it happens after the headers arrived, where undici's RetryHandler
// would resume with a Range request, which Zendesk's JSON API does not serve; such a request
// fails as Unavailable and the caller repeats it as a whole.

const RETRIED_5XX = new Set([500, 502, 503, 504]);

/**
 * Whether repeating is safe: a 429 was not processed, so anything may be repeated; a 5xx or a
 * dropped connection may have been, so only idempotent requests are (a repeated ticket import
 * would create a second ticket).
 */
export function isRetryable(failure: AttemptFailure, idempotent: boolean): boolean {
  if (failure.kind === "response") {
    if (failure.status === 429) return true;
    return idempotent && RETRIED_5XX.has(failure.status);
  }
  if (failure.code === undefined) return false;
  return NEVER_SENT.has(failure.code) || (idempotent && MAYBE_SENT.has(failure.code));
}

/**
 * How long to wait before attempt `attempt + 1`. A 429 waits what Zendesk asks: `Retry-After`
 * plus jitter (so callers paused together do not return together), else the exhausted window's
 * reset; everything else backs off exponentially with jitter, capped.
 */
export function retryDelayMs(failure: AttemptFailure, attempt: number, settings: RetrySettings): number {
  if (failure.kind === "response" && failure.status === 429) {
    const asked = retryAfterMs(failure.headers) ?? exhaustedResetMs(failure.headers);
    if (asked !== null) return asked + settings.random() * Math.min(5_000, Math.max(250, asked * 0.1));
  }
  return backoffMs(attempt, settings);
}

/** "Equal jitter": half the exponential step, plus a random part of the other half. */
export function backoffMs(attempt: number, settings: RetrySettings): number {
  const step = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return step / 2 + (settings.random() * step) / 2;
}

/**
 * Whether a 429 is the whole account's, so every caller pauses: Zendesk's account 429 reports
 * `X-Rate-Limit-Remaining: 0` (ZENDESK_API.md 2.3), and a 429 without rate headers is treated the
 * same. With requests left, the 429 is one endpoint bucket's, one user's or ticket's, or
 * TooManyJobs: the budget learns the bucket from its header and only that request waits.
 */
export function isAccountWide429(headers: Record<string, string>): boolean {
  const remaining = Number(headers["x-rate-limit-remaining"] ?? headers["ratelimit-remaining"] ?? Number.NaN);
  return !Number.isFinite(remaining) || remaining <= 0;
}

/** Without Retry-After: the reset of the window that ran out (bucket, else account). */
function exhaustedResetMs(headers: Record<string, string>): number | null {
  const buckets = exhaustedBucketResets(headers);
  if (buckets.length > 0) return Math.max(...buckets) * 1000;
  const remaining = Number(headers["x-rate-limit-remaining"] ?? headers["ratelimit-remaining"]);
  const reset = Number(headers["ratelimit-reset"]);
  return remaining === 0 && Number.isFinite(reset) && reset >= 0 ? reset * 1000 : null;
}

function exhaustedBucketResets(headers: Record<string, string>): number[] {
  const resets: number[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith("zendesk-ratelimit-") || name === "zendesk-ratelimit-inflight-jobs") continue;
    const remaining = /remaining=(\d+)/.exec(value)?.[1];
    const reset = /resets=(\d+)/.exec(value)?.[1];
    if (remaining === "0") resets.push(Number(reset ?? 60));
  }
  return resets;
}
