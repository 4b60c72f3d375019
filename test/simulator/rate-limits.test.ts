import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../src/simulator/account.js";
import { MINUTE } from "../../src/simulator/clock.js";
import { buckets, PLAN_REQUESTS_PER_MINUTE, RateLimiter } from "../../src/simulator/ratelimit.js";
import { useSimulator } from "../support/sim.js";

/** Moves the simulator clock to the start of the next minute, so a test's requests share one window. */
async function alignToMinute(inspect: (m: string, p: string, b?: unknown) => Promise<any>): Promise<void> {
  const { epoch_ms } = await inspect("GET", "/__sim/clock");
  await inspect("POST", "/__sim/clock", { advance: MINUTE - (epoch_ms % MINUTE) + 100 });
}

describe("account rate limit", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", plan: "team", tickets: 0 }] });

  it("allows the plan's requests a minute, then answers 429 in plain text with Retry-After", async () => {
    await alignToMinute(s.current.inspect);
    const limit = PLAN_REQUESTS_PER_MINUTE.team;
    let last: Awaited<ReturnType<typeof s.current.api>> | undefined;
    for (let i = 0; i < limit; i++) {
      last = await s.current.api("GET", "/api/v2/users/me.json");
      expect(last.status).toBe(200);
    }
    expect(last!.headers.get("x-rate-limit")).toBe("200");
    expect(last!.headers.get("x-rate-limit-remaining")).toBe("0");
    expect(last!.headers.get("ratelimit-limit")).toBe("200");
    expect(Number(last!.headers.get("ratelimit-reset"))).toBeGreaterThan(0);

    const limited = await s.current.api("GET", "/api/v2/users/me.json");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(limited.text).toBe("Number of allowed API requests per minute exceeded");
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    await s.current.inspect("POST", "/__sim/clock", { advance: `${retryAfter}s` });
    const again = await s.current.api("GET", "/api/v2/users/me.json");
    expect(again.status).toBe(200);
    expect(Number(again.headers.get("x-rate-limit-remaining"))).toBe(limit - 1);
  });

  it("follows a plan change at run time", async () => {
    await s.current.inspect("PUT", "/__sim/settings", { plan: "enterprise_plus" });
    const res = await s.current.api("GET", "/api/v2/users/me.json");
    expect(res.headers.get("x-rate-limit")).toBe("2500");
    await s.current.inspect("PUT", "/__sim/settings", { plan: "team" });
  });
});

describe("endpoint buckets", () => {
  const settings = { ...DEFAULT_SETTINGS };

  it("limits updates of one ticket to 30 per 10 minutes per user, separately for each ticket", () => {
    const limiter = new RateLimiter(() => 100_000);
    const t0 = 10 * MINUTE * 1000;
    for (let i = 0; i < 30; i++) {
      expect(limiter.take([buckets.ticketUpdatesPerTicket(7, 1)], t0 + i).allowed).toBe(true);
    }
    const blocked = limiter.take([buckets.ticketUpdatesPerTicket(7, 1)], t0 + 31);
    expect(blocked.allowed).toBe(false);
    expect(blocked.retryAfterSeconds).toBeGreaterThan(590);
    expect(limiter.take([buckets.ticketUpdatesPerTicket(8, 1)], t0 + 32).allowed).toBe(true);
    expect(limiter.take([buckets.ticketUpdatesPerTicket(7, 1)], t0 + 10 * MINUTE).allowed).toBe(true);
  });

  it("reports each bucket in a Zendesk-RateLimit header", () => {
    const limiter = new RateLimiter(() => 700);
    const decision = limiter.take([buckets.ticketsUpdate(settings)], 5 * MINUTE + 1000);
    expect(decision.headers["zendesk-ratelimit-tickets-update"]).toBe("total=100; remaining=99; resets=59");
    expect(decision.headers["x-rate-limit-remaining"]).toBe("699");
  });

  it("uses the documented limits for each plan and for sandboxes", () => {
    expect(buckets.ticketsUpdate(settings).limit).toBe(100);
    expect(buckets.ticketsUpdate({ ...settings, plan: "high_volume" }).limit).toBe(300);
    expect(buckets.ticketsUpdate({ ...settings, sandbox: true }).limit).toBe(20);
    expect(buckets.incrementalExports(settings).limit).toBe(10);
    expect(buckets.incrementalExports({ ...settings, plan: "enterprise_plus" }).limit).toBe(30);
    expect(buckets.searchExport().limit).toBe(100);
    expect(buckets.deletedTicketsIndex().limit).toBe(10);
    expect(buckets.deletedTicketsDestroyMany().limit).toBe(300);
    expect(PLAN_REQUESTS_PER_MINUTE).toMatchObject({
      team: 200,
      growth: 400,
      professional: 400,
      enterprise: 700,
      enterprise_plus: 2500,
    });
  });

  it("does not count a refused request", () => {
    const limiter = new RateLimiter(() => 1);
    expect(limiter.take([], 1000).allowed).toBe(true);
    expect(limiter.take([], 1001).allowed).toBe(false);
    expect(limiter.take([], 1002).allowed).toBe(false);
    expect(limiter.take([], MINUTE).allowed).toBe(true);
  });
});
