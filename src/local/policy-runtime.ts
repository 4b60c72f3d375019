import type { ResourceProblem } from "../api/load.js";
import type { RedactionPolicy, RedactionPolicyStatus } from "../api/redaction-policy.js";
import type { LoopEvent, PolicyOutcome, ResourceRef } from "./events.js";

// What hush run holds for one policy while it runs: the policy as the directory last had it, the
// generation hush run counts for it, its status, and the handles of its loop (the signal that
// wakes it, the running sweep's controller).

export { APPROVE_ANNOTATION, REQUESTED_AT_ANNOTATION } from "../controller/policy-plan.js";

export interface PolicyRuntime {
  key: string;
  ref: ResourceRef;
  policy: RedactionPolicy;
  generation: number;
  file: string;
  document: number;
  problems: ResourceProblem[];
  status: RedactionPolicyStatus | undefined;
  /** Aborted to make the policy's loop look again (an edit, shutdown). */
  wake: AbortController;
  running: { controller: AbortController } | undefined;
  sweepNow: boolean;
  removed: boolean;
  /** When the last sweep of this process started (the interval counts from it). */
  lastStart: Date | undefined;
  /** Sweeps that Failed in a row, and when the next try is due (timers.ts retryDelayMs). */
  failedSweeps: number;
  retryAt: Date | undefined;
  approval: string | undefined;
  requestedAt: string | undefined;
  outcome: PolicyOutcome | undefined;
  loop: Promise<void> | undefined;
}

export const refOf = (meta: { namespace?: string | undefined; name: string }): ResourceRef => ({
  namespace: meta.namespace ?? "default",
  name: meta.name,
});

export const refText = (ref: ResourceRef): string => `${ref.namespace}/${ref.name}`;

/** The key of the policy's account: accountRef names an account of the policy's namespace. */
export const accountKeyOf = (rt: PolicyRuntime): string =>
  `${rt.ref.namespace}/${rt.policy.spec.accountRef.name}`;

/** Makes the policy's loop look at the policy again. */
export function wakePolicy(rt: PolicyRuntime): void {
  const previous = rt.wake;
  rt.wake = new AbortController();
  previous.abort();
}

/** Cancels the policy's running sweep, if any; `restart` sweeps again at once once it ended. */
export function cancelSweep(
  rt: PolicyRuntime,
  reason: string,
  emit: (event: LoopEvent) => void,
  restart = false,
): void {
  if (!rt.running || rt.running.controller.signal.aborted) return;
  if (restart) rt.sweepNow = true;
  emit({ type: "sweepCancelling", policy: rt.ref, reason });
  rt.running.controller.abort(new Error(reason));
}
