import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type BucketUse, RateBudget } from "../../src/zendesk/budget.js";
import { FakeClock, settle } from "./budget-fake-clock.js";

const MINUTE = 60_000;

/** One request through the budget, answered the moment it is let go. */
async function send(budget: RateBudget, uses: BucketUse[] = []): Promise<void> {
  await budget.acquire(uses);
  budget.settle(uses);
}

/** Starts `count` acquires at once and returns the virtual times at which each was let through. */
async function acquireMany(budget: RateBudget, clock: FakeClock, count: number, uses: BucketUse[] = []) {
  const times: number[] = [];
  const all = Array.from({ length: count }, () => send(budget, uses).then(() => times.push(clock.now())));
  await clock.run();
  await Promise.all(all);
  return times.sort((a, b) => a - b);
}

/** The most requests found in any window of `windowMs` (sliding, ending at each request). */
function busiestWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (const end of times) most = Math.max(most, times.filter((t) => t > end - windowMs && t <= end).length);
  return most;
}

describe("RateBudget", () => {
  it("keeps Hush's requests within its share of the limit in every 60 s window", async () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock, requestsPerMinute: 100, share: 30 });
    const start = clock.now();
    const times = await acquireMany(budget, clock, 100);
    expect(busiestWindow(times, MINUTE)).toBe(30);
    // Sliding, not per-minute bursts: the 31st request goes the moment the 1st leaves the window.
    expect(times[29]).toBe(start);
    expect(times[30]).toBe(start + MINUTE);
    expect(budget.snapshot()).toMatchObject({ requests: 100, peakPerMinute: 30, allowedPerMinute: 30 });
  });

  it("stays within its share for any pattern of arrivals", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 10, max: 400 }),
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.integer({ min: 0, max: 3 * MINUTE }), { minLength: 1, maxLength: 120 }),
        async (limit, share, arrivals) => {
          const clock = new FakeClock();
          const budget = new RateBudget({ clock, requestsPerMinute: limit, share });
          const start = clock.now();
          const times: number[] = [];
          const done = arrivals.map((offset) =>
            clock.sleep(offset).then(() => send(budget).then(() => times.push(clock.now()))),
          );
          await clock.run();
          await Promise.all(done);
          const allowed = Math.max(1, Math.floor((limit * share) / 100));
          expect(busiestWindow(times, MINUTE)).toBeLessThanOrEqual(allowed);
          expect(times.every((t) => t >= start)).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("keeps a request in its window until its response arrives, so a slow answer cannot put more than the share into one of Zendesk's windows", async () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock, requestsPerMinute: 100, share: 10 });
    const start = clock.now();
    for (let i = 0; i < 10; i++) await budget.acquire();
    // Zendesk may count these as late as when their answers come, 20 s later.
    await clock.run(20_000);
    for (let i = 0; i < 10; i++) budget.settle();
    const times = await acquireMany(budget, clock, 1);
    expect(times).toEqual([start + 20_000 + MINUTE]);
  });

  it("lets a caller waiting on requests in flight go a minute after they are answered", async () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock, requestsPerMinute: 20, share: 10 });
    const start = clock.now();
    await budget.acquire();
    await budget.acquire();
    const times: number[] = [];
    const waiting = send(budget).then(() => times.push(clock.now()));
    await clock.run(5_000);
    expect(budget.snapshot().requestsInFlight).toBe(2);
    budget.settle();
    budget.settle();
    await clock.run();
    await waiting;
    expect(times).toEqual([start + 5_000 + MINUTE]);
    expect(budget.snapshot().requestsInFlight).toBe(0);
  });

  it("charges a bucket that Zendesk counts in items by the items of each request", async () => {
    const clock = new FakeClock();
    // tickets-destroy: 400 tickets a minute (ZENDESK_API.md 2.4); half of it is 200.
    const budget = new RateBudget({ clock, requestsPerMinute: 700, share: 50 });
    const start = clock.now();
    const times = await acquireMany(budget, clock, 3, [{ bucket: "tickets-destroy", cost: 100 }]);
    expect(times).toEqual([start, start, start + MINUTE]);
  });

  it("lets a request costing more than the share through once its bucket's window is empty", async () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock, requestsPerMinute: 700, share: 10 });
    const start = clock.now();
    const times = await acquireMany(budget, clock, 2, [{ bucket: "tickets-destroy", cost: 100 }]);
    expect(times).toEqual([start, start + MINUTE]);
  });

  it("learns the account limit from X-Rate-Limit when none is configured", () => {
    const budget = new RateBudget({ clock: new FakeClock() });
    expect(budget.snapshot()).toMatchObject({ limit: 10, limitSource: "assumed", allowedPerMinute: 5 });
    budget.observe({ "X-Rate-Limit": "400", "X-Rate-Limit-Remaining": "399" });
    expect(budget.snapshot()).toMatchObject({ limit: 400, limitSource: "learnt", allowedPerMinute: 200 });
  });

  it("uses the lower of the configured limit and the limit Zendesk reports", () => {
    const configuredTooHigh = new RateBudget({ clock: new FakeClock(), requestsPerMinute: 2500 });
    configuredTooHigh.observe({ "x-rate-limit": "700" });
    expect(configuredTooHigh.limit).toBe(700);
    const configuredLower = new RateBudget({ clock: new FakeClock(), requestsPerMinute: 400 });
    configuredLower.observe({ "x-rate-limit": "2500" });
    expect(configuredLower.limit).toBe(400);
  });

  it("lets callers waiting on the assumed limit go as soon as the real limit is learnt", async () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock });
    const times: number[] = [];
    const all = Array.from({ length: 8 }, () => send(budget).then(() => times.push(clock.now())));
    await settle();
    expect(times).toHaveLength(5);
    budget.observe({ "x-rate-limit": "700" });
    await settle();
    await Promise.all(all);
    expect(times).toEqual(Array(8).fill(clock.now()));
  });

  it("waits for the reported reset when the account's remaining requests fall to the floor", async () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock, requestsPerMinute: 700 });
    budget.observe({ "x-rate-limit": "700", "x-rate-limit-remaining": "71", "ratelimit-reset": "41" });
    const start = clock.now();
    expect(await acquireMany(budget, clock, 1)).toEqual([start]);
    // Agents and apps used the rest: 10% of the window is left to them.
    budget.observe({ "x-rate-limit": "700", "x-rate-limit-remaining": "70", "ratelimit-reset": "41" });
    expect(await acquireMany(budget, clock, 1)).toEqual([start + 41_000]);
  });

  it("keeps to its share of an account-wide endpoint bucket", async () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock, requestsPerMinute: 700, share: 50 });
    const start = clock.now();
    const times = await acquireMany(budget, clock, 6, [{ bucket: "incremental-exports" }]);
    expect(times.slice(0, 5)).toEqual(Array(5).fill(start));
    expect(times[5]).toBe(start + MINUTE);
  });

  it("uses the High Volume limits of endpoint buckets on a 2,500 a minute account", async () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock, share: 50 });
    budget.observe({ "x-rate-limit": "2500" });
    const times = await acquireMany(budget, clock, 16, [{ bucket: "incremental-exports" }]);
    expect(busiestWindow(times, MINUTE)).toBe(15);
  });

  it("paces the updates of each ticket separately, keeping a fifth of Zendesk's 30 per 10 minutes in reserve", async () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock, requestsPerMinute: 2500, share: 100 });
    const start = clock.now();
    const ticket7: BucketUse[] = [{ bucket: "ticket-updates-per-ticket", key: 7 }];
    const times = await acquireMany(budget, clock, 25, ticket7);
    expect(times.filter((t) => t === start)).toHaveLength(24);
    expect(times[24]).toBe(start + 10 * MINUTE);

    const later = clock.now();
    const ticket8 = await acquireMany(budget, clock, 1, [{ bucket: "ticket-updates-per-ticket", key: 8 }]);
    expect(ticket8).toEqual([later]);
  });

  it("paces the updates of each user at four a minute", async () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock, requestsPerMinute: 700 });
    const times = await acquireMany(budget, clock, 9, [{ bucket: "user-updates-per-user", key: 42 }]);
    expect(busiestWindow(times, MINUTE)).toBe(4);
  });

  it("learns an endpoint bucket's limit and remaining requests from Zendesk-RateLimit headers", async () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock, requestsPerMinute: 700, share: 50 });
    // A sandbox allows 20 ticket updates a minute, not the documented 100 (ZENDESK_API.md 2.4).
    budget.observe({ "zendesk-ratelimit-tickets-update": "total=20; remaining=15; resets=30" });
    const start = clock.now();
    const times = await acquireMany(budget, clock, 11, [{ bucket: "tickets-update" }]);
    expect(times.filter((t) => t === start)).toHaveLength(10);

    budget.observe({ "zendesk-ratelimit-tickets-update": "total=20; remaining=2; resets=30" });
    const blockedAt = clock.now();
    expect(await acquireMany(budget, clock, 1, [{ bucket: "tickets-update" }])).toEqual([
      Math.max(blockedAt + 30_000, start + MINUTE),
    ]);
    // Other requests are not held back by the ticket-update bucket.
    const other = clock.now();
    expect(await acquireMany(budget, clock, 1)).toEqual([other]);
  });

  it("applies a reported per-user bucket to the user the request named", async () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock, requestsPerMinute: 700 });
    const user9: BucketUse[] = [{ bucket: "user-updates-per-user", key: 9 }];
    budget.observe(
      { "zendesk-ratelimit-create-update-user": "total=5; remaining=1; resets=40" },
      { uses: user9 },
    );
    const start = clock.now();
    expect(await acquireMany(budget, clock, 1, [{ bucket: "user-updates-per-user", key: 10 }])).toEqual([
      start,
    ]);
    expect(await acquireMany(budget, clock, 1, user9)).toEqual([start + 40_000]);
  });

  it("holds back every caller while paused after a 429, and counts the 429", async () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock, requestsPerMinute: 700 });
    budget.observe({ "retry-after": "30" }, { status: 429 });
    budget.pause(30_000);
    const start = clock.now();
    const times = await acquireMany(budget, clock, 3, [{ bucket: "search-export" }]);
    expect(times).toEqual(Array(3).fill(start + 30_000));
    expect(budget.snapshot()).toMatchObject({ rateLimited: 1, waits: 3, waitedMs: 90_000 });
  });

  it("lets an aborted caller stop waiting", async () => {
    const clock = new FakeClock();
    const budget = new RateBudget({ clock, requestsPerMinute: 700 });
    budget.pause(MINUTE);
    const abort = new AbortController();
    const waiting = budget.acquire([], abort.signal).catch((e: unknown) => e);
    await settle();
    abort.abort(new Error("stopped"));
    expect(await waiting).toEqual(new Error("stopped"));
    expect(clock.sleepers).toBe(0);
  });

  it("refuses a share outside (0, 100]", () => {
    expect(() => new RateBudget({ share: 0 })).toThrow(RangeError);
    expect(() => new RateBudget({ share: 120 })).toThrow(RangeError);
  });
});

