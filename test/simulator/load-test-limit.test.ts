import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../src/simulator/account.js";
import { MINUTE } from "../../src/simulator/clock.js";
import {
  accountRequestsPerMinute,
  bucketScale,
  buckets,
  RateLimiter,
} from "../../src/simulator/ratelimit.js";
import { useSimulator } from "../support/sim.js";

// The load-test setting requestsPerMinute: an account faster than any plan, so that end-to-end
// tests can run sweeps in real time. Account-wide buckets scale with it; per-record ones do not.

describe("the load-test account limit", () => {
  const enterprise = { ...DEFAULT_SETTINGS, plan: "enterprise" as const };
  const fast = { ...enterprise, requestsPerMinute: 70_000 };

  it("replaces the plan's limit and scales account-wide buckets by the same factor", () => {
    expect(accountRequestsPerMinute(enterprise)).toBe(700);
    expect(bucketScale(enterprise)).toBe(1);
    expect(accountRequestsPerMinute(fast)).toBe(70_000);
    expect(bucketScale(fast)).toBe(100);

    const limiter = new RateLimiter(
      () => accountRequestsPerMinute(fast),
      () => bucketScale(fast),
    );
    const at = 5 * MINUTE + 1000;
    const decision = limiter.take([buckets.ticketsUpdate(fast), buckets.searchExport()], at);
    expect(decision.headers["x-rate-limit"]).toBe("70000");
    expect(decision.headers["zendesk-ratelimit-tickets-update"]).toBe(
      "total=10000; remaining=9999; resets=59",
    );
    expect(decision.headers["zendesk-ratelimit-search-export"]).toBe(
      "total=10000; remaining=9999; resets=59",
    );
  });

  it("keeps Zendesk's limit on one ticket's updates, which protects the record rather than the account", () => {
    const limiter = new RateLimiter(
      () => accountRequestsPerMinute(fast),
      () => bucketScale(fast),
    );
    const at = 10 * MINUTE * 1000;
    for (let i = 0; i < 30; i++) {
      expect(limiter.take([buckets.ticketUpdatesPerTicket(7, 1)], at + i).allowed).toBe(true);
    }
    const blocked = limiter.take([buckets.ticketUpdatesPerTicket(7, 1)], at + 30);
    expect(blocked.allowed).toBe(false);
    expect(blocked.exceeded?.bucket).toBe("tickets-update-per-ticket");
  });

  describe("at run time", () => {
    const s = useSimulator({ accounts: [{ subdomain: "acme", plan: "team", tickets: 5 }] });

    it("is set and cleared through /__sim/settings, and answered in the rate-limit headers", async () => {
      await s.current.inspect("PUT", "/__sim/settings", { requestsPerMinute: 12_000 });
      const fastRes = await s.current.api("GET", "/api/v2/search/count.json?query=type:ticket");
      expect(fastRes.headers.get("x-rate-limit")).toBe("12000");
      expect(fastRes.headers.get("zendesk-ratelimit-search-index")).toMatch(/^total=150000;/);
      expect(s.current.sim.describe()[0]!.requestsPerMinute).toBe(12_000);

      await s.current.inspect("PUT", "/__sim/settings", { requestsPerMinute: null });
      const planRes = await s.current.api("GET", "/api/v2/search/count.json?query=type:ticket");
      expect(planRes.headers.get("x-rate-limit")).toBe("200");
      expect(planRes.headers.get("zendesk-ratelimit-search-index")).toMatch(/^total=2500;/);
    });

    it("refuses a limit that is not a whole number of at least 1, naming the field", async () => {
      const res = await s.current.api("PUT", "/__sim/settings", { requestsPerMinute: 0 }, null);
      expect(res.status).toBe(400);
      expect(res.text).toContain("requestsPerMinute");
    });
  });
});
