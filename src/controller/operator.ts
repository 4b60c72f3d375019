import { Writable } from "node:stream";
import type pino from "pino";
import { fileAuditSink, streamAuditSink } from "../observability/audit.js";
import {
  CONTROLLERS,
  type ControllerMetrics,
  type ControllerName,
  controllerMetrics,
} from "../observability/controller-metrics.js";
import { createLogger } from "../observability/logger.js";
import { createMetrics, type HushMetrics } from "../observability/metrics.js";
import { type Readiness, startMetricsServer } from "../observability/metrics-server.js";
import type { AuditSink } from "../sweep/evidence.js";
import { type Clock, systemClock } from "../zendesk/clock.js";
import {
  type ClusterApi,
  ClusterError,
  type Informer,
  type KindName,
  type KubeObject,
  keyText,
  type ObjectKey,
  parseKey,
  type WatchEventType,
} from "./cluster.js";
import { type BindAddress, formatDuration, type OperatorConfig } from "./config.js";
import { type ControllerContext, DEFAULT_PROGRESS_INTERVAL_MS, type ReconciledKind } from "./context.js";
import { type Controllers, type ControllersStopped, createControllers } from "./controllers.js";
import { informerSet } from "./informer-set.js";
import { createClusterApi, type KubeClusterApi } from "./k8s-client.js";
import { loadKubeConfig } from "./k8s-config.js";
import { createLeaderElector, type LeaderElector } from "./leader-election.js";
import { createSecretWatches } from "./secret-watches.js";
import { WorkQueue } from "./work-queue.js";

// `hush operator`: the process around the reconcilers (docs/operator.md). It serves /metrics,
// /healthz and /readyz, campaigns for the Lease, and while it leads runs the informers, one work
// queue per kind and the controllers (controllers.ts). Losing the Lease stops every sweep at once
// (items in flight are aborted and redone by the new leader) and ends the process with 1, so that
// Kubernetes restarts it as a standby. SIGTERM stops taking work and lets running sweeps
// checkpoint within --shutdown-timeout; then it releases the Lease so that the other replica
// takes over at once, but only when every sweep has stopped: otherwise it leaves the Lease to
// expire, and exits.
//
// Output: pino's JSON log lines go to stderr; without --audit-file the audit records go to stdout,
// one {"auditRecord": {...}} object a line, so that a log pipeline can tell them apart and keep
// them (each record carries its hash chain: seq, prevHash, hash; docs/audit.md).

export interface OperatorDeps {
  /** Default: createClusterApi on loadKubeConfig(config.kubeconfig). */
  api?: ClusterApi;
  /** Default: the real controllers. */
  createControllers?: (ctx: ControllerContext) => Controllers;
  clock?: Clock;
  /** Log lines; default stderr. */
  logDestination?: pino.DestinationStream;
  /** Audit records when there is no --audit-file; default stdout. */
  auditOutput?: NodeJS.WritableStream;
  /** Node's process metrics on /metrics; default true. */
  processMetrics?: boolean;
}

export interface RunningOperator {
  /** e.g. http://127.0.0.1:9464 (with the port picked when the address asked for port 0). */
  readonly metricsUrl: string;
  /** True while this replica leads (always, once started, without leader election). */
  readonly leading: boolean;
  readiness(): Readiness;
  /** The exit code: 0 after stop(), 1 when the Lease was lost. */
  readonly done: Promise<number>;
  /** What SIGTERM does; resolves with the exit code once everything stopped. */
  stop(): Promise<number>;
}

type Phase = "campaigning" | "leading" | "stopping";

/**
 * After a lost Lease, how long past the sweeps' deadline the process waits for the rest of its
 * shutdown (informers, audit output, metrics server) before it exits anyway: a replica without
 * the Lease must not linger.
 */
const LOST_EXIT_SLACK_MS = 5_000;

/** Runs the operator until `signal` aborts (SIGTERM) or it must exit; resolves with the exit code. */
export async function runOperator(
  config: OperatorConfig,
  deps: OperatorDeps & { signal?: AbortSignal } = {},
): Promise<number> {
  const operator = await startOperator(config, deps);
  const { signal } = deps;
  if (signal) {
    if (signal.aborted) return operator.stop();
    const onAbort = () => void operator.stop();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      return await operator.done;
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }
  return operator.done;
}