describe("RateBudget job slots", () => {
  it("hands out its share of Zendesk's 30 job slots and queues further jobs until one ends", async () => {
    const budget = new RateBudget({ clock: new FakeClock(), share: 10 });
    expect(budget.maxJobsInFlight).toBe(3);
    const releases = await Promise.all([
      budget.acquireJobSlot(),
      budget.acquireJobSlot(),
      budget.acquireJobSlot(),
    ]);
    let fourth = false;
    const waiting = budget.acquireJobSlot().then((release) => {
      fourth = true;
      return release;
    });
    await settle();
    expect(fourth).toBe(false);
    releases[0]!();
    releases[0]!(); // releasing twice frees one slot only
    const release4 = await waiting;
    expect(budget.snapshot()).toMatchObject({ jobsInFlight: 3, maxJobsInFlight: 3 });
    release4();
    expect(budget.snapshot().jobsInFlight).toBe(2);
  });

  it("uses at least one job slot however small the share", () => {
    expect(new RateBudget({ share: 1 }).maxJobsInFlight).toBe(1);
    expect(new RateBudget({ share: 1, maxJobsInFlight: 4 }).maxJobsInFlight).toBe(4);
  });

  it("stops waiting for a job slot when aborted", async () => {
    const budget = new RateBudget({ clock: new FakeClock(), maxJobsInFlight: 1 });
    const release = await budget.acquireJobSlot();
    const abort = new AbortController();
    const waiting = budget.acquireJobSlot(abort.signal).catch((e: unknown) => e);
    abort.abort(new Error("stopped"));
    expect(await waiting).toEqual(new Error("stopped"));
    release();
    const next = await budget.acquireJobSlot();
    expect(budget.snapshot().jobsInFlight).toBe(1);
    next();
  });
});
