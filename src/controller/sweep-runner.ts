import type { RedactionPolicy } from "../api/redaction-policy.js";
import type { ZendeskAccount } from "../api/zendesk-account.js";
import { combineSweepObservers } from "../observability/combine.js";
import type { SweepObserver } from "../sweep/evidence.js";
import { runSweep, type SweepReport } from "../sweep/run-sweep.js";
import type { SweepStateStore } from "../sweep/sweep-state.js";
import type { AccountConnections } from "./account-connections.js";
import { ClusterError, type KubeObject, keyText, type ObjectKey } from "./cluster.js";
import { clusterSweepState, SweepStateConflict, SweepStateUnwritable } from "./cluster-sweep-state.js";
import type { ControllerContext } from "./context.js";
import { emitEvent, errorKind, sweepEndedEvent, sweepStartedEvent } from "./events.js";
import { retryDelayMs } from "./policy-plan.js";
import { emptyReport, sweepPolicy } from "./policy-sweep.js";
import { keyOf } from "./resources.js";
import { nextSweepTime } from "./schedule.js";
import { SweepStatusWriter } from "./sweep-status.js";

// Sweeps run in the background, not in a reconcile: a sweep may take hours, and a reconcile must
// stay short so that the work queue keeps serving every other policy. The runner holds at most one
// sweep per policy, and at most maxSweepsPerAccount per account (they share the account's one
// connection and rate budget, account-connections.ts). A sweep is cancelled when its policy
// changes (a new generation, suspension, deletion) or the operator stops; the sweep engine then
// checkpoints within its CANCEL_GRACE, and the next sweep (here, or on the next leader) resumes it.
// A replica that lost its leader Lease stops its sweeps at once instead (`now`): items in flight
// are aborted without the grace, and the runner writes nothing more about them, since another
// replica may lead already. When a sweep ended, the runner writes its status and Event (also when
// it could not start, so that the policy says why) and asks for a reconcile of the policy, which
// decides what comes next.

/** What a sweep needs: the policy and its account as parsed from the cache. */
export interface SweepStart {
  /** The policy as the server returned it (Events name it). */
  object: KubeObject;
  policy: RedactionPolicy;
  account: ZendeskAccount;
  /** hush.dev/approve: the preview id approved; runSweep refuses a stale one. */
  approval: string | undefined;
  /** hush.dev/requested-at when it asked for this sweep: recorded in status. */
  requestedAt: string | undefined;
  /** Sweeps of this generation that Failed in a row before this one. */
  failures: number;
}

/** How a sweep run ended, for the policy reconciler's next decision. */
export interface SweepEnd {
  key: ObjectKey;
  uid: string;
  generation: number;
  /** Undefined when no sweep ran (no connection, the state could not be read, cancelled while waiting). */
  result: SweepReport["summary"]["result"] | undefined;
  /** Sweeps of this generation that Failed in a row, this one included. */
  failures: number;
  /** The sweep was cancelled for a new generation: sweep again at once. */
  restart: boolean;
  /** The sweep whose final status was written (the informer cache shows it a moment later). */
  statusSweepId?: string;
}

export interface RunningSweep {
  readonly key: ObjectKey;
  readonly uid: string;
  readonly generation: number;
  readonly cancelled: boolean;
  /**
   * Cancels the sweep; `restart` asks for a sweep of the new generation at once after it. `now`
   * aborts items in flight without the grace, and nothing more is written about the sweep (no
   * status, no Event): for a replica that lost its leader Lease. It may follow a cancel without.
   */
  cancel(reason: string, options?: { restart?: boolean; now?: boolean }): void;
  /** Resolves when the sweep stopped and its status, state and connection were dealt with. */
  readonly done: Promise<void>;
}

export interface SweepRunnerOptions {
  runSweep?: typeof runSweep;
  sweepState?: (key: ObjectKey, uid: string) => Promise<SweepStateStore>;
  /** Told when a sweep run ended, before the policy is enqueued. */
  onEnded?: (end: SweepEnd) => void;
}

/** How long a policy waits to try again when its sweep could not start (no connection yet, ...). */
export const START_RETRY_MS = 5_000;

