import { expect, it } from "vitest";
import type { ItemOutcome } from "../../src/sweep/outcome.js";
import { redactTicket } from "../../src/sweep/ticket.js";
import { runConcurrently } from "../../src/sweep/workers.js";
import { useSimulator } from "../support/sim.js";
import { context, hushClient, ticketSpec } from "./fixtures.js";

// The client's budget on the smallest plan Zendesk sells (Team, 200 requests a minute) with half
// of it given to Hush: a sweep of a few hundred tickets takes thousands of requests and many
// minutes of simulated time, and must never make Zendesk answer 429 or take more than its share.

const TICKETS = 300;
const LIMIT = 200;
const SHARE = 50;
const MINUTE = 60_000;

const s = useSimulator({ accounts: [{ subdomain: "acme", plan: "team", tickets: TICKETS, seed: 7 }] });

interface LoggedRequest {
  at: number;
  status: number;
}

/** The most requests in any 60 s of simulated time (a sliding window over the log). */
function busiestMinute(requests: readonly LoggedRequest[]): number {
  const times = requests.map((r) => r.at).sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= MINUTE) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

it("keeps a large sweep on the Team plan within its share of every minute, without a single 429", async () => {
  const { client, clock } = hushClient(s.current, { share: SHARE });
  const spec = ticketSpec({ closedTickets: "Replace" });
  const ids = Array.from({ length: TICKETS }, (_, i) => i + 1);
  const started = clock.now();

  const outcomes: ItemOutcome[] = await runConcurrently(ids, 8, (id) =>
    redactTicket(context(client), id, spec, { permanentlyDeleteOriginals: true }),
  );

  const log: { recent: LoggedRequest[]; counts: { status: number; count: number }[] } =
    await s.current.inspect("GET", "/__sim/requests?limit=20000");
  const total = log.counts.reduce((sum, c) => sum + c.count, 0);
  expect(total).toBeGreaterThan(2000);
  expect(log.recent).toHaveLength(total);
  expect(log.counts.filter((c) => c.status === 429)).toEqual([]);
  expect(busiestMinute(log.recent)).toBeLessThanOrEqual((LIMIT * SHARE) / 100);
  expect(client.budget.snapshot().rateLimited).toBe(0);
  // The work was done, and it took the simulated time the budget demands.
  expect(outcomes.filter((o) => o.result === "failed")).toEqual([]);
  expect(outcomes.filter((o) => o.result === "acted").length).toBeGreaterThan(TICKETS / 2);
  expect(clock.now() - started).toBeGreaterThanOrEqual(((total - 100) / 100) * MINUTE);
  await client.close();
});
