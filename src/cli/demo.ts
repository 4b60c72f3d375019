import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { LocalLoop, type LoopEvent, type PolicyOutcome } from "../local/loop.js";
import { createMetrics } from "../observability/metrics.js";
import { type MetricsServer, startMetricsServer } from "../observability/metrics-server.js";
import { Simulator } from "../simulator/simulator.js";
import type { AuditRecord } from "../sweep/evidence.js";
import {
  captureBefore,
  printBeforeAfter,
  printMetricSample,
  printRoundSummary,
  printWhere,
  progressPrinter,
} from "./demo-output.js";
import { castOf, prepareExamples, resumeErasureUser } from "./demo-scenario.js";
import { DEFAULT_METRICS_PORT } from "./run-args.js";

// The README's first command: the example policies of examples/ run by `hush run` against a
// simulated Zendesk account with seeded, synthetic data. It shows the sweeps' progress, a
// before/after of a few tickets and users, and where metrics, audit records and status are; then
// it keeps running (the large policies go on every minute) until Ctrl-C, or exits (--exit).

const HELP = `Usage: hush demo [options]

Runs the example policies (examples/) with hush run against a Zendesk simulator seeded with
synthetic data, shows progress and a before/after of a few tickets and users, then keeps running
until Ctrl-C.

Options:
  --exit              exit after the first round instead of running until Ctrl-C
  --tickets N         tickets to seed (default 200; each sweep of a large backlog is capped, see below)
  --seed N            seed of the synthetic data (default 1)
  --port N            the simulator's port (default 8080, or a free one when it is taken; 0: a free one)
  --metrics-port N    the metrics port (default ${DEFAULT_METRICS_PORT}, or a free one when it is taken; 0: a free one)
  -h, --help          show this help`;

interface DemoArgs {
  exit: boolean;
  tickets: number;
  seed: number;
  port: number | undefined;
  metricsPort: number | undefined;
}

export class DemoUsageError extends Error {}

function whole(flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    throw new DemoUsageError(`--${flag} must be a whole number from ${min} to ${max}; got "${raw}"`);
  }
  return n;
}

function parseDemoArgs(args: string[]): DemoArgs | null {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        exit: { type: "boolean" },
        tickets: { type: "string" },
        seed: { type: "string" },
        port: { type: "string" },
        "metrics-port": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new DemoUsageError(`${(error as Error).message.split("\n")[0]}; see hush demo --help`);
  }
  if (values["help"]) return null;
  const text = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  return {
    exit: values["exit"] === true,
    tickets: whole("tickets", text("tickets"), 20, 100_000) ?? 200,
    seed: whole("seed", text("seed"), 0, 2 ** 31) ?? 1,
    port: whole("port", text("port"), 0, 65_535),
    metricsPort: whole("metrics-port", text("metrics-port"), 0, 65_535),
  };
}

export interface DemoIo {
  out: (line: string) => void;
  /** Ends the demo's serving (runDemo wires SIGINT and SIGTERM to it). */
  signal?: AbortSignal;
}

async function listenWithFallback<T>(
  preferred: number | undefined,
  fallback: number,
  start: (port: number) => Promise<T>,
): Promise<T> {
  if (preferred !== undefined) return start(preferred);
  try {
    return await start(fallback);
  } catch (error) {
    if (
      !/in use|EADDRINUSE/.test(String((error as Error).message) + String((error as { code?: string }).code))
    )
      throw error;
    return start(0);
  }
}

async function readAudit(path: string): Promise<AuditRecord[]> {
  const text = await readFile(path, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as AuditRecord);
}

