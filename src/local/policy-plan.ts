import { formatProblem, type ResourceProblem } from "../api/load.js";
import type { RedactionPolicy, RedactionPolicyStatus } from "../api/redaction-policy.js";
import { nextSweepTime, scheduleProblem } from "../controller/schedule.js";
import {
  type AccountCheck,
  policyStatusScheduled,
  policyStatusStalled,
  policyStatusSuspended,
  policyStatusWaitingForAccount,
  type StalledReason,
} from "../controller/status.js";
import { isTransient } from "./accounts.js";

// What a policy's loop does next, decided from what is known now, as a reconciler decides: is the
// spec valid, is the policy suspended, is its account there and usable, and when is the next
// sweep due? Pure: the loop gathers the inputs (checking the account only when the answer
// depends on it) and carries out the decision (status, metrics, events, waiting).

/** What the loop knows of the policy's account. */
export type AccountState =
  | { kind: "missing"; key: string; dir: string }
  | { kind: "invalid"; key: string; problems: ResourceProblem[] }
  | { kind: "checked"; key: string; check: AccountCheck; retryAt: number | undefined };

export interface PlanInput {
  policy: RedactionPolicy;
  generation: number;
  file: string;
  /** The problems load.ts found in the policy's document. */
  problems: readonly ResourceProblem[];
  status: RedactionPolicyStatus | undefined;
  now: Date;
  /** Sweep at once: --sweep-now, a resumed sweep, an approval, hush.dev/requested-at. */
  sweepNow: boolean;
  /** When the last sweep started, when this process knows it better than the status. */
  lastStart: Date | undefined;
  /** After a failed sweep: when to try again, unless the schedule comes first. */
  retryAt?: Date | undefined;
}

export type PlanDecision =
  | { kind: "stalled"; status: RedactionPolicyStatus; reason: StalledReason; message: string; retry?: Date }
  | { kind: "suspended"; status: RedactionPolicyStatus }
  | { kind: "waitingForAccount"; status: RedactionPolicyStatus; message: string; retry?: Date }
  | { kind: "scheduled"; status: RedactionPolicyStatus; due: Date | undefined };

/** Why the policy's spec cannot be swept, or undefined. Needs no account. */
export function specIssue(
  policy: RedactionPolicy,
  problems: readonly ResourceProblem[],
  file: string,
): string | undefined {
  const messages = problems.map((p) => `${p.path ? `${p.path}: ` : ""}${p.message}`);
  // validate.ts checks schedules too; this catches what only computing the next time shows.
  const schedule = messages.length === 0 ? scheduleProblem(policy.spec.schedule) : undefined;
  if (schedule) messages.push(`${schedule.path}: ${schedule.message}`);
  return messages.length > 0
    ? `The policy is invalid (fix it in ${file}): ${messages.join("; ")}`
    : undefined;
}

/** Whether the decision needs the account at all (it does not for an invalid or suspended policy). */
export function needsAccount(input: PlanInput): boolean {
  return !input.policy.spec.suspend && specIssue(input.policy, input.problems, input.file) === undefined;
}

export function planPolicy(input: PlanInput, account: AccountState | undefined): PlanDecision {
  const { policy, generation, status, now } = input;
  const stalled = (reason: StalledReason, message: string, retry?: Date): PlanDecision => ({
    kind: "stalled",
    status: policyStatusStalled(status, reason, message, generation, now),
    reason,
    message,
    ...(retry ? { retry } : {}),
  });

  const invalid = specIssue(policy, input.problems, input.file);
  if (invalid) return stalled("InvalidSpec", invalid);
  if (policy.spec.suspend)
    return { kind: "suspended", status: policyStatusSuspended(status, generation, now) };
  if (!account)
    throw new Error("planPolicy needs the account's state for a valid policy that is not suspended");
  if (account.kind === "missing") {
    return stalled(
      "AccountNotFound",
      `ZendeskAccount ${account.key} (spec.accountRef.name) is not in ${account.dir}; add its manifest or correct spec.accountRef.name.`,
    );
  }
  if (account.kind === "invalid") {
    return stalled(
      "AccountNotReady",
      `ZendeskAccount ${account.key} is invalid: ${account.problems.map(formatProblem).join("; ")}.`,
    );
  }
  const { check } = account;
  if (!check.ok) {
    const retry = account.retryAt === undefined ? undefined : new Date(account.retryAt);
    const message = `ZendeskAccount ${account.key} is not usable: ${check.message}`;
    if (isTransient(check)) {
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

/** A policy as the loop last saw it, and as the directory has it now. */
export interface PolicyEdit {
  before: {
    generation: number;
    approval?: string | undefined;
    requestedAt?: string | undefined;
    lastResult?: string | undefined;
  };
  after: {
    generation: number;
    suspend: boolean;
    invalid: boolean;
    approval?: string | undefined;
    requestedAt?: string | undefined;
  };
}

/**
 * What an edit of a policy's file means for it: cancel its running sweep (and start again at
 * once, for a new generation), and/or sweep now (a new approval of a waiting sweep, or a new
 * hush.dev/requested-at).
 */
export function reactionToEdit({ before, after }: PolicyEdit): {
  cancel?: { reason: string; restart: boolean };
  sweepNow: boolean;
} {
  let cancel: { reason: string; restart: boolean } | undefined;
  if (after.suspend) cancel = { reason: "the policy was suspended (spec.suspend)", restart: false };
  else if (after.invalid) cancel = { reason: "the policy has problems (see its status)", restart: false };
  else if (before.generation !== after.generation) {
    cancel = { reason: "the policy's spec changed; a sweep of the new generation starts", restart: true };
  }
  const approved =
    after.approval !== undefined &&
    after.approval !== before.approval &&
    before.lastResult === "AwaitingApproval";
  const requested = after.requestedAt !== undefined && after.requestedAt !== before.requestedAt;
  return { ...(cancel ? { cancel } : {}), sweepNow: approved || requested };
}
