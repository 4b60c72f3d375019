import type { ZendeskClient } from "../zendesk/client.js";
import type { JobOptions } from "../zendesk/jobs.js";
import type { ClosedTicketUpdates } from "./redact-ticket.js";
import type { ReplaceJournal } from "./replace-journal.js";

/**
 * What every step of a sweep needs: the account's client (with its shared rate budget) and what
 * the sweep has learnt so far.
 */
export interface SweepContext {
  client: ZendeskClient;
  signal?: AbortSignal;
  /** Polling of Zendesk jobs (permanent ticket deletion). */
  jobs?: Omit<JobOptions, "signal">;
  /**
   * Shared by one sweep's items: whether the account lets Hush update closed tickets. Without it,
   * every closed ticket is tried.
   */
  closedTicketUpdates?: ClosedTicketUpdates;
  /**
   * Replace: where progress per original is written down, so that a restart finds a copy Zendesk
   * does not show yet (replace-journal.ts). Keep it durable across restarts; without it, a restart
   * within minutes of an import can import a second copy (removed again by a later run).
   */
  replaceJournal?: ReplaceJournal;
  /**
   * Tags that exempt a record from the sweep (a policy's exemptions, e.g. legal-hold). Checked on
   * the record as read just before acting, since search can show an older version (4.1).
   */
  exemptTags?: readonly string[];
}
