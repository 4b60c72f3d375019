import { formatProblem, type ResourceProblem } from "../api/load.js";
import type { RedactionPolicy, RedactionPolicyStatus } from "../api/redaction-policy.js";
import {
  type AccountState as DecisionAccountState,
  decidePolicy,
  type PlanDecision,
} from "../controller/policy-plan.js";
import { scheduleProblem } from "../controller/schedule.js";
import type { AccountCheck } from "../controller/status.js";

// What a policy's loop does next in hush run. The decision itself is the operator's
// (controller/policy-plan.ts decidePolicy); this file words what hush run knows of a policy and
// its account for files: problems found in a file, an account missing from the directory.

export type { PlanDecision } from "../controller/policy-plan.js";

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
  return decidePolicy(
    {
      policy: input.policy,
      generation: input.generation,
      status: input.status,
      now: input.now,
      invalid: specIssue(input.policy, input.problems, input.file),
      sweepNow: input.sweepNow,
      lastStart: input.lastStart,
      retryAt: input.retryAt,
    },
    account && decisionAccount(account),
  );
}

/** The account as hush run knows it, worded for files. */
function decisionAccount(account: AccountState): DecisionAccountState {
  switch (account.kind) {
    case "missing":
      return {
        kind: "stalled",
        reason: "AccountNotFound",
        message: `ZendeskAccount ${account.key} (spec.accountRef.name) is not in ${account.dir}; add its manifest or correct spec.accountRef.name.`,
      };
    case "invalid":
      return {
        kind: "stalled",
        reason: "AccountNotReady",
        message: `ZendeskAccount ${account.key} is invalid: ${account.problems.map(formatProblem).join("; ")}.`,
      };
    case "checked":
      return account;
  }
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
