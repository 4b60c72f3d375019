import { resolve } from "node:path";
import type pino from "pino";
import { formatProblem, type ResourceProblem } from "../api/load.js";
import { LocalLoop, type LocalLoopOptions, type LoopEvent, type PolicyOutcome } from "../local/loop.js";
import { createLogger } from "../observability/logger.js";
import { createMetrics } from "../observability/metrics.js";
import { type MetricsServer, startMetricsServer } from "../observability/metrics-server.js";
import type { Clock } from "../zendesk/clock.js";
import { parseRunArgs, RUN_USAGE, type RunArgs, RunUsageError } from "./run-args.js";
import { withShutdownSignal } from "./shutdown-signal.js";

// `hush run --dir DIR`: the controller loop without Kubernetes (src/local/loop.ts), with metrics
// on HTTP, JSON logs on stderr, and status next to the files or on stdout. This file only wires
// the loop to the process: arguments, signals, logs and the exit code.

export interface RunIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  /** Stops the loop (runRun wires SIGINT and SIGTERM to it). */
  signal?: AbortSignal;
  clock?: Clock;
  /** Told the loop once it started (for tests and the demo). */
  onStarted?: (started: { loop: LocalLoop; metricsUrl: string | undefined }) => void;
  /** More options for the loop (the demo's poll interval, tests' dependencies). */
  loop?: Partial<LocalLoopOptions>;
}

/** The exit code of `hush run --once`; the usage text lists the codes. */
export function exitCodeForOutcomes(
  outcomes: readonly PolicyOutcome[],
  problems: readonly ResourceProblem[],
): number {
  if (problems.length > 0 || outcomes.some((o) => o.stalled?.reason === "InvalidSpec")) return 2;
  const failed = (o: PolicyOutcome) =>
    o.stalled !== undefined ||
    o.result === "Failed" ||
    o.result === "PartiallyFailed" ||
    o.result === "Cancelled";
  if (outcomes.some(failed)) return 1;
  if (outcomes.some((o) => o.result === "AwaitingApproval")) return 3;
  return 0;
}

/** Turns the loop's events into log lines: names, reasons and counts only. */
function eventLogger(log: pino.Logger): (event: LoopEvent) => void {
  const lastWaiting = new Map<string, string>();
  const lastStalled = new Map<string, string>();
  const name = (ref: { namespace: string; name: string }) => `${ref.namespace}/${ref.name}`;
  return (event) => {
    switch (event.type) {
      case "loaded":
        log.info(
          {
            files: event.files,
            accounts: event.accounts,
            policies: event.policies,
            problems: event.problems.length,
          },
          "read the resource files",
        );
        for (const problem of event.problems) log.warn({ file: problem.file }, formatProblem(problem));
        return;
      case "accountChecked":
        if (event.check.ok) log.info({ account: name(event.account) }, "the account's credentials work");
        else log.warn({ account: name(event.account), reason: event.check.reason }, event.check.message);
        return;
      case "policyWaiting": {
        const key = name(event.policy);
        const due = event.nextSweepTime;
        const when = event.dueNow ? "now" : (due?.toISOString() ?? "none");
        if (lastWaiting.get(key) === when) return;
        lastWaiting.set(key, when);
        lastStalled.delete(key);
        if (event.dueNow) log.info({ policy: key }, "sweep due now");
        else if (due) log.info({ policy: key, nextSweepTime: when }, "next sweep scheduled");
        else log.info({ policy: key }, "the policy has no schedule; it sweeps only when asked");
        return;
      }
      case "policyStalled": {
        const key = name(event.policy);
        if (lastStalled.get(key) === event.message) return;
        lastStalled.set(key, event.message);
        lastWaiting.delete(key);
        log.warn({ policy: key, reason: event.reason }, event.message);
        return;
      }
      case "sweepStarted":
        log.info(
          { policy: name(event.policy), account: name(event.account), generation: event.generation },
          "sweep started",
        );
        return;
      case "sweepProgress":
        log.debug({ policy: name(event.policy), ...event.progress }, "sweep progress");
        return;
      case "sweepEnded": {
        const { summary } = event.report;
        const fields = {
          policy: name(event.policy),
          sweepId: summary.sweepId,
          result: summary.result,
          ...summary.counts,
          resumed: event.report.resumed,
          ...(event.report.preview ? { previewId: event.report.preview.id } : {}),
          ...(event.nextSweepTime ? { nextSweepTime: event.nextSweepTime.toISOString() } : {}),
        };
        const failed = summary.result === "Failed" || summary.result === "PartiallyFailed";
        log[failed ? "warn" : "info"](fields, summary.message ?? `sweep ended: ${summary.result}`);
        return;
      }
      case "sweepCancelling":
        log.info({ policy: name(event.policy) }, `cancelling the running sweep: ${event.reason}`);
        return;
      case "error":
        log.error(event.message);
        return;
    }
  };
}

