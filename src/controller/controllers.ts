import type { checkCredentials } from "../sweep/connect.js";
import type { runSweep } from "../sweep/run-sweep.js";
import type { SweepStateStore, UnfinishedSweep } from "../sweep/sweep-state.js";
import { AccountConnections } from "./account-connections.js";
import { accountReconciler } from "./account-reconciler.js";
import type { ObjectKey } from "./cluster.js";
import { clusterSweepState } from "./cluster-sweep-state.js";
import type { ControllerContext, ReconcileResult } from "./context.js";
import { errorKind } from "./events.js";
import { policyReconciler } from "./policy-reconciler.js";
import { SweepRunner } from "./sweep-runner.js";

// The operator's two reconcilers and what they share: one connection per account (and its rate
// budget), and the background sweeps. operator.ts feeds the work queues' keys to `account` and
// `policy`, and calls stop() on shutdown or lost leadership.

export interface Controllers {
  account: (key: ObjectKey) => Promise<ReconcileResult>;
  policy: (key: ObjectKey) => Promise<ReconcileResult>;
  /**
   * Stop starting sweeps; cancel running ones (they checkpoint), wait at most graceMs. `now` (a
   * lost leader Lease) stops them at once, also when called while an earlier stop() waits.
   */
  stop(graceMs: number, options?: { now?: boolean }): Promise<ControllersStopped>;
}

/** How a stop ended: the operator releases its Lease only when no sweep may still write. */
export interface ControllersStopped {
  /** Policies ("namespace/name") whose sweeps had not stopped by the deadline. */
  sweepsRunning: string[];
}

/** Replacements for tests; the operator uses the real ones. */
export interface ControllerOverrides {
  runSweep?: typeof runSweep;
  checkCredentials?: typeof checkCredentials;
  sweepState?: (key: ObjectKey, uid: string) => Promise<SweepStateStore>;
}

export function createControllers(ctx: ControllerContext, overrides: ControllerOverrides = {}): Controllers {
  const stopping = new AbortController();
  const connections = new AccountConnections({
    clock: ctx.clock,
    maxSweepsPerAccount: ctx.maxSweepsPerAccount,
    requestLogger: (account) => ctx.metrics.requestLogger(account),
    watchBudget: (account, connection) => ctx.metrics.watchBudget(account, connection.budget),
  });
  const sweepState =
    overrides.sweepState ??
    ((key: ObjectKey, uid: string) => clusterSweepState(ctx.api, { ...key, uid }, { clock: ctx.clock }));
  let policies: ReturnType<typeof policyReconciler> | undefined;
  const runner = new SweepRunner(ctx, connections, {
    ...(overrides.runSweep ? { runSweep: overrides.runSweep } : {}),
    sweepState,
    onEnded: (end) => policies?.sweepEnded(end),
  });
  policies = policyReconciler({
    ctx,
    runner,
    connections,
    loadUnfinished: (key, uid) => loadUnfinished(ctx, sweepState, key, uid),
  });
  const account = accountReconciler({
    ctx,
    connections,
    signal: stopping.signal,
    ...(overrides.checkCredentials ? { check: overrides.checkCredentials } : {}),
  });
  const policy = policies.reconcile;
  let stopped: Promise<ControllersStopped> | undefined;

  return {
    account: (key) => (stopping.signal.aborted ? Promise.resolve({}) : account(key)),
    policy: (key) => (stopping.signal.aborted ? Promise.resolve({}) : policy(key)),
    stop(graceMs, options = {}) {
      // A graceful stop under way becomes an immediate one; its wait sees the sweeps end.
      if (stopped && options.now) runner.stopNow();
      stopped ??= (async () => {
        stopping.abort(new Error("the operator is stopping"));
        const sweepsRunning = await runner.stop(graceMs, { now: options.now === true });
        await connections.closeAll().catch((error: unknown) => {
          ctx.logger.warn({ error: errorKind(error) }, "closing the accounts' connections failed");
        });
        return { sweepsRunning };
      })();
      return stopped;
    },
  };
}

/** The unfinished sweep in the policy's state, if any; an unreadable state counts as none. */
async function loadUnfinished(
  ctx: ControllerContext,
  sweepState: (key: ObjectKey, uid: string) => Promise<SweepStateStore>,
  key: ObjectKey,
  uid: string,
): Promise<UnfinishedSweep | undefined> {
  let store: SweepStateStore | undefined;
  try {
    store = await sweepState(key, uid);
    return await store.load();
  } catch (error) {
    // The sweep itself reads the state again and reports Failed, naming the problem, if it still fails.
    ctx.logger.warn(
      { policy: `${key.namespace}/${key.name}`, error: errorKind(error) },
      "could not read the policy's sweep state",
    );
    return undefined;
  } finally {
    await store?.close().catch(() => undefined);
  }
}
