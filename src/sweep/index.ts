// The public API of the sweep executor: one item (ticket or user) at a time, through the account's
// client, with an outcome that carries no personal data.
export { anonymizeUser } from "./anonymize-user.js";
export type { SweepContext } from "./context.js";
export { type DeleteUserOptions, deleteUser } from "./delete-user.js";
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
export { ClosedTicketUpdates, redactTicketInPlace } from "./redact-ticket.js";
export {
  memoryReplaceJournal,
  type ReplaceEntry,
  type ReplaceJournal,
  SEARCH_SETTLE_MS,
} from "./replace-journal.js";
export { isCopy, PermanentDeletionFailed, type ReplaceOptions, replaceTicket } from "./replace-ticket.js";
export { redactTicket, type TicketOptions } from "./ticket.js";
export { residualCount } from "./verify.js";
export { runConcurrently } from "./workers.js";
