// The public API of the sweep executor: one item (ticket or user) at a time, through the account's
// client, with an outcome that carries no personal data.
export { anonymizeUser } from "./anonymize-user.js";
// Sweeps of a policy (issue 4): connect to an account, run a sweep, keep its state.
export { type ApprovalCheck, type ApprovalSubject, checkApproval, previewId } from "./approval.js";
export { auditRecord } from "./audit-record.js";
export { type BulkDeleteOptions, deleteTickets, deleteUsers } from "./bulk-delete.js";
export {
  AccountConfigError,
  type AccountConnection,
  type AccountSecrets,
  type CredentialCheck,
  checkCredentials,
  connectAccount,
} from "./connect.js";
export type { SweepContext } from "./context.js";
export { type DeleteUserOptions, deleteUser } from "./delete-user.js";
export type {
  AuditAction,
  AuditRecord,
  AuditSink,
  SweepIdentity,
  SweepObserver,
} from "./evidence.js";
export { CANCEL_GRACE_MS } from "./execute.js";
export { isExempt } from "./exemption.js";
export { fileSweepState } from "./file-sweep-state.js";
export { type LocalMatcher, localMatcher } from "./local-query.js";
export { INCREMENTAL_ABOVE, type MatchSourceKind, matchingIds } from "./matches.js";
export type {
  Acted,
  ActionName,
  Actions,
  Failed,
  Failure,
  FailureKind,
  ItemOutcome,
  ItemRef,
  RefusalReason,
  Skipped,
  SkipReason,
  Step,
  Unchangeable,
} from "./outcome.js";
export { peopleOnTicket, readTicketPeople, type TicketPeople } from "./people.js";
export {
  type AccountSettings,
  PolicySpecProblem,
  ticketRedactionSpec,
  userAnonymizationSpec,
} from "./policy-spec.js";
export { makePreview } from "./preview.js";
export { PROGRESS_INTERVAL_MS } from "./progress.js";
export { type EffectiveQuery, effectiveQuery, QueryProblem } from "./query.js";
export { ClosedTicketUpdates, redactTicketInPlace } from "./redact-ticket.js";
export {
  memoryReplaceJournal,
  type ReplaceEntry,
  type ReplaceJournal,
  SEARCH_SETTLE_MS,
} from "./replace-journal.js";
export { isCopy, PermanentDeletionFailed, type ReplaceOptions, replaceTicket } from "./replace-ticket.js";
export { runSweep, type SweepReport, type SweepRequest } from "./run-sweep.js";
export { planSweep, type SweepAction, type SweepPlan } from "./sweep-plan.js";
export {
  type DoneItem,
  memorySweepState,
  type SweepCheckpoint,
  type SweepStateStore,
  type SweepTally,
  type UnfinishedSweep,
} from "./sweep-state.js";
export { redactTicket, type TicketOptions } from "./ticket.js";
export { residualCount } from "./verify.js";
export { runConcurrently } from "./workers.js";
