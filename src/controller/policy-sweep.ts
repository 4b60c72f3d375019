import type { CurrentSweep, RedactionPolicy, SweepResultKind } from "../api/redaction-policy.js";
import type { ZendeskAccount } from "../api/zendesk-account.js";
import type { AccountConnection } from "../sweep/connect.js";
import type { AuditSink, SweepObserver } from "../sweep/evidence.js";
import type { runSweep, SweepReport } from "../sweep/run-sweep.js";
import type { SweepStateStore } from "../sweep/sweep-state.js";
import type { Clock } from "../zendesk/clock.js";
import type { ObjectKey } from "./cluster.js";

// One sweep of a policy as hush run and the operator run it: the sweep engine with the generation
// the caller counts, and always a report, even when the engine throws (a bug, or a failure it does not
// know) or is cancelled before it reports, so that status and exit codes say what happened. A
// cancellation's report says why it was cancelled (shutdown, a changed or suspended policy).

export interface PolicySweep {
  runSweep: typeof runSweep;
  account: ZendeskAccount;
  accountRef: ObjectKey;
  policy: RedactionPolicy;
  generation: number;
  connection: AccountConnection;
  state: SweepStateStore;
  audit: AuditSink;
  observer?: SweepObserver;
  approval?: string;
  onProgress: (progress: CurrentSweep) => void;
  signal: AbortSignal;
  /** Aborts items in flight at once (a lost leader Lease); `signal` is aborted with it. */
  stopNow?: AbortSignal;
  clock: Clock;
}

/** Runs the sweep; `error` is set when the engine threw rather than reported. */
export async function sweepPolicy(sweep: PolicySweep): Promise<{ report: SweepReport; error?: Error }> {
  const policy: RedactionPolicy = {
    ...sweep.policy,
    metadata: { ...sweep.policy.metadata, generation: sweep.generation },
  };
  const start = new Date(sweep.clock.now());
  let report: SweepReport;
  let error: Error | undefined;
  try {
    report = await sweep.runSweep({
      account: sweep.account,
      policy,
      connection: sweep.connection,
      state: sweep.state,
      audit: sweep.audit,
      ...(sweep.observer ? { observer: sweep.observer } : {}),
      onProgress: sweep.onProgress,
      ...(sweep.approval ? { approval: sweep.approval } : {}),
      signal: sweep.signal,
      ...(sweep.stopNow ? { stopNow: sweep.stopNow } : {}),
      clock: sweep.clock,
    });
  } catch (thrown) {
    const end = new Date(sweep.clock.now());
    if (sweep.signal.aborted) {
      report = emptyReport(
        "Cancelled",
        policy,
        sweep.accountRef,
        start,
        end,
        "The sweep was cancelled before it reported.",
      );
    } else {
      error = thrown instanceof Error ? thrown : new Error(String(thrown));
      // The error's name and message are Hush's own and carry no Zendesk data.
      report = emptyReport(
        "Failed",
        policy,
        sweep.accountRef,
        start,
        end,
        `The sweep stopped on an unexpected error (${error.name}: ${error.message}); the next sweep continues where it stopped.`,
      );
    }
  }
  if (report.summary.result === "Cancelled" && sweep.signal.aborted) {
    const message = `${report.summary.message ?? ""} Cancelled because ${reasonOf(sweep.signal)}.`.trim();
    report = { ...report, summary: { ...report.summary, message: message.slice(0, 2000) } };
  }
  return error ? { report, error } : { report };
}

function reasonOf(signal: AbortSignal): string {
  const reason = signal.reason;
  return reason instanceof Error ? reason.message : String(reason ?? "cancelled");
}

/** A report of a sweep that did nothing (it could not start, or was cancelled before it reported). */
export function emptyReport(
  result: SweepResultKind,
  policy: RedactionPolicy,
  account: ObjectKey,
  start: Date,
  end: Date,
  message: string,
): SweepReport {
  const sweepId = `${start
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z")}-none`;
  return {
    identity: {
      sweepId,
      account,
      policy: {
        namespace: policy.metadata.namespace ?? "default",
        name: policy.metadata.name,
        generation: policy.metadata.generation ?? 1,
      },
    },
    summary: {
      sweepId,
      startTime: start.toISOString(),
      completionTime: end.toISOString(),
      result,
      counts: { matched: 0, acted: 0, skipped: 0, failed: 0, residual: 0 },
      message: message.slice(0, 2000),
    },
    failures: [],
    resumed: false,
  };
}
