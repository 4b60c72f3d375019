// The cost of each strategy for closed tickets: 10,000 closed tickets (or --closed-tickets N) on the
// Enterprise plan (700 requests a minute) in the in-process simulator, swept with Hush's client at a
// 50% share. The client runs on virtual time (its sleeps move the simulator's clock), so minutes
// of rate-limited work take seconds. Prints figures only; nothing here asserts.
import { parseArgs } from "node:util";
import { DEFAULT_MARKER_TAG, type TicketRedactionSpec } from "../src/redaction/spec.js";
import type { Account } from "../src/simulator/account.js";
import { Simulator } from "../src/simulator/simulator.js";
import type { ItemOutcome } from "../src/sweep/outcome.js";
import { ClosedTicketUpdates } from "../src/sweep/redact-ticket.js";
import { redactTicket } from "../src/sweep/ticket.js";
import { runConcurrently } from "../src/sweep/workers.js";
import { ZendeskClient } from "../src/zendesk/index.js";
import { virtualTime } from "../test/support/virtual-clock.js";

// Not strict: bench/run.ts passes every bench the same arguments.
const { values } = parseArgs({
  options: {
    "closed-tickets": { type: "string", default: "10000" },
    concurrency: { type: "string", default: "8" },
    share: { type: "string", default: "50" },
    seed: { type: "string", default: "1" },
  },
  strict: false,
});
const tickets = positiveInteger("closed-tickets");
const concurrency = positiveInteger("concurrency");
const share = positiveInteger("share");
const seed = positiveInteger("seed");

const PLAN = "enterprise";
const LIMIT = 700;
const MINUTE = 60_000;

interface Strategy {
  name: string;
  closedTickets: TicketRedactionSpec["closedTickets"];
  permanentlyDeleteOriginals: boolean;
}

const STRATEGIES: Strategy[] = [
  { name: "InPlace", closedTickets: "InPlace", permanentlyDeleteOriginals: false },
  { name: "Replace", closedTickets: "Replace", permanentlyDeleteOriginals: false },
  { name: "Replace + permanent delete", closedTickets: "Replace", permanentlyDeleteOriginals: true },
];

const spec = (closedTickets: TicketRedactionSpec["closedTickets"]): TicketRedactionSpec => ({
  fields: ["subject", "comments", "customFields", "tags", "attachments", "via"],
  comments: { visibility: "all" },
  attachments: "redact",
  masking: { mode: "Detected", replacement: { kind: "blocks" } },
  detection: {
    detectors: [
      "email",
      "phone",
      "paymentCard",
      "iban",
      "ipAddress",
      "nationalId",
      "postalAddress",
      "knownIdentifiers",
    ],
    region: "DK",
  },
  closedTickets,
  markerTag: DEFAULT_MARKER_TAG,
});

interface Figures {
  strategy: string;
  outcomes: Record<string, number>;
  failures: Record<string, number>;
  requests: number;
  byRoute: { route: string; count: number }[];
  simulatedMs: number;
  busiestMinute: number;
  allowedPerMinute: number;
  rateLimited: { simulator: number; client: number };
  wallMs: number;
  residual: number;
}

async function runStrategy(strategy: Strategy): Promise<Figures> {
  const sim = new Simulator({ accounts: [{ subdomain: "bench", plan: PLAN, tickets, seed }] });
  const account = sim.account("bench")!;
  closeEveryTicket(account);
  const url = await sim.listen(0);
  const stamps: number[] = [];
  const time = virtualTime(
    sim.clock,
    { share, requestsPerMinute: LIMIT },
    { request: () => stamps.push(sim.clock.now()) },
  );
  const admin = sim.describe()[0]!.credentials.admin;
  const client = new ZendeskClient({
    baseUrl: url,
    credentials: { kind: "apiToken", email: admin.email, token: admin.token },
    budget: time.budget,
    clock: time.clock,
    logger: time.logger,
  });
  const ids = [...account.tickets.keys()].sort((a, b) => a - b);
  const startedAt = sim.clock.now();
  const started = performance.now();

  const ctx = { client, closedTicketUpdates: new ClosedTicketUpdates() };
  const outcomes = await runConcurrently(ids, concurrency, (id) =>
    redactTicket(ctx, id, spec(strategy.closedTickets), {
      permanentlyDeleteOriginals: strategy.permanentlyDeleteOriginals,
    }),
  );

  const wallMs = performance.now() - started;
  const counts = sim.log.counts("bench");
  await client.close();
  await sim.close();
  return {
    strategy: strategy.name,
    outcomes: tally(outcomes.map((o) => (o.result === "skipped" ? `skipped ${o.reason}` : o.result))),
    failures: tally(outcomes.flatMap((o) => (o.result === "failed" ? [`${o.step}: ${o.error.kind}`] : []))),
    requests: counts.reduce((sum, c) => sum + c.count, 0),
    byRoute: routes(counts),
    simulatedMs: sim.clock.now() - startedAt,
    busiestMinute: busiest(stamps),
    allowedPerMinute: time.budget.allowedPerMinute,
    rateLimited: {
      simulator: counts.filter((c) => c.status === 429).reduce((sum, c) => sum + c.count, 0),
      client: time.budget.snapshot().rateLimited,
    },
    wallMs,
    residual: outcomes.reduce((sum, o: ItemOutcome) => sum + (o.residual ?? 0), 0),
  };
}