export async function runCommand(argv: readonly string[], io: RunIo): Promise<number> {
  let args: RunArgs;
  try {
    args = parseRunArgs(argv);
  } catch (error) {
    if (!(error instanceof RunUsageError)) throw error;
    io.stderr.write(`hush run: ${error.message}\n\nRun "hush run --help" for the options.\n`);
    return 2;
  }
  if (args.help) {
    io.stdout.write(`${RUN_USAGE}\n`);
    return 0;
  }
  const log = createLogger({
    level: args.logLevel,
    name: "hush-run",
    destination: { write: (line: string) => io.stderr.write(line) },
  });
  const dir = resolve(args.dir);
  const metrics = createMetrics(undefined, { processMetrics: !args.once });
  let server: MetricsServer | undefined;
  let problems: ResourceProblem[] = [];
  const logEvent = eventLogger(log);
  const onEvent = (event: LoopEvent) => {
    if (event.type === "loaded") problems = event.problems;
    logEvent(event);
  };

  try {
    if (args.metricsPort !== undefined) {
      server = await startMetricsServer(metrics.registry, { port: args.metricsPort, host: args.metricsHost });
    }
  } catch (error) {
    io.stderr.write(`hush run: cannot serve metrics: ${(error as Error).message} (--metrics-port)\n`);
    return 2;
  }
  let loop: LocalLoop;
  try {
    loop = await LocalLoop.start({
      dir,
      status: args.status,
      printStatus: (text) => io.stdout.write(text),
      once: args.once,
      sweepNow: args.sweepNow,
      accountConcurrency: args.accountConcurrency,
      metrics,
      env: io.env,
      onEvent,
      ...(io.clock ? { clock: io.clock } : {}),
      ...io.loop,
    });
  } catch (error) {
    await server?.close();
    io.stderr.write(`hush run: ${(error as Error).message}\n`);
    return 2;
  }
  const metricsUrl = server ? `${server.url}/metrics` : undefined;
  log.info(
    {
      dir,
      status: args.status === "write" ? "<file>.status.yaml next to each file" : "stdout",
      audit: loop.auditPath,
      ...(metricsUrl ? { metrics: metricsUrl } : {}),
    },
    metricsUrl ? `hush run started; metrics at ${metricsUrl}` : "hush run started",
  );
  io.onStarted?.({ loop, metricsUrl });

  const stopped = new Promise<void>((resolveStop) => {
    if (io.signal?.aborted) resolveStop();
    io.signal?.addEventListener("abort", () => resolveStop(), { once: true });
  });
  let outcomes: PolicyOutcome[];
  let interrupted = false;
  if (args.once) {
    await Promise.race([loop.firstRound, stopped.then(() => (interrupted = true))]);
    outcomes = await loop.stop();
  } else {
    await stopped;
    log.info("stopping: running sweeps are cancelled and keep their state for the next start");
    outcomes = await loop.stop();
  }
  await server?.close();
  log.info("hush run stopped");
  if (!args.once) return 0;
  if (interrupted) return 1;
  return exitCodeForOutcomes(outcomes, problems);
}

/** `hush run` as the CLI calls it: the process' streams, environment and signals. */
export async function runRun(args: string[]): Promise<number> {
  return withShutdownSignal((signal) =>
    runCommand(args, { stdout: process.stdout, stderr: process.stderr, env: process.env, signal }),
  );
}
