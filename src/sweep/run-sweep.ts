import { randomBytes } from "node:crypto";
import type { CurrentSweep, Preview, RedactionPolicy } from "../api/redaction-policy.js";
import type { ZendeskAccount } from "../api/zendesk-account.js";
import type { Clock } from "../zendesk/clock.js";
import { ZendeskError } from "../zendesk/errors.js";
import { searchCount } from "../zendesk/search.js";
import { act, withFirst } from "./act.js";
import { type ApprovalSubject, checkApproval, previewId } from "./approval.js";
import type { AccountConnection } from "./connect.js";
import type { AuditSink, SweepIdentity, SweepObserver } from "./evidence.js";
import { execute } from "./execute.js";
import { matchingIds } from "./matches.js";
import type { ItemOutcome } from "./outcome.js";
import { PolicySpecProblem } from "./policy-spec.js";
import { makePreview } from "./preview.js";
import { ProgressReporter } from "./progress.js";
import { QueryProblem } from "./query.js";
import {
  CredentialsRefused,
  doneItem,
  type Evidence,
  EvidenceUnwritable,
  errorCode,
  isKnownStop,
  journal,
  recordItem,
} from "./record-item.js";
import { recoveredOutcome, settleEarlierRun, settleOwed } from "./recover.js";
import { ClosedTicketUpdates } from "./redact-ticket.js";
import { planSweep, type SweepPlan } from "./sweep-plan.js";
import { counted, duration, SweepEnding, type SweepReport } from "./sweep-report.js";
import {
  addToTally,
  copyTally,
  emptyTally,
  type SweepCheckpoint,
  type SweepStateStore,
  type SweepTally,
  tallySince,
  type UnfinishedSweep,
} from "./sweep-state.js";

export type { SweepReport } from "./sweep-report.js";

// One sweep of a policy: count the matches, stop for approval above the ceiling, preview in a dry
// run, otherwise stream the matches through bounded workers that act on each item within the
// account's budget, write its audit record, and journal it as done, in that order. A run that
// stops early (crash, cancellation, per-sweep limit) leaves the sweep's state behind, and the next
// run of the same plan continues it without a request for anything already handled, settling first
// what the last run left unrecorded (recover.ts).

export interface SweepRequest {
  account: ZendeskAccount;
  policy: RedactionPolicy;
  connection: AccountConnection;
  /** Per policy; file-backed for the CLI (fileSweepState). */
  state: SweepStateStore;
  audit: AuditSink;
  observer?: SweepObserver;
  /** About once a second of the clock while items are handled, and once at the end. */
  onProgress?: (progress: CurrentSweep) => void;
  /** Previews even when the policy says Enforce; a policy in DryRun mode always previews. */
  dryRun?: boolean;
  /** A preview id the user approved (hush.dev/approve). */
  approval?: string;
  signal?: AbortSignal;
  /** Aborts items in flight at once, without the cancellation's grace (execute.ts); abort `signal` too. */
  stopNow?: AbortSignal;
  /** Default: the client's clock. */
  clock?: Clock;
  /** Default spec.concurrency. */
  concurrency?: number;
  /** Matches above which the incremental export may be streamed instead of search export (200,000). */
  incrementalAbove?: number;
}

