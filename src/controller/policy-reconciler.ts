import type { RedactionPolicyStatus } from "../api/redaction-policy.js";
import type { UnfinishedSweep } from "../sweep/sweep-state.js";
import type { AccountConnections } from "./account-connections.js";
import { isConflict, type KubeObject, keyText, type ObjectKey } from "./cluster.js";
import { deleteSweepState } from "./cluster-sweep-state.js";
import type { ControllerContext, ReconcileResult } from "./context.js";
import { errorKind } from "./events.js";
import { addFinalizer, hasFinalizer, removeFinalizer, SWEEP_FINALIZER } from "./finalizer.js";
import { policyAccountOf } from "./policy-account.js";
import {
  APPROVE_ANNOTATION,
  approvesPreview,
  decidePolicy,
  type PlanDecision,
  REQUESTED_AT_ANNOTATION,
  resumesAtStart,
  retryDelayMs,
} from "./policy-plan.js";
import { parsePolicy, policyStatusOf, problemsText } from "./resources.js";
import { policyStatusStalled } from "./status.js";
import { writeStatus } from "./status-writer.js";
import { START_RETRY_MS, type SweepEnd, type SweepRunner } from "./sweep-runner.js";

// The RedactionPolicy reconciler, level-triggered: whatever asked for it (an edit, its account,
// a timer, a resync, a sweep's end), it reads the policy and its account from the informer
// caches and makes the world match, in the order Flux's reconcilers do (STYLE.md "Reconcile
// shape"): deletion, the finalizer, the running sweep, validation, the account, then the
// schedule. It writes status only when it changed (writeStatus compares), so a reconcile with
// nothing new writes nothing. While a sweep runs, the sweep owns the status (sweep-status.ts).

/** Longest requeue: waking hourly keeps up with clock jumps, and timers beyond 24.8 days overflow. */
const MAX_REQUEUE_MS = 60 * 60_000;
/** How often a policy whose sweep is being cancelled looks again (the sweep's end enqueues it too). */
const STOPPING_RECHECK_MS = 1_000;
/** How often a policy looks again while the informer cache has not caught up with its status write. */
const CACHE_RECHECK_MS = 250;
/** After this long the cache is taken as it is (someone else rewrote the status meanwhile). */
const CACHE_WAIT_LIMIT_MS = 30_000;

/** What the reconciler remembers of a policy between reconciles (lost on restart, by design). */
interface PolicyMemory {
  uid: string;
  /** Whether the sweep state was looked at for an unfinished sweep (once per incarnation and process). */
  looked: boolean;
  /**
   * A sweep of this generation is to start at once: its predecessor was cancelled for it, or an
   * unfinished sweep was found at start. Kept until a sweep starts (the account may not be
   * connected yet when the policy is first reconciled).
   */
  sweepNow: boolean;
  /** Sweeps of `failedGeneration` that Failed in a row, and when the last one ended. */
  failures: number;
  failedGeneration: number;
  lastEnd: number | undefined;
  /**
   * The sweep whose final status this process wrote, until the informer cache shows it: deciding
   * on the cache before then would read the sweep's start as the last one, and sweep again.
   */
  awaitedSweep: { sweepId: string; since: number } | undefined;
}

export interface PolicyReconcilerDeps {
  ctx: ControllerContext;
  runner: SweepRunner;
  connections: AccountConnections;
  /** Reads the policy's unfinished sweep, for a new leader's resume (default: the ConfigMap). */
  loadUnfinished: (key: ObjectKey, uid: string) => Promise<UnfinishedSweep | undefined>;
}

export interface PolicyReconciler {
  reconcile(key: ObjectKey): Promise<ReconcileResult>;
  /** The runner tells it how a sweep ended (SweepRunnerOptions.onEnded). */
  sweepEnded(end: SweepEnd): void;
}

