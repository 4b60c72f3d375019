import type { Condition } from "../api/conditions.js";
import type {
  CurrentSweep,
  Preview,
  RedactionPolicyStatus,
  SweepResultKind,
  SweepSummary,
} from "../api/redaction-policy.js";
import type { ZendeskAccountStatus } from "../api/zendesk-account.js";
import type { RateBudget } from "../zendesk/budget.js";
import {
  CONDITION,
  type ConditionUpdate,
  findCondition,
  isoSeconds,
  removeCondition,
  setCondition,
} from "./conditions.js";

// The status of policies and accounts as pure functions of what happened. `hush run` and the
// operator both call these, so a status means the same wherever it was written.
//
// Conditions follow kstatus, as Flux writes them: Ready is always there and summarises;
// Reconciling and Stalled are "abnormal-true" conditions, present only while they are True.
// kstatus (Flux, `kubectl wait`-style tools) and Hush's Argo CD health check (docs/operator.md)
// read only those two and observedGeneration, not Ready, so every state in which the policy is
// not where it should be sets one of them:
// - Reconciling: Hush goes on by itself: a sweep runs, a failed sweep is retried (RetryScheduled),
//   a cancelled sweep is taken up again, an unreachable account is checked again.
// - Stalled: it does not get better without a person: an invalid spec, a missing account, bad
//   credentials, a sweep waiting for approval, items the last sweep failed on.
// AwaitingApproval is also present while a sweep waits for a person's approval. Messages are
// sentences with counts and names, never anything read from Zendesk.

/** The part of a sweep's report that status records (run-sweep's SweepReport has it). */
export interface SweepResultForStatus {
  summary: SweepSummary;
  preview?: Preview;
}

/** CamelCase reasons a program can match on. */
export const REASON = {
  Succeeded: "Succeeded",
  Previewed: "Previewed",
  PartiallyFailed: "PartiallyFailed",
  Failed: "Failed",
  LimitReached: "LimitReached",
  AwaitingApproval: "AwaitingApproval",
  Cancelled: "Cancelled",
  Sweeping: "Sweeping",
  NotSwept: "NotSwept",
  Suspended: "Suspended",
  InvalidSpec: "InvalidSpec",
  AccountNotFound: "AccountNotFound",
  AccountNotReady: "AccountNotReady",
  InvalidCredentials: "InvalidCredentials",
  Authenticated: "Authenticated",
  Forbidden: "Forbidden",
  SecretNotFound: "SecretNotFound",
  SecretKeyMissing: "SecretKeyMissing",
  Unreachable: "Unreachable",
  RateLimited: "RateLimited",
  ApprovalRequired: "ApprovalRequired",
  RetryScheduled: "RetryScheduled",
} as const;

/** Why a policy cannot sweep until someone changes something (policyStatusStalled). */
export type StalledReason = "InvalidSpec" | "AccountNotFound" | "AccountNotReady" | "InvalidCredentials";

/**
 * Results after which the policy is Ready. LimitReached is one of them: the sweep did what the
 * policy allows it to do in one sweep (spec.limits.maxItemsPerSweep) and the next sweep goes on
 * with the rest, so a policy working through a large backlog is healthy, not degraded (Ready, and
 * neither Reconciling nor Stalled, which kstatus and Argo CD read): a backlog is not a fault a
 * person must look at. The reason and message still say that more remain.
 */
const READY_RESULTS: ReadonlySet<SweepResultKind> = new Set(["Succeeded", "Previewed", "LimitReached"]);

/** Reconciling and Stalled as a writer gives them: each set when True, absent when not. */
interface Abnormal {
  reconciling?: Omit<ConditionUpdate, "type" | "status">;
  stalled?: Omit<ConditionUpdate, "type" | "status">;
}

/** Conditions with Ready set, and Reconciling/Stalled set when True or removed when not. */
function conditionsOf(
  previous: readonly Condition[] | undefined,
  generation: number,
  now: Date,
  ready: Omit<ConditionUpdate, "type">,
  abnormal: Abnormal,
): Condition[] {
  let conditions = setCondition(
    previous ?? [],
    { type: CONDITION.Ready, ...ready, observedGeneration: generation },
    now,
  );
  for (const [type, update] of [
    [CONDITION.Reconciling, abnormal.reconciling],
    [CONDITION.Stalled, abnormal.stalled],
  ] as const) {
    conditions = update
      ? setCondition(conditions, { type, status: "True", ...update, observedGeneration: generation }, now)
      : removeCondition(conditions, type);
  }
  return conditions;
}