/** Runs the demo; resolves with the exit code. */
export async function demo(args: string[], io: DemoIo): Promise<number> {
  let parsed: DemoArgs | null;
  try {
    parsed = parseDemoArgs(args);
  } catch (error) {
    if (!(error instanceof DemoUsageError)) throw error;
    io.out(`hush demo: ${error.message}`);
    return 2;
  }
  if (!parsed) {
    io.out(HELP);
    return 0;
  }
  const { out } = io;
  out("Hush demo: the example policies of examples/, run by `hush run` against a simulated Zendesk account.");
  out("Everything below is synthetic data from the simulator's seed: no real person, no real account.\n");

  const sim = new Simulator({
    seed: parsed.seed,
    accounts: [{ subdomain: "acme", plan: "enterprise_plus", tickets: parsed.tickets }],
  });
  const url = await listenWithFallback(parsed.port, 8080, async (port) => {
    try {
      return await sim.listen(port);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== "EADDRINUSE") throw error;
      throw Object.assign(
        new Error(`port ${port} is in use; give the simulator another with --port (0 picks a free one)`),
        { code },
      );
    }
  });
  const info = sim.describe()[0]!;
  const account = sim.account("acme")!;
  const metrics = createMetrics(undefined, { processMetrics: true });
  let server: MetricsServer | undefined;
  let loop: LocalLoop | undefined;
  try {
    server = await listenWithFallback(parsed.metricsPort, DEFAULT_METRICS_PORT, (port) =>
      startMetricsServer(metrics.registry, { port }),
    );
    out(
      `Simulator: ${url} (Zendesk account "acme", ${parsed.tickets} tickets, plan Enterprise Plus: 2,500 requests a minute, Hush takes half)`,
    );

    // What agents would have done before: a spam tag, a legal hold, an active customer.
    const cast = castOf(account, sim.clock.now());
    const auth = `Basic ${Buffer.from(`${info.credentials.admin.email}/token:${info.credentials.admin.token}`).toString("base64")}`;
    const api = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: auth, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`preparing the demo: ${method} ${path} answered ${res.status}`);
    };
    for (const id of cast.spam) await api("PUT", `/api/v2/tickets/${id}/tags.json`, { tags: ["spam"] });
    if (cast.legalHold)
      await api("PUT", `/api/v2/tickets/${cast.legalHold}/tags.json`, { tags: ["legal-hold"] });
    if (cast.erasureUser)
      await api("PUT", `/api/v2/users/${cast.erasureUser.id}.json`, { user: { tags: ["keep-profile"] } });
    out("Before the first sweep, the demo did what agents do:");
    if (cast.spam.length > 0) out(`  tagged tickets ${cast.spam.map((id) => `#${id}`).join(", ")} spam`);
    if (cast.legalHold) out(`  put solved ticket #${cast.legalHold} under legal-hold`);
    if (cast.erasureUser) {
      out(
        `  tagged customer #${cast.erasureUser.id} keep-profile (an active customer, left alone by anonymize-inactive-users),`,
      );
      out("  who then asked for erasure: erasure-request.yaml names their email");
    }

    const before = captureBefore(account);
    const examples = await prepareExamples(
      { url, email: info.credentials.admin.email, token: info.credentials.admin.token },
      cast,
    );
    out(`\nThe examples, copied to ${examples.dir}:`);
    for (const change of examples.changes) out(`  ${change}`);
    out(
      "  (the cap keeps the first round to seconds at real-time rate limits; the rest follows every minute)\n",
    );

    out("hush run --dir <that directory> --sweep-now:");
    const printer = progressPrinter(out);
    let erasureUserSwept: () => void = () => {};
    const erasureUserEnded = new Promise<void>((resolve) => {
      erasureUserSwept = resolve;
    });
    const latest = new Map<string, PolicyOutcome>();
    const onEvent = (event: LoopEvent) => {
      printer(event);
      if (event.type === "sweepEnded") {
        const policy = `${event.policy.namespace}/${event.policy.name}`;
        latest.set(policy, { policy, file: "", result: event.report.summary.result, report: event.report });
      }
      if (event.type === "sweepEnded" && event.policy.name === "erasure-request-user") erasureUserSwept();
    };
    // The demo's account takes its credentials from the Secret in the directory, never from the environment.
    loop = await LocalLoop.start({
      dir: examples.dir,
      sweepNow: true,
      pollIntervalMs: 500,
      metrics,
      env: {},
      onEvent,
    });
    const outcomes = await loop.firstRound;

    if (
      cast.erasureUser &&
      outcomes.find((o) => o.policy === "default/erasure-request-tickets")?.result === "Succeeded"
    ) {
      out(
        "\nerasure-request-tickets succeeded, so, as erasure-request.yaml says, the demo now sets suspend: false on",
      );
      out("erasure-request-user; hush run sees the edit and anonymises the user:");
      await resumeErasureUser(examples.dir);
      const timeout = new Promise<"timeout">((resolve) =>
        setTimeout(() => resolve("timeout"), 60_000).unref(),
      );
      if ((await Promise.race([erasureUserEnded, timeout])) === "timeout") {
        out("  (the user policy did not sweep within a minute; see erasure-request.status.yaml)");
      }
    }

    const results = loop.outcomes().map((o) => latest.get(o.policy) ?? o);
    printRoundSummary(out, results);
    const audit = await readAudit(loop.auditPath);
    out("");
    printBeforeAfter(out, account, cast, before, audit);
    out("");
    const metricsUrl = `${server.url}/metrics`;
    printWhere(out, { dir: examples.dir, audit: loop.auditPath, metrics: metricsUrl, url, info });
    await printMetricSample(out, metricsUrl);

    const failed = results.some((o) => o.result === "Failed" || o.result === "PartiallyFailed");
    if (parsed.exit) return failed ? 1 : 0;
    out(
      "\nStill running: gdpr-retention and anonymize-inactive-users sweep the rest every minute, and edits to the",
    );
    out(`files in ${examples.dir} apply at once. Ctrl-C stops.`);
    await new Promise<void>((resolve) => {
      if (io.signal?.aborted) resolve();
      io.signal?.addEventListener("abort", () => resolve(), { once: true });
    });
    out("\nStopping: running sweeps are cancelled and keep their state; the demo's files stay in");
    out(`${examples.dir}.`);
    return 0;
  } finally {
    await loop?.stop();
    await server?.close();
    await sim.close();
  }
}

/** `hush demo` as the CLI calls it. */
export async function runDemo(args: string[]): Promise<number> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    return await demo(args, { out: (line) => console.log(line), signal: controller.signal });
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}