const SHUTDOWN = "the operator is shutting down; the sweep resumes where it stopped on the next leader";
const LOST_LEASE = "this replica lost its leader Lease; the replica that leads now resumes the sweep";

interface Entry extends RunningSweep {
  controller: AbortController;
  /** Aborted by cancel({ now: true }). */
  stopNow: AbortController;
  restart: boolean;
}

export class SweepRunner {
  private readonly running = new Map<string, Entry>();
  /** Final statuses the API server did not take, by policy key; written by the next reconcile. */
  private readonly unwritten = new Map<
    string,
    { uid: string; sweepId: string; write: () => Promise<void> }
  >();
  private stopping = false;
  private readonly run: typeof runSweep;
  private readonly sweepState: (key: ObjectKey, uid: string) => Promise<SweepStateStore>;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly connections: AccountConnections,
    private readonly options: SweepRunnerOptions = {},
  ) {
    this.run = options.runSweep ?? runSweep;
    this.sweepState =
      options.sweepState ?? ((key, uid) => clusterSweepState(ctx.api, { ...key, uid }, { clock: ctx.clock }));
  }

  get(key: ObjectKey): RunningSweep | undefined {
    return this.running.get(keyText(key));
  }

  /** Sweeps running (or waiting for a place on their account). */
  get size(): number {
    return this.running.size;
  }

  /**
   * Starts a sweep of the policy in the background; undefined (and nothing started) when one
   * runs already or the runner stops.
   */
  start(start: SweepStart): RunningSweep | undefined {
    const key = keyOf(start.object);
    if (this.stopping || this.running.has(keyText(key))) return undefined;
    const controller = new AbortController();
    const stopNow = new AbortController();
    let resolveDone = (): void => undefined;
    const done = new Promise<void>((resolve) => {
      resolveDone = resolve;
    });
    const entry: Entry = {
      key,
      uid: start.object.metadata.uid ?? "",
      generation: start.policy.metadata.generation ?? 1,
      controller,
      stopNow,
      restart: false,
      get cancelled() {
        return controller.signal.aborted;
      },
      cancel(reason, options = {}) {
        if (!controller.signal.aborted) {
          entry.restart = options.restart === true;
          controller.abort(new Error(reason));
        }
        if (options.now && !stopNow.signal.aborted) stopNow.abort(new Error(reason));
      },
      done,
    };
    this.running.set(keyText(key), entry);
    void this.sweep(entry, start).finally(resolveDone);
    return entry;
  }

  /**
   * Writes the final status of the policy's last sweep if the API server refused it then; throws
   * when it refuses again, so that the reconcile is retried with backoff.
   */
  async flushStatus(key: ObjectKey, uid: string): Promise<string | undefined> {
    const unwritten = this.unwritten.get(keyText(key));
    if (!unwritten) return undefined;
    this.unwritten.delete(keyText(key));
    if (unwritten.uid !== uid) return undefined;
    try {
      await unwritten.write();
    } catch (error) {
      this.unwritten.set(keyText(key), unwritten);
      throw error;
    }
    return unwritten.sweepId;
  }

  /**
   * Starts no more sweeps, cancels the running ones and waits at most `graceMs` for them; resolves
   * with the policies ("namespace/name") whose sweeps had not stopped by then. With `now` (a lost
   * leader Lease) the sweeps stop at once, also sweeps that an earlier stop() is winding down.
   */
  async stop(graceMs: number, options: { now?: boolean } = {}): Promise<string[]> {
    this.stopping = true;
    const entries = [...this.running.values()];
    if (options.now) this.stopNow();
    else for (const entry of entries) entry.cancel(SHUTDOWN);
    // Real time: the deadline is the pod's termination grace period, which the kubelet measures so.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, graceMs));
      timer.unref?.();
    });
    await Promise.race([Promise.all(entries.map((e) => e.done)), deadline]);
    clearTimeout(timer);
    const left = [...this.running.values()].map((e) => keyText(e.key));
    if (left.length > 0)
      this.ctx.logger.warn({ policies: left }, "sweeps still stopping at the shutdown deadline");
    return left;
  }

  /** Starts no more sweeps and stops the running ones at once (a lost leader Lease). */
  stopNow(): void {
    this.stopping = true;
    for (const entry of this.running.values()) entry.cancel(LOST_LEASE, { now: true });
  }

  private async sweep(entry: Entry, start: SweepStart): Promise<void> {
    const { ctx } = this;
    const { policy, account, object } = start;
    const { key, uid, generation } = entry;
    const signal = entry.controller.signal;
    const policyText = keyText(key);
    const accountKey = { namespace: key.namespace, name: policy.spec.accountRef.name };
    const target = policy.spec.target;
    let end: SweepEnd = { key, uid, generation, result: undefined, failures: start.failures, restart: false };
    let releaseSlot: (() => void) | undefined;
    let lease: ReturnType<AccountConnections["use"]>;
    let state: SweepStateStore | undefined;
    const status = new SweepStatusWriter(ctx, { key, uid, generation, requestedAt: start.requestedAt });
    // Set again once the sweep has its place on the account: a wait for one is not part of it.
    let startedAt = new Date(ctx.clock.now());

    /** Writes how the sweep ended (status, Event) unless this replica lost its Lease meanwhile. */
    const conclude = async (report: SweepReport): Promise<void> => {
      const result = report.summary.result;
      const failures = result === "Failed" ? start.failures + 1 : 0;
      end = { ...end, result, failures };
      if (entry.stopNow.signal.aborted) {
        // Another replica may lead already: the policy's status and Events are its to write now.
        ctx.logger.info(
          { policy: policyText, sweepId: report.summary.sweepId, result },
          "sweep stopped at once because the leader Lease was lost; its status is left to the new leader",
        );
        return;
      }
      const now = new Date(ctx.clock.now());
      const next = this.nextSweep(policy, now, startedAt, failures);
      ctx.metrics.setNextSweepTime(key, next?.getTime());
      const write = () => status.ended(report, next, policy.spec.limits.approvalAbove);
      try {
        await write();
        end = { ...end, statusSweepId: report.summary.sweepId };
      } catch (writeError) {
        ctx.logger.warn(
          { policy: policyText, error: errorKind(writeError) },
          "could not write the sweep's final status; the next reconcile tries again",
        );
        this.unwritten.set(policyText, { uid, sweepId: report.summary.sweepId, write });
      }
      const why = signal.aborted ? reasonOf(signal) : undefined;
      void emitEvent(ctx, sweepEndedEvent(object, report, target, why));
    };

    /** The sweep could not start (its state could not be opened): say so on the policy. */
    const couldNotStart = async (error: unknown): Promise<void> => {
      ctx.logger.error({ policy: policyText, error: errorKind(error) }, "the sweep could not start");
      const swept = { ...policy, metadata: { ...policy.metadata, generation } };
      const message = couldNotStartMessage(error, retryDelayMs(start.failures + 1));
      await conclude(emptyReport("Failed", swept, accountKey, startedAt, new Date(ctx.clock.now()), message));
    };

    try {
      releaseSlot = await this.connections.slot(accountKey, signal);
      lease = this.connections.use(accountKey);
      if (!lease) {
        // The account reconciler has not (re)connected the account yet: it will, then sweep.
        ctx.enqueue("ZendeskAccount", accountKey);
        return;
      }
      startedAt = new Date(ctx.clock.now());
      try {
        state = await this.sweepState(key, uid);
      } catch (error) {
        if (!signal.aborted) await couldNotStart(error);
        return;
      }
      const announce: SweepObserver = {
        sweepStarted: (identity, matched) => {
          status.started({
            sweepId: identity.sweepId,
            startTime: startedAt.toISOString(),
            matched,
            processed: 0,
            acted: 0,
            failed: 0,
          });
          ctx.logger.info(
            { policy: policyText, sweepId: identity.sweepId, matched, generation },
            "sweep started",
          );
          void emitEvent(
            ctx,
            sweepStartedEvent(object, { sweepId: identity.sweepId, matched, target, generation }),
          );
        },
      };
      const observer = combineSweepObservers(
        [ctx.metrics.sweepObserverFor(policy.spec.action), announce],
        (error) =>
          ctx.logger.warn({ policy: policyText, error: errorKind(error) }, "a sweep observer failed"),
      );
      const { report, error } = await sweepPolicy({
        runSweep: this.run,
        account,
        accountRef: accountKey,
        policy,
        generation,
        connection: lease.connection,
        state,
        audit: ctx.audit,
        observer,
        ...(start.approval ? { approval: start.approval } : {}),
        // Nothing more reaches the status once the Lease is lost.
        onProgress: (progress) => {
          if (!entry.stopNow.signal.aborted) status.progress(progress);
        },
        signal,
        stopNow: entry.stopNow.signal,
        clock: ctx.clock,
      });
      if (error) {
        ctx.logger.error(
          { policy: policyText, error: errorKind(error) },
          "the sweep engine stopped on an unexpected error",
        );
      }
      await conclude(report);
      const c = report.summary.counts;
      ctx.logger.info(
        {
          policy: policyText,
          sweepId: report.summary.sweepId,
          result: report.summary.result,
          matched: c.matched,
          acted: c.acted,
          skipped: c.skipped,
          failed: c.failed,
          resumed: report.resumed,
          ...(report.preview ? { previewId: report.preview.id } : {}),
        },
        `sweep ended: ${report.summary.result}`,
      );
    } catch (error) {
      // Not expected (sweepPolicy reports rather than throws); a cancelled wait for a slot lands here.
      if (!signal.aborted && end.result === undefined) await couldNotStart(error).catch(() => undefined);
    } finally {
      await state?.close().catch(() => undefined);
      await lease?.release();
      releaseSlot?.();
      if (this.running.get(policyText) === entry) this.running.delete(policyText);
      end = { ...end, restart: entry.restart };
      this.options.onEnded?.(end);
      if (!this.stopping)
        ctx.enqueue("RedactionPolicy", key, end.result === undefined ? START_RETRY_MS : undefined);
    }
  }

  /** The schedule's next sweep, or sooner after a failed one (retryDelayMs). */
  private nextSweep(policy: RedactionPolicy, now: Date, startedAt: Date, failures: number): Date | undefined {
    let next: Date | undefined;
    try {
      next = nextSweepTime(policy.spec.schedule, now, startedAt);
    } catch {
      next = undefined; // the reconciler reports the invalid schedule
    }
    if (failures > 0) {
      const retry = new Date(now.getTime() + retryDelayMs(failures));
      if (!next || retry < next) next = retry;
    }
    return next;
  }
}