/** A sentence for Ready after a sweep: how it ended, with the sweep's own account of its counts. */
function sweepMessage(summary: SweepSummary): string {
  const c = summary.counts;
  const detail =
    summary.message ??
    `${c.matched} matched, ${c.acted} acted on, ${c.skipped} needed no change, ${c.failed} failed.`;
  switch (summary.result) {
    case "Succeeded":
      return `The last sweep succeeded: ${detail}`;
    case "Previewed":
      return `The last sweep was a dry run (spec.mode DryRun); set spec.mode to Enforce to act. ${detail}`;
    case "PartiallyFailed":
      return `The last sweep partly failed: ${detail}`;
    case "Failed":
      return `The last sweep failed: ${detail}`;
    case "LimitReached":
      return `The last sweep stopped at spec.limits.maxItemsPerSweep; the next sweep goes on with the rest: ${detail}`;
    case "AwaitingApproval":
      return `The last sweep waits for approval and changed nothing: ${detail}`;
    case "Cancelled":
      return `The last sweep was cancelled: ${detail}`;
  }
}

/** The AwaitingApproval condition's message: what to approve and how. */
export function approvalMessage(preview: Preview | undefined, approvalAbove: number | undefined): string {
  if (!preview)
    return "The sweep needs approval: see status.preview, then set the annotation hush.dev/approve.";
  const above = approvalAbove === undefined ? "" : `, more than spec.limits.approvalAbove (${approvalAbove})`;
  return `${preview.count} items match${above}. Check status.preview, then approve with the annotation hush.dev/approve: ${preview.id}`;
}

/**
 * How the last sweep reads in the conditions: Ready, and Reconciling or Stalled when the policy is
 * not where it should be (kstatus reads those, not Ready):
 * - Succeeded, Previewed, LimitReached: Ready, nothing else (a backlog worked through sweep by
 *   sweep is the policy working as configured).
 * - Failed: the sweep could not run (Zendesk unreachable, the search refused, an unexpected
 *   error), which is mostly passing; Hush retries it after 1 minute, doubling up to an hour
 *   (policy-plan.ts retryDelayMs): Reconciling RetryScheduled, saying when.
 * - Cancelled: a shutdown, a lost leadership, a changed or suspended spec or a deleted account
 *   stopped it. Each of those is followed by another state (the sweep resumed at once by the next
 *   leader or hush run, a sweep of the new spec, Suspended, AccountNotFound), so Cancelled is work
 *   in between, never an end: Reconciling Cancelled. It stays while no operator (or hush run)
 *   runs, and, where a sweep was cancelled before it left anything to resume, until the next one.
 * - PartiallyFailed: the sweep ran, and some items failed after the client's own retries (Zendesk
 *   refused the change, say). Hush does not retry them before the next scheduled sweep (never for
 *   a policy without a schedule), and the same cause usually fails them again, so personal data
 *   stays until a person looks: Stalled PartiallyFailed. The next sweep that fails on nothing
 *   clears it.
 * - AwaitingApproval: nothing happens until a person approves the preview: Stalled
 *   AwaitingApproval, with the approval's message.
 */
function sweepVerdict(
  last: SweepSummary,
  nextSweepTime: Date | undefined,
  approval: string,
): { ready: Omit<ConditionUpdate, "type">; abnormal: Abnormal } {
  const result = last.result;
  const ready = {
    status: READY_RESULTS.has(result) ? "True" : "False",
    reason: REASON[result],
    message: sweepMessage(last),
  } as const;
  const next = nextSweepTime ? isoSeconds(nextSweepTime) : undefined;
  switch (result) {
    case "Succeeded":
    case "Previewed":
    case "LimitReached":
      return { ready, abnormal: {} };
    case "Failed":
      return {
        ready,
        abnormal: {
          reconciling: {
            reason: REASON.RetryScheduled,
            message: next
              ? `The last sweep failed; Hush tries again at ${next}.`
              : "The last sweep failed; Hush tries again after 1 minute, doubling up to an hour while sweeps keep failing.",
          },
        },
      };
    case "Cancelled":
      return {
        ready,
        abnormal: {
          reconciling: {
            reason: REASON.Cancelled,
            message: `The last sweep was cancelled before it finished; Hush takes its work up again when it next runs the policy (at once after a restart or a new leader${next ? `, else at ${next}` : ""}).`,
          },
        },
      };
    case "PartiallyFailed":
      return {
        ready,
        abnormal: {
          stalled: {
            reason: REASON.PartiallyFailed,
            message: `The last sweep failed on ${last.counts.failed} items and left them unchanged (status.lastSweep.message names the kinds of failure); fix the cause: ${next ? `the next sweep, at ${next}, tries them again` : "nothing tries them again until a sweep is requested with the annotation hush.dev/requested-at"}.`,
          },
        },
      };
    case "AwaitingApproval":
      return { ready, abnormal: { stalled: { reason: REASON.AwaitingApproval, message: approval } } };
  }
}

