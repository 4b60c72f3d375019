import { beforeEach, describe, expect, it } from "vitest";
import { RateBudget } from "../../src/zendesk/budget.js";
import { ZendeskClient, type ZendeskClientOptions } from "../../src/zendesk/client.js";
import { RateLimitedError, UnavailableError } from "../../src/zendesk/errors.js";
import { useSimulator } from "../support/sim.js";
import {
  adminCredentials,
  recordingLogger,
  simulatorClock,
  simulatorRequests,
  steppedSimulatorClock,
  until,
} from "./client-support.js";

// Retries (ZENDESK_API.md 2.3-2.5): 429s, 5xx and dropped connections, only where repeating is safe.

const CLEAR = { latencyMs: 0, errorRate: 0, dropRate: 0, rateLimitStorm: 0 };
const me = { method: "GET", path: "/api/v2/users/me", route: "/api/v2/users/me" } as const;
const importTicket = {
  method: "POST",
  path: "/api/v2/imports/tickets",
  route: "/api/v2/imports/tickets",
  body: { ticket: { subject: "Imported", requester_id: 1, comments: [{ author_id: 1, value: "Hello" }] } },
} as const;

describe("ZendeskClient retries", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const clients: ZendeskClient[] = [];
  const client = (options: Partial<ZendeskClientOptions> = {}): ZendeskClient => {
    const created = new ZendeskClient({
      baseUrl: s.current.url,
      credentials: adminCredentials(s.current),
      clock: simulatorClock(s.current),
      ...options,
    });
    clients.push(created);
    return created;
  };
  const ticketCount = async (): Promise<number> => (await s.current.inspect("GET", "/__sim/counts")).tickets;
  const faults = (body: object) => s.current.inspect("PUT", "/__sim/faults", body);

  beforeEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await faults(CLEAR);
    await s.current.inspect("DELETE", "/__sim/requests");
  });

  it("retries a GET after a 5xx and returns the answer once Zendesk recovers", async () => {
    await faults({ errorRate: 1 });
    const clock = simulatorClock(s.current, () => faults(CLEAR));
    const logger = recordingLogger();
    const budget = new RateBudget({ clock, requestsPerMinute: 700 });
    const res = await client({ clock, logger, budget }).request<{ user: { id: number } }>(me);
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(1);
    // Each attempt took its place in the budget, and was let out of flight when answered.
    expect(budget.snapshot()).toMatchObject({ requests: 2, requestsInFlight: 0 });
    expect(logger.entries.map((e) => [e.status, e.attempt, e.willRetry])).toEqual([
      [503, 1, true],
      [200, 2, false],
    ]);
    expect(clock.slept).toHaveLength(1);
  });

  it("retries a GET whose connection was dropped", async () => {
    await faults({ dropRate: 1 });
    const logger = recordingLogger();
    const clock = simulatorClock(s.current, () => faults(CLEAR));
    const res = await client({ clock, logger }).request(me);
    expect(res.status).toBe(200);
    expect(logger.entries.map((e) => [e.status, e.attempt])).toEqual([
      [null, 1],
      [200, 2],
    ]);
    expect(logger.entries[0]!.errorCode).toMatch(/^(UND_ERR_SOCKET|ECONNRESET)$/);
  });

  it("gives up on a GET after the configured retries with an Unavailable error", async () => {
    await faults({ errorRate: 1 });
    const giving = client({ maxRetries: 2 });
    const error = await giving.request(me).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(giving.budget.snapshot()).toMatchObject({ requests: 3, requestsInFlight: 0 });
    expect(error).toMatchObject({ kind: "Unavailable", status: 503, route: "/api/v2/users/me" });
    const counts = await simulatorRequests(s.current);
    expect(counts.find((c) => c.route === "/api/v2/users/me" && c.status === 503)?.count).toBe(3);
  });

  it("never repeats a ticket import after a 5xx, since Zendesk may have created the ticket", async () => {
    await faults({ errorRate: 1 });
    const logger = recordingLogger();
    const error = await client({ logger })
      .request(importTicket)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(logger.entries.map((e) => [e.status, e.attempt, e.willRetry])).toEqual([[503, 1, false]]);
    const counts = await simulatorRequests(s.current);
    expect(counts.filter((c) => c.route === "/api/v2/imports/tickets")).toEqual([
      expect.objectContaining({ status: 503, count: 1 }),
    ]);
  });

  it("never repeats a ticket import whose connection was dropped", async () => {
    const before = await ticketCount();
    await faults({ dropRate: 1 });
    const logger = recordingLogger();
    const dropped = client({ logger });
    const error = await dropped.request(importTicket).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).status).toBeNull();
    expect(dropped.budget.snapshot().requestsInFlight).toBe(0);
    expect(logger.entries).toHaveLength(1);
    await faults(CLEAR);
    expect(await ticketCount()).toBe(before);
  });

  it("repeats a ticket import refused with a 429, which Zendesk did not process, and creates one ticket", async () => {
    const before = await ticketCount();
    await faults({ rateLimitStorm: "20s", rateLimitStormRetryAfterSeconds: 20 });
    const clock = simulatorClock(s.current);
    const res = await client({ clock }).request(importTicket);
    expect(res.status).toBe(201);
    expect(await ticketCount()).toBe(before + 1);
    // Waited what Retry-After asked, plus jitter.
    expect(clock.slept[0]).toBeGreaterThanOrEqual(20_000);
    expect(clock.slept[0]).toBeLessThan(25_000);
  });

  it("pauses every caller of the account's budget after a 429 until Retry-After has passed", async () => {
    await faults({ rateLimitStorm: "30s", rateLimitStormRetryAfterSeconds: 30 });
    const clock = steppedSimulatorClock(s.current);
    const budget = new RateBudget({ clock, requestsPerMinute: 700 });
    const first = client({ clock, budget, retry: { random: () => 0 } });
    const second = client({ clock, budget });

    const firstDone = first.request(me);
    await until(() => clock.sleepers() === 1, "the first caller backs off after its 429");
    const secondDone = second.request(me);
    await until(() => clock.sleepers() === 2, "the second caller waits for the pause");
    const sent = await simulatorRequests(s.current);
    expect(sent.filter((c) => c.route === "/api/v2/users/me")).toEqual([
      expect.objectContaining({ status: 429, count: 1 }),
    ]);

    clock.advance(30_000);
    expect((await firstDone).status).toBe(200);
    expect((await secondDone).status).toBe(200);
    const after = await simulatorRequests(s.current);
    const answered = after.filter((c) => c.route === "/api/v2/users/me").map((c) => [c.status, c.count]);
    expect(answered.sort()).toEqual([
      [200, 2],
      [429, 1],
    ]);
    expect(budget.snapshot().rateLimited).toBe(1);
  });

  it("holds back only the request whose user ran out of updates, not other callers", async () => {
    const clock = steppedSimulatorClock(s.current);
    const budget = new RateBudget({ clock, requestsPerMinute: 700 });
    const c = client({ clock, budget, retry: { random: () => 0 } });
    // Without bucket uses the budget does not pace this user, so Zendesk's per-user limit answers.
    const update = (n: number) =>
      c.request({
        method: "PUT",
        path: "/api/v2/users/3",
        route: "/api/v2/users/{id}",
        body: { user: { notes: `note ${n}` } },
      });
    for (let n = 0; n < 5; n++) await update(n);
    const sixth = update(5);
    await until(() => clock.sleepers() === 1, "the sixth update backs off after its 429");
    expect((await c.request(me)).status).toBe(200);
    clock.advance(60_000);
    expect((await sixth).status).toBe(200);
    const counts = await simulatorRequests(s.current);
    // The simulator logs its own route templates (`:id`).
    const updates = counts.filter((r) => r.route === "/api/v2/users/:id").map((r) => [r.status, r.count]);
    expect(updates.sort()).toEqual([
      [200, 6],
      [429, 1],
    ]);
  });

  it("hands a 429 with a very long Retry-After to the caller and keeps the budget paused", async () => {
    await faults({ rateLimitStorm: "1h", rateLimitStormRetryAfterSeconds: 900 });
    const clock = steppedSimulatorClock(s.current);
    const budget = new RateBudget({ clock, requestsPerMinute: 700 });
    const error = await client({ clock, budget })
      .request(me)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(900_000);

    let acquired = false;
    const next = budget.acquire([]).then(() => {
      acquired = true;
    });
    await until(() => clock.sleepers() === 1, "the next caller waits");
    expect(acquired).toBe(false);
    clock.advance(900_000);
    await next;
    expect(acquired).toBe(true);
  });

  it("keeps within its share on the smallest plan, sees no 429 and learns the plan's limit", async () => {
    await s.current.inspect("PUT", "/__sim/settings", { plan: "team" });
    try {
      const clock = simulatorClock(s.current);
      const budget = new RateBudget({ clock, share: 50 });
      const c = client({ clock, budget });
      const ids = (await c.request<{ ticket: { id: number } }>(importTicket)).body.ticket.id;
      const work = Array.from({ length: 8 }, async (_, worker) => {
        for (let i = 0; i < 30; i++) {
          if (i % 3 === 0) {
            await c.request({
              method: "PUT",
              path: `/api/v2/tickets/${ids}`,
              route: "/api/v2/tickets/{id}",
              body: { ticket: { tags: [`w${worker}`] } },
              buckets: [{ bucket: "tickets-update" }, { bucket: "ticket-updates-per-ticket", key: ids }],
            });
          } else await c.request(me);
        }
      });
      await Promise.all(work);
      const counts = await simulatorRequests(s.current);
      expect(counts.filter((r) => r.status === 429)).toEqual([]);
      expect(budget.snapshot()).toMatchObject({ limit: 200, limitSource: "learnt", rateLimited: 0 });
      expect(budget.snapshot().peakPerMinute).toBeLessThanOrEqual(100);
    } finally {
      await s.current.inspect("PUT", "/__sim/settings", { plan: "enterprise" });
    }
  });

  it("stops waiting for a retry when the caller aborts", async () => {
    await faults({ errorRate: 1 });
    const clock = steppedSimulatorClock(s.current);
    const abort = new AbortController();
    const pending = client({ clock })
      .request({ ...me, signal: abort.signal })
      .catch((e: unknown) => e);
    await until(() => clock.sleepers() === 1, "the client backs off after the 5xx");
    abort.abort(new Error("sweep cancelled"));
    expect(await pending).toEqual(new Error("sweep cancelled"));
  });
  it("gives up on an answer that does not come within the headers timeout, as Unavailable", async () => {
    await faults({ latencyMs: 2_000 });
    const slow = client({ maxRetries: 0, timeouts: { headersMs: 100 } });
    const error = await slow.request(me).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(slow.budget.snapshot()).toMatchObject({ requestsInFlight: 0 });
  });
});