export async function startOperator(
  config: OperatorConfig,
  deps: OperatorDeps = {},
): Promise<RunningOperator> {
  const clock = deps.clock ?? systemClock;
  const logger = createLogger({
    level: config.logLevel,
    name: "hush-operator",
    ...(deps.logDestination ? { destination: deps.logDestination } : {}),
  });
  const metrics = createMetrics(undefined, { processMetrics: deps.processMetrics ?? true });
  const counters = controllerMetrics(metrics.registry);
  // The audit output first: when it cannot be opened there is nothing else to close yet.
  const audit = config.auditFile
    ? await fileAuditSink(config.auditFile)
    : jsonLinesAuditSink(deps.auditOutput ?? process.stdout);
  let ownApi: KubeClusterApi | undefined;
  try {
    ownApi = deps.api
      ? undefined
      : createClusterApi(loadKubeConfig(config.kubeconfig), {
          fieldManager: "hush-operator",
          component: "hush.dev/operator",
          instance: config.identity,
          onInformerError: (kind, error) =>
            logger.warn(
              { kind, reason: error.kind, code: error.code, message: error.message },
              "a watch failed; it starts again with backoff",
            ),
        });
  } catch (error) {
    await audit.close();
    throw error;
  }
  const api = deps.api ?? (ownApi as ClusterApi);

  let phase: Phase = config.leaderElect ? "campaigning" : "leading";
  let session: Session | undefined;
  let elector: LeaderElector | undefined;
  let finishing: Promise<number> | undefined;
  let resolveDone: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    resolveDone = resolve;
  });

  const readiness = (): Readiness => {
    if (phase === "stopping") return { ready: false, reason: "the operator is shutting down" };
    if (phase === "campaigning") return { ready: true };
    if (!session?.synced) {
      return {
        ready: false,
        reason: "leading, but the caches of ZendeskAccounts and RedactionPolicies have not synced yet",
      };
    }
    return { ready: true };
  };

  let server: Awaited<ReturnType<typeof startMetricsServer>>;
  try {
    server = await startMetricsServer(metrics.registry, { ...config.metricsBindAddress, readiness });
  } catch (error) {
    await audit.close();
    ownApi?.close();
    const address = showAddress(config.metricsBindAddress);
    throw new Error(
      `the metrics server cannot listen on ${address} (--metrics-bind-address, or HUSH_METRICS_BIND_ADDRESS in the environment): ${(error as Error).message}; choose a free port, or 0 to let the system pick one`,
      { cause: error },
    );
  }

  const lead = () => {
    if (phase === "stopping") return;
    phase = "leading";
    counters.setLeader(true);
    try {
      session = startSession({
        config,
        api,
        clock,
        logger,
        metrics,
        counters,
        audit,
        createControllers: deps.createControllers ?? ((ctx) => createControllers(ctx)),
      });
    } catch (error) {
      // A leader that cannot work must not hold the Lease: exit, and let the standby try.
      logger.fatal({ ...describeError(error) }, "starting the controllers failed; exiting");
      void finish(1, 0);
    }
  };

  /**
   * Stops everything in order and resolves `done` with `code`; the first call decides. `now` (a
   * lost Lease) stops the sweeps at once instead of letting items in flight finish.
   */
  const finish = (code: number, graceMs: number, now = false): Promise<number> => {
    finishing ??= (async () => {
      phase = "stopping";
      // Each step runs even when one before it failed: the process must get to its exit code.
      const step = async (what: string, run: () => Promise<unknown> | undefined) => {
        try {
          await run();
        } catch (error) {
          logger.error({ ...describeError(error) }, `${what} failed while stopping`);
        }
      };
      let stopped: ControllersStopped | undefined;
      await step("stopping the controllers", async () => {
        stopped = await session?.stop(graceMs, { now });
      });
      counters.setLeader(false);
      // After the work stopped, so that no sweep writes once another replica may lead; and only
      // when it did stop. A sweep still running could write after the other replica began on the
      // same policy: left alone, the Lease expires a lease duration after its last renewal, by
      // which time this process has exited and the sweep with it.
      if (session === undefined || (stopped !== undefined && stopped.sweepsRunning.length === 0)) {
        await step("releasing the Lease", () => elector?.stop({ release: true }));
      } else {
        logger.warn(
          {
            policies: stopped?.sweepsRunning,
            leaseDuration: formatDuration(config.leaseDurationMs),
          },
          stopped
            ? "sweeps had not stopped by the deadline: the Lease is not released but left to expire, so that no other replica starts on them while this process may still write"
            : "the controllers did not say whether their sweeps stopped: the Lease is not released but left to expire, so that no other replica starts on them while this process may still write",
        );
        await step("stopping leader election", () => elector?.stop({ release: false }));
      }
      await step("closing the audit output", () => audit.close());
      await step("closing the metrics server", () => server.close());
      ownApi?.close();
      logger.info({ exitCode: code }, "hush operator stopped");
      resolveDone(code);
      return code;
    })();
    return finishing;
  };

  logger.info(
    {
      identity: config.identity,
      namespaces: config.namespaces.length === 0 ? "all" : config.namespaces,
      leaderElection: config.leaderElect
        ? `${config.leaderElectionNamespace}/${config.leaderElectionId}`
        : "off (a single replica)",
      metrics: `${server.url}/metrics`,
      audit: config.auditFile ?? "stdout",
    },
    `hush operator started; metrics, /healthz and /readyz at ${server.url}`,
  );

  if (config.leaderElect) {
    elector = createLeaderElector({
      api,
      lease: { namespace: config.leaderElectionNamespace, name: config.leaderElectionId },
      identity: config.identity,
      leaseDurationMs: config.leaseDurationMs,
      renewDeadlineMs: config.renewDeadlineMs,
      retryPeriodMs: config.retryPeriodMs,
      clock,
      logger,
      onStartedLeading: lead,
      onStoppedLeading(reason) {
        if (reason !== "lost") return;
        counters.setLeader(false);
        if (phase === "stopping") {
          // A graceful shutdown is under way: its sweeps must not wait out their grace now.
          logger.error("lost the leader Lease while shutting down: stopping the sweeps at once");
          session?.stopNow();
          return;
        }
        // Another replica may lead once the lease runs out after our last renewal, which is lease
        // duration minus renew deadline from now at the earliest (or already, when it took the
        // Lease). Sweeps stop at once; that is how long they get to unwind before the process exits.
        const graceMs = Math.max(0, config.leaseDurationMs - config.renewDeadlineMs);
        logger.error(
          { graceMs },
          "lost the leader Lease: stopping all work at once and exiting so that Kubernetes restarts this replica as a standby",
        );
        const slack = new AbortController();
        clock.sleep(graceMs + LOST_EXIT_SLACK_MS, slack.signal).then(
          () => {
            logger.error("stopping after the lost Lease takes too long; exiting anyway");
            resolveDone(1);
          },
          () => undefined,
        );
        void finish(1, graceMs, true).finally(() => slack.abort());
      },
      onNewLeader: (leader) => {
        // A leader that sees another holder is about to lose the Lease, and says so then.
        if (leader !== config.identity && phase === "campaigning") {
          logger.info({ leader }, "another replica leads; waiting as a standby");
        }
      },
    });
    void elector.run();
  } else {
    lead();
  }

  return {
    metricsUrl: server.url,
    get leading() {
      return phase === "leading";
    },
    readiness,
    done,
    stop() {
      if (!finishing) {
        logger.info(
          { shutdownTimeout: formatDuration(config.shutdownTimeoutMs) },
          "stopping: no new work; running sweeps checkpoint, then the Lease is released",
        );
      }
      return finish(0, config.shutdownTimeoutMs);
    },
  };
}

