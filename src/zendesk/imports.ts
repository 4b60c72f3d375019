import type { ZendeskClient } from "./client.js";
import type { ItemResult } from "./job-results.js";
import { type JobOptions, runChunkedJobs } from "./jobs.js";
import { requestRecord, signalOf, ticketSchema } from "./parse.js";
import type { Ticket, TicketImport } from "./types.js";

// The Ticket Import API (ZENDESK_API.md 5.4), admins only. An import creates a ticket every time it
// is sent, so neither call is repeated after a 5xx or a lost connection (only after a 429, which
// Zendesk did not process): the caller looks for the copy by its external_id before importing again.

export interface ImportOptions {
  /** Closed imports skip the lifecycle and go straight to the archive (5.4). */
  archiveImmediately?: boolean;
  signal?: AbortSignal;
}

const archiveQuery = (options: ImportOptions) =>
  options.archiveImmediately ? { archive_immediately: true } : undefined;

/** POST /api/v2/imports/tickets → the created ticket. */
export function importTicket(
  client: ZendeskClient,
  ticket: TicketImport,
  options: ImportOptions = {},
): Promise<Ticket> {
  return requestRecord<Ticket>(
    client,
    {
      method: "POST",
      path: "/api/v2/imports/tickets",
      route: "/api/v2/imports/tickets",
      query: archiveQuery(options),
      body: { ticket },
      idempotent: false,
      ...signalOf(options.signal),
    },
    "ticket",
    ticketSchema,
  );
}

/**
 * POST /api/v2/imports/tickets/create_many as jobs of at most 100 tickets. Each result carries the
 * created ticket's id, matched to the ticket given at the same position.
 */
export function importTickets(
  client: ZendeskClient,
  tickets: readonly TicketImport[],
  options: ImportOptions & JobOptions = {},
): Promise<ItemResult[]> {
  return runChunkedJobs(
    client,
    tickets,
    {
      keyOf: () => undefined,
      by: "index",
      request: (chunk) => ({
        method: "POST",
        path: "/api/v2/imports/tickets/create_many",
        route: "/api/v2/imports/tickets/create_many",
        query: archiveQuery(options),
        body: { tickets: chunk },
        idempotent: false,
      }),
    },
    options,
  );
}
