import type { ZendeskClient } from "../zendesk/client.js";
import type { JobOptions } from "../zendesk/jobs.js";
import type { ClosedTicketUpdates } from "./redact-ticket.js";

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
}