interface SessionEnv {
  config: OperatorConfig;
  api: ClusterApi;
  clock: Clock;
  logger: pino.Logger;
  metrics: HushMetrics;
  counters: ControllerMetrics;
  audit: AuditSink;
  createControllers: (ctx: ControllerContext) => Controllers;
}

/** The leader's work: informers, queues, controllers and the periodic resync. */
interface Session {
  readonly synced: boolean;
  /**
   * Stops taking work, lets controllers wind down within graceMs (at once with `now`), then stops
   * watching; resolves with what the controllers said (undefined when they never started).
   */
  stop(graceMs: number, options?: { now?: boolean }): Promise<ControllersStopped | undefined>;
  /** Makes a stop under way stop the sweeps at once (the Lease was lost meanwhile). */
  stopNow(): void;
}

function startSession(env: SessionEnv): Session {
  const { config, api, clock, logger, counters } = env;
  const stopping = new AbortController();
  const informer = (kind: KindName): Informer => {
    const onRestart = (reason: "Expired" | "Error" | "Stalled" | "Closed") => {
      counters.watchRestarted(kind, reason);
      logger.debug({ kind, reason }, "a watch started again");
    };
    if (config.namespaces.length === 0) return api.informer(kind, { onRestart });
    return informerSet(
      new Map(config.namespaces.map((ns) => [ns, api.informer(kind, { namespace: ns, onRestart })])),
    );
  };
  const accounts = informer("ZendeskAccount");
  const policies = informer("RedactionPolicy");

  let controllers: Controllers | undefined;
  const reconcile = async (kind: ControllerName, key: string) => {
    if (!controllers) return {};
    const run = kind === "ZendeskAccount" ? controllers.account : controllers.policy;
    try {
      return await run(parseKey(key));
    } catch (error) {
      // The queue retries with backoff; the reconcilers report on the object (status, Events).
      logger.warn(
        { kind, object: key, ...describeError(error) },
        "reconcile failed; it is retried with backoff",
      );
      throw error;
    }
  };
  const queues = Object.fromEntries(
    CONTROLLERS.map((kind) => {
      const queue = new WorkQueue((key) => reconcile(kind, key), {
        concurrency: config.maxConcurrentReconciles,
        clock,
      });
      queue.onResult = (_key, result, durationMs) => counters.reconciled(kind, result, durationMs);
      return [kind, queue];
    }),
  ) as Record<ControllerName, WorkQueue>;
  const unwatchDepths = CONTROLLERS.map((kind) => counters.watchQueueDepth(kind, () => queues[kind].depth));

  const secrets = createSecretWatches({
    api,
    logger,
    onChange: (referencing) => {
      for (const account of referencing) queues.ZendeskAccount.add(keyText(account));
    },
    onRestart: (reason) => counters.watchRestarted("Secret", reason),
  });

  const enqueue = (kind: ReconciledKind, key: ObjectKey, afterMs?: number): void => {
    if (afterMs !== undefined && afterMs > 0) queues[kind].addAfter(keyText(key), afterMs);
    else queues[kind].add(keyText(key));
  };
  const ctx: ControllerContext = {
    api,
    accounts,
    policies,
    secrets,
    enqueue,
    clock,
    logger,
    metrics: env.metrics,
    audit: env.audit,
    identity: config.identity,
    maxSweepsPerAccount: config.maxSweepsPerAccount,
    progressIntervalMs: DEFAULT_PROGRESS_INTERVAL_MS,
  };
  controllers = env.createControllers(ctx);
  wireEvents(accounts, policies, enqueue);

  const enqueueAll = (): void => {
    for (const account of accounts.list()) enqueue("ZendeskAccount", keyOf(account));
    for (const policy of policies.list()) enqueue("RedactionPolicy", keyOf(policy));
  };
  let synced = false;
  const running = (async () => {
    await Promise.all([accounts.start(), policies.start()]);
    if (stopping.signal.aborted) return;
    synced = true;
    // Queued before the workers start, so that keys the first list's events queued are not
    // handled twice.
    enqueueAll();
    for (const kind of CONTROLLERS) queues[kind].start();
    logger.info(
      { accounts: accounts.list().length, policies: policies.list().length },
      "leading: caches synced, reconciling",
    );
    // Level-triggered: a periodic pass over everything catches what any missed event would have.
    for (;;) {
      await clock.sleep(config.resyncPeriodMs, stopping.signal);
      enqueueAll();
    }
  })().catch(() => undefined);

  let stopped: Promise<ControllersStopped | undefined> | undefined;
  return {
    get synced() {
      return synced;
    },
    stop(graceMs, options = {}) {
      stopped ??= (async () => {
        stopping.abort();
        const deadline = clock.now() + graceMs;
        const drained = Promise.all(CONTROLLERS.map((kind) => queues[kind].shutdown()));
        try {
          const outcome = await controllers?.stop(graceMs, options);
          // Reconciles in flight are short (sweeps run in the background); do not wait past the grace.
          const timeout = new AbortController();
          await Promise.race([
            drained,
            clock.sleep(Math.max(0, deadline - clock.now()), timeout.signal).catch(() => undefined),
          ]);
          timeout.abort();
          return outcome;
        } finally {
          await Promise.all([accounts.stop(), policies.stop(), secrets.stop()]);
          for (const unwatch of unwatchDepths) unwatch();
          await running;
        }
      })();
      return stopped;
    },
    stopNow() {
      void controllers?.stop(0, { now: true });
    },
  };
}