function reasonOf(signal: AbortSignal): string {
  const reason = signal.reason;
  return reason instanceof Error ? reason.message : String(reason ?? "it was cancelled");
}

/**
 * Why a sweep could not start, for status.lastSweep.message: what failed and what to do. Messages of
 * the sweep state and the API server name objects and permissions, never Zendesk data.
 */
function couldNotStartMessage(error: unknown, retryMs: number): string {
  const minutes = Math.round(retryMs / 60_000);
  const retry = `Nothing was changed; Hush tries again in ${minutes === 1 ? "1 minute" : `${minutes} minutes`} (longer after each failure, up to an hour).`;
  if (error instanceof SweepStateUnwritable || error instanceof SweepStateConflict) {
    const forbidden = error.cause instanceof ClusterError && error.cause.kind === "Forbidden";
    const grant = forbidden
      ? " Grant the operator's ServiceAccount get, create, update and delete on ConfigMaps in this namespace (its ClusterRole, deploy/10-rbac.yaml)."
      : "";
    return `The sweep could not start: ${sentence(error.message)}${grant} ${retry}`;
  }
  if (error instanceof ClusterError) {
    return `The sweep could not start: the Kubernetes API server refused to open its state (${error.kind}: ${error.message}). ${retry}`;
  }
  return `The sweep could not start: opening its state failed (${errorKind(error)}); the operator's log says more. ${retry}`;
}

const sentence = (text: string): string => (/[.!?]$/.test(text) ? text : `${text}.`);
