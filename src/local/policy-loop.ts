import { retryDelayMs } from "../controller/policy-plan.js";
import { sweepPolicy } from "../controller/policy-sweep.js";
import { nextSweepTime } from "../controller/schedule.js";
import { policyStatusAfterSweep, policyStatusSweeping } from "../controller/status.js";
import type { HushMetrics } from "../observability/metrics.js";
import type { AuditSink } from "../sweep/evidence.js";
import type { runSweep } from "../sweep/run-sweep.js";
import type { SweepStateStore } from "../sweep/sweep-state.js";
import type { Clock } from "../zendesk/clock.js";
import type { AccountRuntime } from "./accounts.js";
import type { LoopEvent, PolicyOutcome } from "./events.js";
import { type AccountState, needsAccount, type PlanInput, planPolicy } from "./policy-plan.js";
import type { PolicyRuntime } from "./policy-runtime.js";
import { waitUntil } from "./timers.js";

// One policy's loop in hush run, as a reconciler: look at the policy and its account
// (policy-plan.ts decides), record the decision (status, metrics, events), wait until the next
// sweep is due or something changes, sweep, and look again. Level-triggered: whatever woke it (a
// timer, an edit, a sweep's end), it decides from the whole picture as it is now.

/** What a policy's loop needs from hush run's loop. */
export interface PolicyLoopContext {
  clock: Clock;
  /** Aborts at shutdown. */
  stopping: AbortSignal;
  /** --once: sweep once (or find that the policy cannot), then end. */
  once: boolean;
  metrics: HushMetrics | undefined;
  runSweep: typeof runSweep;
  audit(): AuditSink;
  emit(event: LoopEvent): void;
  account(rt: PolicyRuntime): AccountRuntime | undefined;
  accountState(rt: PolicyRuntime): Promise<AccountState>;
  sweepState(rt: PolicyRuntime): Promise<SweepStateStore>;
  /** The policy's status changed; progress-only changes may be coalesced or not printed. */
  statusChanged(rt: PolicyRuntime, progressOnly?: boolean): void;
  /** How the policy's first round ended (the first outcome counts). */
  setOutcome(rt: PolicyRuntime, outcome: Omit<PolicyOutcome, "policy" | "file">): void;
}

/** Runs until the policy is removed, hush run stops, or (with --once) after one round. */
export async function runPolicyLoop(rt: PolicyRuntime, ctx: PolicyLoopContext): Promise<void> {
  while (!ctx.stopping.aborted && !rt.removed) {
    const wake = rt.wake.signal;
    let due: Date | undefined;
    let retry: Date | undefined;
    try {
      ({ due, retry } = await plan(rt, ctx));
    } catch (error) {
      if (ctx.stopping.aborted) break;
      ctx.emit({ type: "error", message: `planning policy ${rt.key} failed: ${(error as Error).message}` });
      retry = new Date(ctx.clock.now() + 60_000);
    }
    if (due === undefined) {
      if (ctx.once) break;
      await waitUntil(ctx.clock, retry, wake);
      continue;
    }
    if (!(await waitUntil(ctx.clock, due, wake))) continue;
    await sweep(rt, ctx);
    if (ctx.once) break;
  }
  ctx.setOutcome(rt, { idle: true });
}

/**
 * Looks at the policy as a reconciler does (policy-plan.ts), checking its account only when the
 * answer depends on it, and carries the decision out: status, metrics, events, outcome.
 */
async function plan(rt: PolicyRuntime, ctx: PolicyLoopContext): Promise<{ due?: Date; retry?: Date }> {
  const input: PlanInput = {
    policy: rt.policy,
    generation: rt.generation,
    file: rt.file,
    problems: rt.problems,
    status: rt.status,
    now: new Date(ctx.clock.now()),
    sweepNow: rt.sweepNow,
    lastStart: rt.lastStart,
    retryAt: rt.retryAt,
  };
  const decision = planPolicy(input, needsAccount(input) ? await ctx.accountState(rt) : undefined);
  rt.status = decision.status;
  ctx.statusChanged(rt);
  switch (decision.kind) {
    case "stalled":
      ctx.metrics?.setNextSweepTime(rt.ref, undefined);
      ctx.emit({ type: "policyStalled", policy: rt.ref, reason: decision.reason, message: decision.message });
      ctx.setOutcome(rt, { stalled: { reason: decision.reason, message: decision.message } });
      return decision.retry ? { retry: decision.retry } : {};
    case "suspended":
      ctx.metrics?.setNextSweepTime(rt.ref, undefined);
      ctx.setOutcome(rt, { suspended: true });
      return {};
    case "waitingForAccount":
      ctx.metrics?.setNextSweepTime(rt.ref, decision.retry?.getTime());
      if (ctx.once) ctx.setOutcome(rt, { stalled: { reason: "AccountNotReady", message: decision.message } });
      return decision.retry ? { retry: decision.retry } : {};
    case "scheduled": {
      const { due } = decision;
      ctx.metrics?.setNextSweepTime(rt.ref, due?.getTime());
      ctx.emit({
        type: "policyWaiting",
        policy: rt.ref,
        nextSweepTime: due,
        dueNow: due !== undefined && due <= input.now,
      });
      if (!due) ctx.setOutcome(rt, { idle: true });
      return due ? { due } : {};
    }
  }
}