/**
 * Which informer events call for a reconcile. An account change reconciles the account and the
 * policies that name it (their Ready depends on it). A policy's own status writes (progress
 * while sweeping) must not reconcile it again: an update counts only when something a reconcile
 * acts on changed — generation (spec), annotations (approval, requested-at), deletion and
 * finalizers — or the object was replaced by a new one of the same name (uid).
 */
function wireEvents(
  accounts: Informer,
  policies: Informer,
  enqueue: (kind: ReconciledKind, key: ObjectKey) => void,
): void {
  const accountChanges = triggerTracker();
  const policyChanges = triggerTracker();
  accounts.onChange((type, account) => {
    const key = keyOf(account);
    if (accountChanges.matters(type, account)) enqueue("ZendeskAccount", key);
    for (const policy of policies.list()) {
      if (policy.metadata.namespace === key.namespace && accountNameOf(policy) === key.name) {
        enqueue("RedactionPolicy", keyOf(policy));
      }
    }
  });
  policies.onChange((type, policy) => {
    if (policyChanges.matters(type, policy)) enqueue("RedactionPolicy", keyOf(policy));
  });
}

function triggerTracker() {
  const seen = new Map<string, string>();
  return {
    matters(type: WatchEventType, object: KubeObject): boolean {
      const key = keyText(keyOf(object));
      if (type === "delete") {
        seen.delete(key);
        return true;
      }
      const { uid, generation, annotations, deletionTimestamp, finalizers } = object.metadata;
      const fingerprint = JSON.stringify([
        uid,
        generation,
        annotations ?? {},
        deletionTimestamp,
        finalizers ?? [],
      ]);
      const before = seen.get(key);
      seen.set(key, fingerprint);
      return type === "add" || before !== fingerprint;
    },
  };
}

