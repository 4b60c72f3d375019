import type { RedactionPolicy, RedactionPolicyStatus } from "../api/redaction-policy.js";
import type { UnfinishedSweep } from "../sweep/sweep-state.js";
import { nextSweepTime } from "./schedule.js";
import {
  type AccountCheck,
  PERMANENT_ACCOUNT_FAILURES,
  policyStatusScheduled,
  policyStatusStalled,
  policyStatusSuspended,
  policyStatusWaitingForAccount,
  type StalledReason,
} from "./status.js";

// What a policy does next, decided from what is known now, as a reconciler decides: is the spec
// valid, is the policy suspended, is its account there and usable, and when is the next sweep
// due? Pure, and shared by hush run (src/local/policy-plan.ts words its messages for files) and
// the operator (policy-reconciler.ts for resources in a cluster): the caller gathers the inputs
// and carries out the decision (status, metrics, events, waiting or requeueing).

export const APPROVE_ANNOTATION = "hush.dev/approve";
export const REQUESTED_AT_ANNOTATION = "hush.dev/requested-at";

/** What the caller knows of the policy's account, with its messages already worded. */
export type AccountState =
  /** A person must fix something about the account (it is missing, invalid, lacks its Secret). */
  | {
      kind: "stalled";
      reason: Extract<StalledReason, "AccountNotFound" | "AccountNotReady">;
      message: string;
    }
  /** The account has not been checked yet; it will be, without anyone doing anything. */
  | { kind: "waiting"; message: string; retry?: Date }
  /** How the account's credentials check went; `retryAt` is when a failed check is tried again. */
  | { kind: "checked"; key: string; check: AccountCheck; retryAt: number | undefined };

export interface PolicyPlanInput {
  policy: RedactionPolicy;
  generation: number;
  status: RedactionPolicyStatus | undefined;
  now: Date;
  /** Why the spec cannot be swept, as a sentence; undefined when it is valid. */
  invalid: string | undefined;
  /** Sweep at once: a resumed sweep, an approval, hush.dev/requested-at, a restarted sweep. */
  sweepNow: boolean;
  /** When the last sweep started, when the caller knows it better than the status. */
  lastStart?: Date | undefined;
  /** After a failed sweep: when to try again, unless the schedule comes first. */
  retryAt?: Date | undefined;
}

export type PlanDecision =
  | { kind: "stalled"; status: RedactionPolicyStatus; reason: StalledReason; message: string; retry?: Date }
  | { kind: "suspended"; status: RedactionPolicyStatus }
  | { kind: "waitingForAccount"; status: RedactionPolicyStatus; message: string; retry?: Date }
  | { kind: "scheduled"; status: RedactionPolicyStatus; due: Date | undefined };

export function decidePolicy(input: PolicyPlanInput, account: AccountState | undefined): PlanDecision {
  const { policy, generation, status, now } = input;
  const stalled = (reason: StalledReason, message: string, retry?: Date): PlanDecision => ({
    kind: "stalled",
    status: policyStatusStalled(status, reason, message, generation, now),
    reason,
    message,
    ...(retry ? { retry } : {}),
  });

  if (input.invalid !== undefined) return stalled("InvalidSpec", input.invalid);
  if (policy.spec.suspend)
    return { kind: "suspended", status: policyStatusSuspended(status, generation, now) };
  if (!account)
    throw new Error("decidePolicy needs the account's state for a valid policy that is not suspended");
  if (account.kind === "stalled") return stalled(account.reason, account.message);
  if (account.kind === "waiting") {
    return {
      kind: "waitingForAccount",
      status: policyStatusWaitingForAccount(status, account.message, generation, now, account.retry),
      message: account.message,
      ...(account.retry ? { retry: account.retry } : {}),
    };
  }
  const { check } = account;
  if (!check.ok) {
    const retry = account.retryAt === undefined ? undefined : new Date(account.retryAt);
    const message = `ZendeskAccount ${account.key} is not usable: ${check.message}`;
    if (!PERMANENT_ACCOUNT_FAILURES.has(check.reason)) {
      return {
        kind: "waitingForAccount",
        status: policyStatusWaitingForAccount(status, message, generation, now, retry),
        message,
        ...(retry ? { retry } : {}),
      };
    }
    const reason =
      check.reason === "InvalidCredentials" || check.reason === "Forbidden"
        ? "InvalidCredentials"
        : "AccountNotReady";
    return stalled(reason, message, retry);
  }

  const lastStartText = status?.lastSweep?.startTime;
  const lastStart = input.lastStart ?? (lastStartText ? new Date(lastStartText) : undefined);
  const scheduled = input.sweepNow ? now : nextSweepTime(policy.spec.schedule, now, lastStart);
  const retry = input.retryAt;
  const due =
    retry && (!scheduled || retry < scheduled)
      ? new Date(Math.max(retry.getTime(), now.getTime()))
      : scheduled;
  return { kind: "scheduled", status: policyStatusScheduled(status, generation, now, due), due };
}

/** Longest wait after failed sweeps: an hour. */
const MAX_RETRY_DELAY_MS = 60 * 60_000;

/**
 * How long after the n-th failed sweep in a row the next try waits: 1 minute, doubling up to an
 * hour. A Failed sweep could not run at all (Zendesk unreachable, search refused); as a reconciler
 * requeues with backoff, Hush tries again rather than waiting for the next scheduled time, which
 * may be a day away, or never for a policy without a schedule.
 */
export function retryDelayMs(failures: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, failures - 1), MAX_RETRY_DELAY_MS);
}

/**
 * Whether a policy found at start (hush run starting, a new leader) sweeps at once, whatever its
 * schedule: its last sweep of this generation was cut short (a crash, a shutdown, a lost
 * leadership) and resumes, or it waits for approval and `approval` (hush.dev/approve) approves the
 * preview its status names (the annotation was added while nothing ran). A sweep cut short by
 * spec.limits.maxItemsPerSweep waits for its schedule.
 */
export function resumesAtStart(
  status: RedactionPolicyStatus | undefined,
  generation: number,
  approval: string | undefined,
  unfinished: UnfinishedSweep | undefined,
): boolean {
  const sameGeneration = status?.observedGeneration === generation;
  const last = status?.lastSweep?.result;
  if (sameGeneration && last === "AwaitingApproval" && approvesPreview(status, approval)) return true;
  if (sameGeneration && status?.currentSweep) return true;
  if (last === "LimitReached") return false;
  return unfinished !== undefined && unfinished.checkpoint.policy.generation === generation;
}

/** Whether `approval` names the preview the status shows (the one a waiting sweep needs). */
export function approvesPreview(
  status: RedactionPolicyStatus | undefined,
  approval: string | undefined,
): boolean {
  return approval !== undefined && approval.trim() === status?.preview?.id;
}
