import { describe, expect, it } from "vitest";
import { useSimulator } from "../support/sim.js";

describe("fault injection", () => {
  const s = useSimulator({
    accounts: [
      { subdomain: "acme", tickets: 0 },
      { subdomain: "calm", tickets: 0 },
    ],
  });
  const clear = { latencyMs: 0, errorRate: 0, dropRate: 0, rateLimitStorm: 0 };

  it("answers every request with a 503 at an error rate of 1, and recovers when cleared", async () => {
    await s.current.inspect("PUT", "/__sim/faults", { errorRate: 1 });
    const failed = await s.current.api("GET", "/api/v2/users/me");
    expect(failed.status).toBe(503);
    expect(failed.body.error).toBe("unavailable");
    await s.current.inspect("PUT", "/__sim/faults", clear);
    expect((await s.current.api("GET", "/api/v2/users/me")).status).toBe(200);
  });

  it("drops connections without an answer at a drop rate of 1", async () => {
    await s.current.inspect("PUT", "/__sim/faults", { dropRate: 1 });
    await expect(s.current.api("GET", "/api/v2/users/me")).rejects.toThrow();
    await s.current.inspect("PUT", "/__sim/faults", clear);
    expect((await s.current.api("GET", "/api/v2/users/me")).status).toBe(200);
  });

  it("carries out a request and then loses its response on the routes named by lostResponseRoutes", async () => {
    await s.current.inspect("PUT", "/__sim/faults", {
      lostResponseRate: 1,
      lostResponseRoutes: ["POST /api/v2/tickets"],
    });
    const before = await s.current.inspect("GET", "/__sim/counts");
    await expect(
      s.current.api("POST", "/api/v2/tickets", { ticket: { comment: { body: "lost answer" } } }),
    ).rejects.toThrow();
    expect((await s.current.api("GET", "/api/v2/users/me")).status).toBe(200);
    const after = await s.current.inspect("GET", "/__sim/counts");
    expect(after.tickets).toBe(before.tickets + 1);
    await s.current.inspect("PUT", "/__sim/faults", { lostResponseRate: 0, lostResponseRoutes: [] });
    expect(
      (await s.current.api("POST", "/api/v2/tickets", { ticket: { comment: { body: "x" } } })).status,
    ).toBe(201);
  });

  it("answers 429 with Retry-After during a rate-limit storm until the clock passes it", async () => {
    await s.current.inspect("PUT", "/__sim/faults", {
      rateLimitStorm: "5m",
      rateLimitStormRetryAfterSeconds: 30,
    });
    const limited = await s.current.api("GET", "/api/v2/users/me");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("30");
    await s.current.inspect("POST", "/__sim/clock", { advance: "5m" });
    expect((await s.current.api("GET", "/api/v2/users/me")).status).toBe(200);
  });

  it("keeps faults per account", async () => {
    await s.current.inspect("PUT", "/__sim/faults?account=calm", { errorRate: 1 });
    expect((await s.current.api("GET", "/api/v2/users/me")).status).toBe(200);
    const faults = await s.current.inspect("GET", "/__sim/faults?account=calm");
    expect(faults.faults.errorRate).toBe(1);
    await s.current.inspect("PUT", "/__sim/faults?account=calm", clear);
  });

  it("refuses a malformed fault setting with a message naming the field", async () => {
    const res = await s.current.inspect("PUT", "/__sim/faults", { errorRate: 2 });
    expect(res.error).toBe("InvalidBody");
    expect(res.description).toContain("errorRate");
  });

  it("logs API requests by route template and status, for tests to count writes", async () => {
    await s.current.inspect("DELETE", "/__sim/requests");
    await s.current.api("GET", "/api/v2/users/me.json");
    await s.current.api("GET", "/api/v2/users/me.json", undefined, null);
    const log = await s.current.inspect("GET", "/__sim/requests?account=acme");
    expect(log.writes).toBe(0);
    const me = log.counts.filter((c: any) => c.route === "/api/v2/users/me");
    expect(me).toEqual([
      { account: "acme", method: "GET", route: "/api/v2/users/me", status: 200, count: 1 },
      { account: "acme", method: "GET", route: "/api/v2/users/me", status: 401, count: 1 },
    ]);
  });
});
