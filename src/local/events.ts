import type { ResourceProblem } from "../api/load.js";
import type { CurrentSweep, SweepResultKind } from "../api/redaction-policy.js";
import type { AccountCheck } from "../controller/status.js";
import type { SweepReport } from "../sweep/run-sweep.js";

// What hush run's loop tells its listeners (logs, the demo's progress lines), and how each
// policy's first sweep ended (`hush run --once` exits on these). Names, reasons and counts only,
// never anything read from Zendesk.

/** namespace and name of a resource. */
export interface ResourceRef {
  namespace: string;
  name: string;
}

export type LoopEvent =
  | { type: "loaded"; files: number; accounts: number; policies: number; problems: ResourceProblem[] }
  | { type: "accountChecked"; account: ResourceRef; check: AccountCheck }
  | { type: "policyWaiting"; policy: ResourceRef; nextSweepTime: Date | undefined; dueNow: boolean }
  | { type: "policyStalled"; policy: ResourceRef; reason: string; message: string }
  | { type: "sweepStarted"; policy: ResourceRef; account: ResourceRef; generation: number }
  | { type: "sweepProgress"; policy: ResourceRef; progress: CurrentSweep }
  | { type: "sweepEnded"; policy: ResourceRef; report: SweepReport; nextSweepTime: Date | undefined }
  | { type: "sweepCancelling"; policy: ResourceRef; reason: string }
  | { type: "error"; message: string };

export interface PolicyOutcome {
  /** namespace/name */
  policy: string;
  file: string;
  result?: SweepResultKind;
  /** Why the policy could not sweep (InvalidSpec, AccountNotFound, ...). */
  stalled?: { reason: string; message: string };
  suspended?: boolean;
  /** No schedule and nothing asked for a sweep. */
  idle?: boolean;
  report?: SweepReport;
}