export async function runSweep(request: SweepRequest): Promise<SweepReport> {
  const { policy, connection, signal } = request;
  const client = connection.client;
  const clock = request.clock ?? client.clock;
  const startedAt = clock.now();
  const generation = policy.metadata.generation ?? 1;
  const uid = policy.metadata.uid;
  const identity: SweepIdentity = {
    sweepId: newSweepId(new Date(startedAt)),
    account: {
      namespace: request.account.metadata.namespace ?? "default",
      name: request.account.metadata.name,
    },
    policy: {
      namespace: policy.metadata.namespace ?? "default",
      name: policy.metadata.name,
      generation,
      ...(uid ? { uid } : {}),
    },
  };
  const ending = new SweepEnding(
    identity,
    policy.spec.target,
    new Date(startedAt),
    clock,
    request.observer,
    signal,
  );
  if (policy.spec.suspend) {
    return ending.early(
      "Cancelled",
      "The policy is suspended (spec.suspend: true); nothing was done. Set it to false to sweep.",
    );
  }

  let plan: SweepPlan;
  try {
    plan = planSweep(policy.spec, {
      ...(connection.region ? { region: connection.region } : {}),
      ...(connection.pseudonymKey ? { pseudonymKey: connection.pseudonymKey } : {}),
    });
  } catch (error) {
    if (!(error instanceof PolicySpecProblem || error instanceof QueryProblem)) throw error;
    return ending.early("Failed", `The policy cannot be swept: ${error.message}.`);
  }

  let matched: number;
  try {
    matched = await searchCount(client, plan.query.search, signal);
  } catch (error) {
    if (signal?.aborted) return ending.early("Cancelled", "The sweep was cancelled before it started.");
    if (!(error instanceof ZendeskError)) throw error;
    return ending.early("Failed", `Counting the matches failed: ${error.message}.`);
  }
  const noun = plan.target;
  const subject: ApprovalSubject = { ...identity.policy, planKey: plan.planKey };
  const preview = (): Promise<Preview> =>
    makePreview({
      client,
      plan,
      id: previewId(subject, matched),
      generation,
      count: matched,
      time: new Date(clock.now()),
      ...(signal ? { signal } : {}),
    });

  if (request.dryRun === true || policy.spec.mode === "DryRun") {
    ending.started(matched);
    return ending.withPreview(preview, (p) => ({
      result: "Previewed",
      message: `Dry run, nothing was changed: ${counted(matched, noun)} ${matched === 1 ? "matches" : "match"}; a sweep would make about ${counted(p.estimatedRequests, "API requests")}, taking about ${duration(p.estimatedDurationSeconds)} within Hush's share of the rate limit. Preview ${p.id}.`,
    }));
  }

  const { state } = request;
  let unfinished: UnfinishedSweep | undefined;
  try {
    unfinished = await state.load();
  } catch (error) {
    ending.started(matched);
    return ending.early(
      "Failed",
      `The sweep's saved state could not be read (${errorCode(error)}); fix or remove the policy's state directory, and the next sweep starts afresh.`,
    );
  }
  const same =
    unfinished?.checkpoint.policy.generation === generation &&
    (unfinished.checkpoint.policy.uid ?? "") === (uid ?? "") &&
    unfinished.checkpoint.planKey === plan.planKey;
  const previous = same ? unfinished : undefined;
  // Observers hear of the sweep under the id it goes on with.
  if (previous) identity.sweepId = previous.checkpoint.sweepId;
  ending.started(matched);

  // A sweep released before (under the ceiling, or approved) goes on while no more items match.
  const ceiling = policy.spec.limits.approvalAbove;
  const released = previous !== undefined && matched <= previous.checkpoint.released;
  if (!released && ceiling !== undefined && matched > ceiling) {
    const approval = checkApproval(request.approval, subject, matched);
    if (!approval.valid) {
      return ending.withPreview(preview, (p) => ({
        result: "AwaitingApproval",
        message: `${counted(matched, noun)} ${matched === 1 ? "matches" : "match"}, more than spec.limits.approvalAbove (${ceiling}), so nothing was changed: ${approval.reason}. A sweep of them would make about ${counted(p.estimatedRequests, "API requests")}.`,
      }));
    }
  }

  const checkpoint: SweepCheckpoint = previous
    ? { ...previous.checkpoint, released: Math.max(previous.checkpoint.released, matched) }
    : {
        sweepId: identity.sweepId,
        startTime: new Date(startedAt).toISOString(),
        policy: { generation, ...(uid ? { uid } : {}) },
        planKey: plan.planKey,
        released: matched,
        reported: emptyTally(),
      };
  const evidence: Evidence = { audit: request.audit, state, identity, action: plan.action };
  try {
    // Another plan discards the unfinished sweep, but not the records it owes for changes made.
    if (unfinished && !previous) await settleOwed(evidence, unfinished);
  } catch (error) {
    if (!(error instanceof EvidenceUnwritable)) throw error;
    return ending.early(
      "Failed",
      `An earlier sweep's audit records could not be written (${error.message}); nothing was changed. Fix the audit stream and sweep again.`,
    );
  }
  try {
    if (previous) await state.update(checkpoint);
    else await state.begin(checkpoint);
  } catch (error) {
    return ending.early(
      "Failed",
      `The sweep's state could not be written (${errorCode(error)}); nothing was changed.`,
    );
  }
  ending.resumed = previous !== undefined;

  const limit = policy.spec.limits.maxItemsPerSweep;
  const tally = previous ? copyTally(previous.tally) : emptyTally();
  const seen = previous ? previous.done : new Set<number>();
  /** Ends the run: state for the next one, and the report. */
  const end = async (how: { ended: "exhausted" | "limit" | "cancelled" } | { failed: unknown }) => {
    if ("ended" in how && how.ended === "exhausted") await state.finish().catch(() => undefined);
    else await state.update({ ...checkpoint, reported: copyTally(tally) }).catch(() => undefined);
    return ending.ran(how, tallySince(tally, checkpoint.reported), limit);
  };
  /** Items an earlier run left in flight, redone first; their records say `recovered`. */
  let recovering = new Set<number>();
  if (previous) {
    try {
      recovering = new Set(await settleEarlierRun(evidence, previous, tally, seen));
    } catch (error) {
      if (!(error instanceof EvidenceUnwritable)) throw error;
      return end({ failed: error });
    }
  }

  const progress = new Progress(request.onProgress, clock, tally, checkpoint.reported, {
    sweepId: identity.sweepId,
    startTime: new Date(startedAt),
    matched,
    target: Math.min(matched, limit),
  });
  const durations = new WeakMap<ItemOutcome, number>();
  const ctx = {
    client,
    closedTicketUpdates: new ClosedTicketUpdates(),
    replaceJournal: state.replaceJournal,
    exemptTags: plan.exemptTags,
  };
  const result = await execute({
    source: (stop) =>
      withFirst(
        [...recovering],
        matchingIds(client, plan.query, {
          count: matched,
          now: clock.now(),
          signal: stop,
          ...(request.incrementalAbove === undefined ? {} : { incrementalAbove: request.incrementalAbove }),
        }),
      ),
    seen,
    limit,
    concurrency: request.concurrency ?? policy.spec.concurrency,
    batchSize: plan.batchSize,
    ...(signal ? { signal } : {}),
    ...(request.stopNow ? { stopNow: request.stopNow } : {}),
    clock,
    claim: (ids) => journal(() => state.markTaken(ids)),
    act: async (ids, stop) => {
      const before = clock.now();
      const outcomes = await act(plan, { ...ctx, signal: stop }, ids);
      // A bulk request's time is shared by its items.
      const each = (clock.now() - before) / Math.max(1, outcomes.length);
      for (const outcome of outcomes) durations.set(outcome, each);
      return outcomes;
    },
    record: async (outcomes) => {
      const time = new Date(clock.now());
      for (const handled of outcomes) {
        const recovered = recovering.has(handled.item.id);
        const outcome = recovered ? recoveredOutcome(handled) : handled;
        await recordItem(evidence, outcome, time, recovered);
        addToTally(tally, doneItem(outcome));
        progress.handled += 1;
        request.observer?.itemDone?.(identity, outcome, durations.get(handled) ?? 0);
        if (outcome.result === "failed" && outcome.error.kind === "Authentication")
          throw new CredentialsRefused();
      }
      progress.report();
    },
  });
  progress.report(true);
  if (result.ended === "failed") {
    // A bug, or the process "dying" in a test: the state stays as a crash would leave it.
    if (!isKnownStop(result.error)) throw result.error;
    return end({ failed: result.error });
  }
  return end({ ended: result.ended });
}

/** Progress in the status' shape: counts since the sweep last reported, rate from this run. */
class Progress {
  handled = 0;
  private readonly reporter: ProgressReporter;

  constructor(
    onProgress: SweepRequest["onProgress"],
    clock: Clock,
    private readonly tally: SweepTally,
    private readonly reported: SweepTally,
    sweep: ConstructorParameters<typeof ProgressReporter>[2],
  ) {
    this.reporter = new ProgressReporter(onProgress, clock, sweep);
    this.report();
  }

  report(final = false): void {
    const counts = tallySince(this.tally, this.reported);
    const processed = counts.acted + counts.skipped + counts.failed;
    this.reporter.report(
      { processed, acted: counts.acted, failed: counts.failed, processedByRun: this.handled },
      final,
    );
  }
}

/** Sortable and unique: the start time to the second, and 32 random bits. */
function newSweepId(start: Date): string {
  const stamp = start
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
  return `${stamp}-${randomBytes(4).toString("hex")}`;
}