/**
 * The policy's status once a sweep ended: lastSweep, totals, preview, nextSweepTime and the
 * conditions (sweepVerdict). Ready is True only after a sweep that Succeeded, Previewed or stopped
 * at its per-sweep limit (LimitReached); AwaitingApproval is True, naming the preview id to
 * approve, while a sweep waits for approval. lastHandledRequestedAt is kept.
 */
export function policyStatusAfterSweep(
  prev: RedactionPolicyStatus | undefined,
  report: SweepResultForStatus,
  generation: number,
  now: Date,
  nextSweepTime?: Date,
  approvalAbove?: number,
): RedactionPolicyStatus {
  const { summary } = report;
  const result = summary.result;
  const approval = approvalMessage(report.preview, approvalAbove);
  const verdict = sweepVerdict(summary, nextSweepTime, approval);
  let conditions = conditionsOf(prev?.conditions, generation, now, verdict.ready, verdict.abnormal);
  conditions =
    result === "AwaitingApproval"
      ? setCondition(
          conditions,
          {
            type: CONDITION.AwaitingApproval,
            status: "True",
            reason: REASON.ApprovalRequired,
            message: approval,
            observedGeneration: generation,
          },
          now,
        )
      : removeCondition(conditions, CONDITION.AwaitingApproval);
  const totals = prev?.totals ?? { sweeps: 0, acted: 0, failed: 0 };
  // A preview describes what a sweep would do; once a sweep acted, it no longer does.
  const acted = result === "Succeeded" || result === "PartiallyFailed" || result === "LimitReached";
  const preview = report.preview ?? (acted ? undefined : prev?.preview);
  return compact({
    observedGeneration: generation,
    conditions,
    lastSweep: summary,
    currentSweep: undefined,
    nextSweepTime: nextSweepTime ? isoSeconds(nextSweepTime) : undefined,
    totals: {
      sweeps: totals.sweeps + 1,
      acted: totals.acted + summary.counts.acted,
      failed: totals.failed + summary.counts.failed,
    },
    preview,
    lastHandledRequestedAt: prev?.lastHandledRequestedAt,
  });
}

/** The policy's status while a sweep runs: currentSweep progress, Reconciling True, Ready Unknown. */
export function policyStatusSweeping(
  prev: RedactionPolicyStatus | undefined,
  progress: CurrentSweep,
  generation: number,
  now: Date,
): RedactionPolicyStatus {
  const conditions = conditionsOf(
    prev?.conditions,
    generation,
    now,
    { status: "Unknown", reason: REASON.Sweeping, message: "A sweep is running." },
    {
      reconciling: {
        reason: REASON.Sweeping,
        message: `Sweep ${progress.sweepId} is running: ${progress.processed} of ${progress.matched} items handled.`,
      },
    },
  );
  return compact({ ...prev, observedGeneration: generation, conditions, currentSweep: progress });
}

/**
 * The policy's status while it waits for its next sweep: keeps what the last sweep of this
 * generation left, and records when the next one is due. Before any sweep of the generation,
 * Ready is False with reason NotSwept.
 */
export function policyStatusScheduled(
  prev: RedactionPolicyStatus | undefined,
  generation: number,
  now: Date,
  nextSweepTime: Date | undefined,
): RedactionPolicyStatus {
  const last = prev?.lastSweep;
  const stale = prev?.observedGeneration !== undefined && prev.observedGeneration !== generation;
  let verdict: { ready: Omit<ConditionUpdate, "type">; abnormal: Abnormal };
  if (!last || stale) {
    const when = nextSweepTime
      ? `the first sweep is due at ${isoSeconds(nextSweepTime)}`
      : "the policy has no spec.schedule, so it sweeps only when asked";
    // Not Reconciling: nothing is under way, and a policy whose first sweep is a day away is not
    // "in progress" for a day (kstatus would hold a Flux or Argo CD sync that long).
    verdict = {
      ready: {
        status: "False",
        reason: REASON.NotSwept,
        message: `No sweep of this generation of the policy has run yet; ${when}.`,
      },
      abnormal: {},
    };
  } else {
    const approval =
      findCondition(prev?.conditions, CONDITION.AwaitingApproval)?.message ??
      approvalMessage(prev?.preview, undefined);
    verdict = sweepVerdict(last, nextSweepTime, approval);
  }
  const conditions = conditionsOf(prev?.conditions, generation, now, verdict.ready, verdict.abnormal);
  const waiting = !stale && last?.result === "AwaitingApproval";
  return compact({
    ...prev,
    observedGeneration: generation,
    conditions: waiting ? conditions : removeCondition(conditions, CONDITION.AwaitingApproval),
    currentSweep: undefined,
    nextSweepTime: nextSweepTime ? isoSeconds(nextSweepTime) : undefined,
  });
}