/**
 * One sweep: a place among the account's running sweeps, the account's connection, the engine
 * (policy-sweep.ts), then the status of how it ended and when the next one is due. Cancelled by
 * shutdown or by rt.running's controller (an edit, a removal).
 */
async function sweep(rt: PolicyRuntime, ctx: PolicyLoopContext): Promise<void> {
  const acc = ctx.account(rt);
  if (!acc) return;
  const controller = new AbortController();
  const onStop = () => controller.abort(ctx.stopping.reason);
  ctx.stopping.addEventListener("abort", onStop, { once: true });
  rt.running = { controller };
  let release: (() => void) | undefined;
  let lease: ReturnType<AccountRuntime["use"]>;
  try {
    release = await acc.semaphore.acquire(controller.signal);
    // The check is the account's, shared with other policies: only shutdown may cut it short.
    const check = await acc.ready(ctx.stopping);
    lease = check.ok ? acc.use() : undefined;
    if (!lease) return; // plan() says why, on the next turn of the loop
    const generation = rt.generation;
    const startedAt = new Date(ctx.clock.now());
    rt.sweepNow = false;
    const state = await ctx.sweepState(rt);
    ctx.emit({ type: "sweepStarted", policy: rt.ref, account: acc.ref, generation });
    const { report, error } = await sweepPolicy({
      runSweep: ctx.runSweep,
      account: acc.account,
      accountRef: acc.ref,
      policy: rt.policy,
      generation,
      connection: lease.connection,
      state,
      audit: ctx.audit(),
      ...(ctx.metrics ? { observer: ctx.metrics.sweepObserverFor(rt.policy.spec.action) } : {}),
      ...(rt.approval ? { approval: rt.approval } : {}),
      onProgress: (progress) => {
        if (rt.generation !== generation) return;
        rt.status = policyStatusSweeping(rt.status, progress, generation, new Date(ctx.clock.now()));
        ctx.emit({ type: "sweepProgress", policy: rt.ref, progress });
        ctx.statusChanged(rt, true);
      },
      signal: controller.signal,
      clock: ctx.clock,
    });
    if (error) ctx.emit({ type: "error", message: `the sweep of policy ${rt.key} failed: ${error.message}` });
    rt.lastStart = startedAt;
    const now = new Date(ctx.clock.now());
    const failed = report.summary.result === "Failed";
    rt.failedSweeps = failed ? rt.failedSweeps + 1 : 0;
    rt.retryAt = failed ? new Date(now.getTime() + retryDelayMs(rt.failedSweeps)) : undefined;
    // The failure may be the credentials': the next try asks Zendesk rather than an old answer.
    if (failed) acc.forgetCheck();
    let next: Date | undefined;
    try {
      next = rt.sweepNow ? now : nextSweepTime(rt.policy.spec.schedule, now, startedAt);
    } catch {
      next = undefined; // plan() reports the invalid schedule
    }
    if (rt.retryAt && (!next || rt.retryAt < next)) next = rt.retryAt;
    rt.status = policyStatusAfterSweep(
      rt.status,
      report,
      generation,
      now,
      next,
      rt.policy.spec.limits.approvalAbove,
    );
    ctx.metrics?.setNextSweepTime(rt.ref, next?.getTime());
    ctx.emit({ type: "sweepEnded", policy: rt.ref, report, nextSweepTime: next });
    ctx.statusChanged(rt);
    ctx.setOutcome(rt, { result: report.summary.result, report });
  } catch (error) {
    if (!controller.signal.aborted) {
      ctx.emit({
        type: "error",
        message: `the sweep of policy ${rt.key} could not start: ${(error as Error).message}`,
      });
    }
  } finally {
    ctx.stopping.removeEventListener("abort", onStop);
    release?.();
    await lease?.release();
    rt.running = undefined;
  }
}