export function policyReconciler(deps: PolicyReconcilerDeps): PolicyReconciler {
  const { ctx, runner } = deps;
  const memory = new Map<string, PolicyMemory>();

  const remember = (key: ObjectKey, uid: string): PolicyMemory => {
    let mem = memory.get(keyText(key));
    if (!mem || mem.uid !== uid) {
      mem = {
        uid,
        looked: false,
        sweepNow: false,
        failures: 0,
        failedGeneration: 0,
        lastEnd: undefined,
        awaitedSweep: undefined,
      };
      memory.set(keyText(key), mem);
    }
    return mem;
  };

  const forget = (key: ObjectKey) => {
    memory.delete(keyText(key));
    ctx.metrics.forgetPolicy(key);
  };

  /** Step 2: cancel the sweep, wait until it stopped, remove its state, then the finalizer. */
  async function finalize(object: KubeObject, key: ObjectKey): Promise<ReconcileResult> {
    const running = runner.get(key);
    if (running) {
      running.cancel("the policy is being deleted");
      return { requeueAfterMs: STOPPING_RECHECK_MS };
    }
    if (hasFinalizer(object, SWEEP_FINALIZER)) {
      await deleteSweepState(ctx.api, key);
      if (!(await patchedFinalizer(() => removeFinalizer(ctx.api, "RedactionPolicy", object), key)))
        return { requeueAfterMs: CACHE_RECHECK_MS };
      ctx.logger.info({ policy: keyText(key) }, "the policy is deleted: its sweep state is removed");
    }
    forget(key);
    return {};
  }

  async function reconcile(key: ObjectKey): Promise<ReconcileResult> {
    const object = ctx.policies.get(key);
    const running = runner.get(key);
    // 1. Gone: nothing to keep.
    if (!object) {
      running?.cancel("the policy was deleted");
      forget(key);
      return {};
    }
    const uid = object.metadata.uid ?? "";
    if (running && running.uid !== uid) {
      running.cancel("the policy was deleted and created again");
      return { requeueAfterMs: STOPPING_RECHECK_MS };
    }
    // 2. Deletion.
    if (object.metadata.deletionTimestamp) return finalize(object, key);
    // 3. The finalizer, as its own step: the update that adds it brings the policy back.
    if (!hasFinalizer(object, SWEEP_FINALIZER)) {
      if (!(await patchedFinalizer(() => addFinalizer(ctx.api, "RedactionPolicy", object), key)))
        return { requeueAfterMs: CACHE_RECHECK_MS };
      return {};
    }
    const mem = remember(key, uid);
    const generation = object.metadata.generation ?? 1;
    // 6 (first, as it decides whether the rest may write status). A running sweep owns the
    // status; one of an older generation, or whose account is gone, is cancelled.
    if (running) {
      if (running.generation !== generation) {
        if ((object["spec"] as { suspend?: unknown } | undefined)?.suspend === true)
          running.cancel("the policy was suspended (spec.suspend)");
        else
          running.cancel("the policy's spec changed; a sweep of the new generation starts", {
            restart: true,
          });
        return { requeueAfterMs: STOPPING_RECHECK_MS };
      }
      const accountName = accountNameOf(object);
      if (accountName !== undefined && !ctx.accounts.get({ namespace: key.namespace, name: accountName })) {
        running.cancel("the policy's account was deleted");
        return { requeueAfterMs: STOPPING_RECHECK_MS };
      }
      return {};
    }
    // A sweep's final status the API server refused then (throws again: backoff).
    const flushed = await runner.flushStatus(key, uid);
    if (flushed) mem.awaitedSweep = { sweepId: flushed, since: ctx.clock.now() };

    const now = new Date(ctx.clock.now());
    const status = policyStatusOf(object);
    if (mem.awaitedSweep) {
      const { sweepId, since } = mem.awaitedSweep;
      const stale = status?.lastSweep?.sweepId !== sweepId && now.getTime() - since < CACHE_WAIT_LIMIT_MS;
      if (stale) return { requeueAfterMs: CACHE_RECHECK_MS };
      mem.awaitedSweep = undefined;
    }
    // 4. Validation (the schema, validate.ts, the schedule).
    const parsed = parsePolicy(object);
    if (!parsed.ok) {
      const message = `The policy is invalid: ${problemsText(parsed.problems)}. Correct the RedactionPolicy; Hush sweeps it once it is valid.`;
      await write(key, uid, generation, (current) =>
        policyStatusStalled(current, "InvalidSpec", message, generation, now),
      );
      ctx.metrics.setNextSweepTime(key, undefined);
      return {};
    }
    const policy = parsed.resource;
    // 5. The account.
    const account = policy.spec.suspend ? undefined : policyAccountOf(ctx, policy);
    // 7. Is a sweep due now?
    const annotations = object.metadata.annotations ?? {};
    const approval = annotations[APPROVE_ANNOTATION];
    const requestedAt = annotations[REQUESTED_AT_ANNOTATION];
    const ready = account?.state.kind === "checked" && account.state.check.ok;
    if (ready && !mem.looked) {
      // A new leader (or a restart) resumes an unfinished sweep at once (policy-plan.ts). Kept in
      // memory, not in a local: this reconcile may still have to wait for the account's connection.
      if (resumesAtStart(status, generation, approval, await deps.loadUnfinished(key, uid)))
        mem.sweepNow = true;
      mem.looked = true;
    }
    let sweepNow = mem.sweepNow;
    sweepNow ||=
      status?.observedGeneration === generation &&
      status.lastSweep?.result === "AwaitingApproval" &&
      approvesPreview(status, approval);
    sweepNow ||= requestedAt !== undefined && requestedAt !== status?.lastHandledRequestedAt;
    const failures = mem.failedGeneration === generation ? mem.failures : 0;
    const retryAt = retryAtOf(status, failures, mem.lastEnd);
    const input = { policy, generation, now, invalid: undefined, sweepNow, retryAt };
    const decide = (current: RedactionPolicyStatus | undefined): PlanDecision =>
      decidePolicy({ ...input, status: current }, account?.state);
    const decision = decide(status);

    if (decision.kind === "scheduled" && decision.due && decision.due.getTime() <= now.getTime()) {
      // 8. Due: the sweep runs in the background and writes the status from now on.
      const accountKey = { namespace: key.namespace, name: policy.spec.accountRef.name };
      if (!deps.connections.current(accountKey) || !account?.parsed) {
        // This process has not connected the account yet (a new leader): it will, then sweep.
        ctx.enqueue("ZendeskAccount", accountKey);
        return { requeueAfterMs: START_RETRY_MS };
      }
      const started = runner.start({
        object,
        policy,
        account: account.parsed,
        approval,
        requestedAt: requestedAt !== status?.lastHandledRequestedAt ? requestedAt : undefined,
        failures,
      });
      if (started) mem.sweepNow = false;
      return {};
    }
    await write(key, uid, generation, (current) => decide(current).status);
    const next =
      decision.kind === "scheduled"
        ? decision.due
        : decision.kind === "suspended"
          ? undefined
          : decision.retry;
    ctx.metrics.setNextSweepTime(key, decision.kind === "scheduled" ? next?.getTime() : undefined);
    if (!next) return {};
    return { requeueAfterMs: Math.min(Math.max(0, next.getTime() - now.getTime()), MAX_REQUEUE_MS) };
  }

  /** Writes the status computed from the current object, unless the policy changed meanwhile. */
  async function write(
    key: ObjectKey,
    uid: string,
    generation: number,
    compute: (current: RedactionPolicyStatus | undefined) => RedactionPolicyStatus,
  ): Promise<void> {
    await writeStatus<KubeObject>(ctx.api, "RedactionPolicy", key, (current) => {
      // A newer generation is reconciled on its own (its update enqueued it): no stale status.
      if (current.metadata.uid !== uid || (current.metadata.generation ?? 1) !== generation) return undefined;
      return compute(policyStatusOf(current));
    });
  }

  /**
   * Runs a finalizer patch; false on a Conflict. The patch carries the cached resourceVersion,
   * which a status write of this operator has often just made stale: that is no error, the next
   * reconcile reads the newer object and patches again.
   */
  async function patchedFinalizer(patch: () => Promise<unknown>, key: ObjectKey): Promise<boolean> {
    try {
      await patch();
      return true;
    } catch (error) {
      if (!isConflict(error)) throw error;
      ctx.logger.debug(
        { policy: keyText(key) },
        "the policy changed since it was cached; patching its finalizer again",
      );
      return false;
    }
  }

  function sweepEnded(end: SweepEnd): void {
    const mem = memory.get(keyText(end.key));
    if (!mem || mem.uid !== end.uid) return;
    mem.sweepNow = end.restart;
    mem.lastEnd = ctx.clock.now();
    mem.awaitedSweep = end.statusSweepId ? { sweepId: end.statusSweepId, since: mem.lastEnd } : undefined;
    if (end.result === "Failed") {
      mem.failures = end.failures;
      mem.failedGeneration = end.generation;
    } else if (end.result !== undefined) {
      mem.failures = 0;
    }
  }

  return {
    reconcile: async (key) => {
      try {
        return await reconcile(key);
      } catch (error) {
        ctx.logger.warn(
          { policy: keyText(key), error: errorKind(error) },
          "reconciling the policy failed; retrying",
        );
        throw error;
      }
    },
    sweepEnded,
  };
}

function accountNameOf(object: KubeObject): string | undefined {
  const name = (object["spec"] as { accountRef?: { name?: unknown } } | undefined)?.accountRef?.name;
  return typeof name === "string" ? name : undefined;
}

/**
 * When a policy whose last sweep Failed tries again: retryDelayMs after it ended. This process's
 * memory of failures counts even when the status could not say Failed (its write was refused), so
 * a sweep that keeps failing never loops without a pause; after a restart the status tells.
 */
function retryAtOf(
  status: RedactionPolicyStatus | undefined,
  failures: number,
  lastEnd: number | undefined,
): Date | undefined {
  if (failures > 0 && lastEnd !== undefined) return new Date(lastEnd + retryDelayMs(failures));
  if (status?.lastSweep?.result !== "Failed") return undefined;
  const ended = lastEnd ?? Date.parse(status.lastSweep.completionTime);
  if (Number.isNaN(ended)) return undefined;
  return new Date(ended + retryDelayMs(Math.max(1, failures)));
}
