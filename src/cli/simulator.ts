import { parseArgs } from "node:util";
import type { Plan } from "../simulator/model.js";
import { Simulator } from "../simulator/simulator.js";

const PLANS: readonly Plan[] = [
  "team",
  "growth",
  "professional",
  "enterprise",
  "enterprise_plus",
  "high_volume",
];

const HELP = `Usage: hush simulator [options]

Serves a Zendesk Support API v2 simulator with deterministic seeded data.

Options:
  --port N            port to listen on (default 8080; 0 picks a free one)
  --host H            address to bind (default 127.0.0.1)
  --tickets N         tickets to seed in each account (default 1000)
  --seed N            seed of the generated data (default 1)
  --plan P            ${PLANS.join(" | ")} (default enterprise)
  --account NAME      an account subdomain; repeat for several (default: acme)
  --index-lag MS      delay before changes become searchable (default 0)
  --latency MS        fault: latency added to every API response
  --error-rate R      fault: share (0..1) of API requests answered with a 503
  --drop-rate R       fault: share (0..1) of API connections dropped
  --job-ms-per-item MS  job speed: milliseconds per job item (default 0: immediate)
  --requests-per-minute N  load tests: the account limit instead of the plan's; account-wide
                      endpoint buckets scale with it (per-ticket and per-user ones do not)
  -h, --help          show this help`;

function positiveInt(name: string, raw: string | undefined, fallback: number, min = 0): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name} must be a whole number of at least ${min}; got "${raw}"`);
  return n;
}

function rate(name: string, raw: string | undefined): number {
  if (raw === undefined) return 0;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new Error(`--${name} must be a number from 0 to 1; got "${raw}"`);
  return n;
}

/** The load-test account limit; null keeps the plan's. */
function requestsPerMinute(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const n = positiveInt("requests-per-minute", raw, 0, 1);
  if (n > 1_000_000) throw new Error(`--requests-per-minute must be at most 1000000; got "${raw}"`);
  return n;
}

export interface StartedSimulator {
  sim: Simulator;
  tickets: number;
  seed: number;
  plan: Plan;
  /** The load-test account limit (--requests-per-minute); null: the plan's. */
  requestsPerMinute: number | null;
  seededMs: number;
}

/** Parses `hush simulator` options, seeds and starts the server; null when only help was asked. */
export async function startSimulatorFromArgs(
  args: string[],
  defaults: { tickets: number; port: number; portFallback?: boolean },
): Promise<StartedSimulator | null> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      tickets: { type: "string" },
      seed: { type: "string" },
      plan: { type: "string" },
      account: { type: "string", multiple: true },
      "index-lag": { type: "string" },
      latency: { type: "string" },
      "error-rate": { type: "string" },
      "drop-rate": { type: "string" },
      "job-ms-per-item": { type: "string" },
      "requests-per-minute": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(HELP);
    return null;
  }
  const plan = (values.plan ?? "enterprise") as Plan;
  if (!PLANS.includes(plan))
    throw new Error(`--plan must be one of ${PLANS.join(", ")}; got "${values.plan}"`);
  const tickets = positiveInt("tickets", values.tickets, defaults.tickets);
  const seed = positiveInt("seed", values.seed, 1);
  const port = positiveInt("port", values.port, defaults.port);
  const settings = {
    searchIndexLagMs: positiveInt("index-lag", values["index-lag"], 0),
    jobMsPerItem: positiveInt("job-ms-per-item", values["job-ms-per-item"], 0),
    requestsPerMinute: requestsPerMinute(values["requests-per-minute"]),
  };
  const faults = {
    latencyMs: positiveInt("latency", values.latency, 0),
    errorRate: rate("error-rate", values["error-rate"]),
    dropRate: rate("drop-rate", values["drop-rate"]),
  };
  const subdomains = values.account?.length ? values.account : ["acme"];

  const started = performance.now();
  const sim = new Simulator({
    seed,
    accounts: subdomains.map((subdomain) => ({ subdomain, plan, tickets, settings, faults })),
  });
  const seededMs = performance.now() - started;
  const host = values.host ?? "127.0.0.1";
  try {
    await sim.listen(port, host);
  } catch (error) {
    const inUse = (error as { code?: string }).code === "EADDRINUSE";
    if (!inUse) throw error;
    if (!defaults.portFallback || values.port !== undefined) {
      throw new Error(`port ${port} on ${host} is in use; pick another with --port (0 picks a free one)`);
    }
    await sim.listen(0, host);
  }
  return { sim, tickets, seed, plan, requestsPerMinute: settings.requestsPerMinute, seededMs };
}

/** Prints each account's URL and credentials, as a user needs them to point a client at it. */
export function printAccounts(started: StartedSimulator): void {
  const { sim, tickets, seed, plan, seededMs } = started;
  const custom =
    started.requestsPerMinute === null ? "" : ` (load test: ${started.requestsPerMinute} requests a minute)`;
  console.log(
    `Zendesk simulator: ${tickets} tickets per account, seed ${seed}, plan ${plan}${custom}, seeded in ${Math.round(seededMs)} ms`,
  );
  for (const info of sim.describe()) {
    const c = info.credentials;
    console.log(`\naccount ${info.subdomain}`);
    console.log(`  url:          ${info.url}`);
    console.log(`  admin:        ${c.admin.email}/token:${c.admin.token}`);
    console.log(`  agent:        ${c.agent.email}/token:${c.agent.token}   (may not delete or redact)`);
    console.log(`  oauth bearer: ${c.admin.oauthToken}`);
  }
  const first = sim.describe()[0]!;
  console.log(
    `\nTry: curl -u '${first.credentials.admin.email}/token:${first.credentials.admin.token}' '${first.url}/api/v2/search.json?query=type:ticket%20status:closed'`,
  );
  console.log(
    'Inspect: GET /__sim/counts, /__sim/requests; POST /__sim/clock {"advance":"90d"}. Ctrl-C stops.',
  );
}

/** Resolves on SIGINT or SIGTERM. */
export function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

export async function runSimulator(args: string[]): Promise<number> {
  const started = await startSimulatorFromArgs(args, { tickets: 1000, port: 8080 });
  if (!started) return 0;
  printAccounts(started);
  await untilStopped();
  await started.sim.close();
  return 0;
}
