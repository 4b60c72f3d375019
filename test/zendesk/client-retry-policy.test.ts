import { describe, expect, it } from "vitest";
import {
  type AttemptFailure,
  backoffMs,
  DEFAULT_RETRY,
  isAccountWide429,
  isRetryable,
  retryDelayMs,
} from "../../src/zendesk/retry-policy.js";

const status = (code: number, headers: Record<string, string> = {}): AttemptFailure => ({
  kind: "response",
  status: code,
  headers,
});
const network = (code: string): AttemptFailure => ({ kind: "network", code });

describe("isRetryable", () => {
  it("repeats a 429 for any request, since Zendesk did not process it", () => {
    expect(isRetryable(status(429), true)).toBe(true);
    expect(isRetryable(status(429), false)).toBe(true);
  });

  it("repeats 5xx and dropped connections only for idempotent requests", () => {
    for (const failure of [
      status(500),
      status(502),
      status(503),
      status(504),
      network("UND_ERR_SOCKET"),
      network("ECONNRESET"),
      network("UND_ERR_HEADERS_TIMEOUT"),
    ]) {
      expect(isRetryable(failure, true)).toBe(true);
      expect(isRetryable(failure, false)).toBe(false);
    }
  });

  it("repeats even a create when the connection was never made", () => {
    expect(isRetryable(network("ECONNREFUSED"), false)).toBe(true);
    expect(isRetryable(network("UND_ERR_CONNECT_TIMEOUT"), false)).toBe(true);
  });

  it("never repeats other client errors or unknown failures", () => {
    for (const code of [400, 401, 403, 404, 409, 422, 501])
      expect(isRetryable(status(code), true)).toBe(false);
    expect(isRetryable(network("UND_ERR_ABORTED"), true)).toBe(false);
    expect(isRetryable({ kind: "network", code: undefined }, true)).toBe(false);
  });
});

describe("retryDelayMs", () => {
  const fixed = (random: number) => ({ ...DEFAULT_RETRY, random: () => random });

  it("waits Retry-After plus up to a tenth more as jitter", () => {
    const failure = status(429, { "retry-after": "30" });
    expect(retryDelayMs(failure, 1, fixed(0))).toBe(30_000);
    expect(retryDelayMs(failure, 1, fixed(0.999))).toBeGreaterThan(32_900);
    expect(retryDelayMs(failure, 1, fixed(0.999))).toBeLessThan(33_000);
  });

  it("waits for the exhausted bucket's reset when a 429 has no Retry-After", () => {
    const failure = status(429, {
      "x-rate-limit-remaining": "500",
      "zendesk-ratelimit-create-update-user": "total=5; remaining=0; resets=42",
    });
    expect(retryDelayMs(failure, 1, fixed(0))).toBe(42_000);
  });

  it("backs off exponentially with jitter, capped", () => {
    expect(backoffMs(1, fixed(0))).toBe(250);
    expect(backoffMs(1, fixed(0.999))).toBeLessThan(500);
    expect(backoffMs(3, fixed(0))).toBe(1000);
    expect(backoffMs(30, fixed(0.999))).toBeLessThanOrEqual(DEFAULT_RETRY.maxDelayMs);
    expect(retryDelayMs(status(503), 2, fixed(0))).toBe(500);
  });
});

describe("isAccountWide429", () => {
  it("pauses everyone when the account's requests are used up, or the 429 carries no rate headers", () => {
    expect(isAccountWide429({ "x-rate-limit-remaining": "0" })).toBe(true);
    expect(isAccountWide429({ "retry-after": "10" })).toBe(true);
  });

  it("leaves other callers alone when the account still has requests left (a bucket, a user, TooManyJobs)", () => {
    expect(isAccountWide429({ "x-rate-limit-remaining": "300", "retry-after": "10" })).toBe(false);
    expect(
      isAccountWide429({
        "x-rate-limit-remaining": "300",
        "zendesk-ratelimit-incremental-exports": "total=10; remaining=0; resets=20",
      }),
    ).toBe(false);
  });
});