/** The seed makes tickets in every status; the benchmark is about closed ones. */
function closeEveryTicket(account: Account): void {
  for (const ticket of account.tickets.values()) {
    if (ticket.status === "closed") continue;
    ticket.status = "closed";
    ticket.solved_at ??= ticket.updated_at;
    ticket.closed_at = ticket.solved_at;
  }
}

function busiest(stamps: readonly number[]): number {
  const times = [...stamps].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= MINUTE) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

function routes(counts: { method: string; route: string; count: number }[]): Figures["byRoute"] {
  const byRoute = new Map<string, number>();
  for (const c of counts)
    byRoute.set(`${c.method} ${c.route}`, (byRoute.get(`${c.method} ${c.route}`) ?? 0) + c.count);
  return [...byRoute].map(([route, count]) => ({ route, count })).sort((a, b) => b.count - a.count);
}

function tally(keys: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

function positiveInteger(name: string): number {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name} must be a positive integer, got ${values[name]}`);
  return value;
}

const fixed = (n: number, digits = 1) => n.toFixed(digits);
/**
 * Requests a minute over the run: over the 60 s windows from the first request, the last (partly
 * used) one counted whole, since on virtual time a window's requests all come at its start.
 */
const perMinute = (f: Figures) => f.requests / (Math.floor(f.simulatedMs / MINUTE) + 1);
const percent = (n: number) => `${(n * 100).toFixed(1)}%`;

console.log(
  `${tickets} closed tickets, ${PLAN} plan (${LIMIT} requests a minute), Hush's share ${share}%, ${concurrency} workers`,
);
const all: Figures[] = [];
for (const strategy of STRATEGIES) {
  const f = await runStrategy(strategy);
  all.push(f);
  const minutes = f.simulatedMs / MINUTE;
  console.log(`\n${f.strategy}`);
  console.log(`  outcomes:              ${JSON.stringify(f.outcomes)}`);
  if (Object.keys(f.failures).length > 0)
    console.log(`  failures:              ${JSON.stringify(f.failures)}`);
  console.log(`  API requests:          ${f.requests} (${fixed(f.requests / tickets, 2)} a ticket)`);
  console.log(`  by route:              ${f.byRoute.map((r) => `${r.route} ${r.count}`).join(", ")}`);
  console.log(`  simulated time:        ${fixed(minutes)} min`);
  console.log(
    `  requests a minute:     ${fixed(perMinute(f))} on average, ${f.busiestMinute} in the busiest 60 s; allowed ${f.allowedPerMinute}`,
  );
  console.log(
    `  budget used:           ${percent(perMinute(f) / f.allowedPerMinute)} of Hush's share on average (${percent(f.busiestMinute / f.allowedPerMinute)} at peak), ${percent(perMinute(f) / LIMIT)} of the account's limit`,
  );
  console.log(
    `  429s:                  ${f.rateLimited.simulator} answered by the simulator, ${f.rateLimited.client} seen by the client`,
  );
  console.log(`  residual findings:     ${f.residual}`);
  console.log(`  wall time:             ${fixed(f.wallMs / 1000, 1)} s`);
}

console.log(
  "\n| strategy | requests a ticket | budget used (average / peak of Hush's share) | 429s | simulated time | wall time |",
);
console.log("| --- | --- | --- | --- | --- | --- |");
for (const f of all) {
  const minutes = f.simulatedMs / MINUTE;
  console.log(
    `| ${f.strategy} | ${fixed(f.requests / tickets, 2)} | ${percent(perMinute(f) / f.allowedPerMinute)} / ${percent(f.busiestMinute / f.allowedPerMinute)} | ${f.rateLimited.simulator} | ${fixed(minutes / 60, 1)} h | ${fixed(f.wallMs / 1000, 0)} s |`,
  );
}