function accountNameOf(policy: KubeObject): string | undefined {
  const name = (policy["spec"] as { accountRef?: { name?: unknown } } | undefined)?.accountRef?.name;
  return typeof name === "string" ? name : undefined;
}

const keyOf = (object: KubeObject): ObjectKey => ({
  namespace: object.metadata.namespace ?? "",
  name: object.metadata.name,
});

/** What may be logged of an error: a ClusterError's kind and the API server's message, else its name. */
function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof ClusterError) return { error: error.kind, code: error.code, message: error.message };
  const kind = (error as { kind?: unknown } | undefined)?.kind;
  return {
    error: error instanceof Error ? error.name : "Error",
    ...(typeof kind === "string" ? { kind } : {}),
  };
}

function showAddress(address: BindAddress): string {
  return address.host.includes(":") ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/**
 * Audit records on a stream as JSON lines of their own, `{"auditRecord": {...}}`, next to nothing
 * else (the log goes to stderr): streamAuditSink chains and checks each record, and this wraps
 * each of its lines.
 */
function jsonLinesAuditSink(output: NodeJS.WritableStream): AuditSink {
  const wrapper = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      const line = chunk.toString().trimEnd();
      output.write(`{"auditRecord":${line}}\n`, (error?: Error | null) => callback(error ?? null));
    },
  });
  return streamAuditSink(wrapper);
}