/** The policy's status when it cannot sweep until someone fixes something. */
export function policyStatusStalled(
  prev: RedactionPolicyStatus | undefined,
  reason: StalledReason,
  message: string,
  generation: number,
  now: Date,
): RedactionPolicyStatus {
  const conditions = conditionsOf(
    prev?.conditions,
    generation,
    now,
    { status: "False", reason, message },
    {
      stalled: { reason, message },
    },
  );
  return compact({
    ...prev,
    observedGeneration: generation,
    conditions,
    currentSweep: undefined,
    nextSweepTime: undefined,
  });
}

/**
 * The policy's status while its account is unusable for a reason that fixes itself (Zendesk
 * unreachable or rate limited): not Ready, Reconciling (Hush retries), not Stalled.
 */
export function policyStatusWaitingForAccount(
  prev: RedactionPolicyStatus | undefined,
  message: string,
  generation: number,
  now: Date,
  retryTime: Date | undefined,
): RedactionPolicyStatus {
  const conditions = conditionsOf(
    prev?.conditions,
    generation,
    now,
    { status: "False", reason: REASON.AccountNotReady, message },
    {
      reconciling: {
        reason: REASON.AccountNotReady,
        message: retryTime
          ? `Waiting for the account; it is checked again at ${isoSeconds(retryTime)}.`
          : "Waiting for the account.",
      },
    },
  );
  return compact({
    ...prev,
    observedGeneration: generation,
    conditions,
    currentSweep: undefined,
    nextSweepTime: retryTime ? isoSeconds(retryTime) : undefined,
  });
}

/** The policy's status while spec.suspend is true: no sweep is scheduled. */
export function policyStatusSuspended(
  prev: RedactionPolicyStatus | undefined,
  generation: number,
  now: Date,
): RedactionPolicyStatus {
  const message = "The policy is suspended (spec.suspend: true); set it to false to resume its sweeps.";
  const conditions = conditionsOf(
    prev?.conditions,
    generation,
    now,
    { status: "False", reason: REASON.Suspended, message },
    {},
  );
  return compact({
    ...prev,
    observedGeneration: generation,
    conditions,
    currentSweep: undefined,
    nextSweepTime: undefined,
  });
}

/** What an account check found: usable, or why not. Reasons come from checkCredentials and the loop. */
export type AccountCheck =
  | { ok: true; rateLimit?: ZendeskAccountStatus["rateLimit"] }
  | {
      ok: false;
      reason:
        | "InvalidCredentials"
        | "Forbidden"
        | "Unreachable"
        | "RateLimited"
        | "SecretNotFound"
        | "SecretKeyMissing"
        | "InvalidSpec";
      message: string;
    };

/** Failures a person must fix; the others (Unreachable, RateLimited) fix themselves and are retried. */
export const PERMANENT_ACCOUNT_FAILURES: ReadonlySet<string> = new Set([
  "InvalidCredentials",
  "Forbidden",
  "SecretNotFound",
  "SecretKeyMissing",
  "InvalidSpec",
]);

/** The account's status after a credentials check (GET /api/v2/users/me) or a failure to make one. */
export function accountStatusAfterCheck(
  prev: ZendeskAccountStatus | undefined,
  check: AccountCheck,
  generation: number,
  now: Date,
): ZendeskAccountStatus {
  const conditions = check.ok
    ? conditionsOf(
        prev?.conditions,
        generation,
        now,
        {
          status: "True",
          reason: REASON.Authenticated,
          message: "Hush authenticated with the account's credentials.",
        },
        {},
      )
    : conditionsOf(
        prev?.conditions,
        generation,
        now,
        { status: "False", reason: check.reason, message: check.message },
        PERMANENT_ACCOUNT_FAILURES.has(check.reason)
          ? { stalled: { reason: check.reason, message: check.message } }
          : { reconciling: { reason: check.reason, message: "Hush checks the account again shortly." } },
      );
  return compact({
    ...prev,
    observedGeneration: generation,
    conditions,
    rateLimit: check.ok ? (check.rateLimit ?? prev?.rateLimit) : prev?.rateLimit,
    lastCheckedTime: isoSeconds(now),
  });
}

/** The rate limit an account's budget works within, for the account's status. */
export function rateLimitStatusOf(budget: Pick<RateBudget, "snapshot">): ZendeskAccountStatus["rateLimit"] {
  const snapshot = budget.snapshot();
  const source = { configured: "Configured", learnt: "Learnt", assumed: "Assumed" } as const;
  return {
    requestsPerMinute: Math.round(snapshot.limit),
    source: source[snapshot.limitSource],
    allowedPerMinute: Math.round(snapshot.allowedPerMinute),
  };
}

/** Drops undefined fields, so that YAML and JSON renderings carry no empty keys. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
