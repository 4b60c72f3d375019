import { z } from "zod";
import type { ZendeskClient } from "./client.js";
import type { ItemResult } from "./job-results.js";
import { type JobOptions, runChunkedJobs, runDestroyManyJobs } from "./jobs.js";
import { cursorPaginate } from "./paginate.js";
import { signalOf } from "./parse.js";

// Soft-deleted tickets and their permanent deletion (ZENDESK_API.md 5.9). Permanent deletion is a
// job whose result is one all-or-nothing `{success}` flag (7): when it is false Zendesk does not
// say which tickets failed, so every ticket of that job is reported as failed; listing the deleted
// tickets again tells which are still there.

export interface DeletedTicket {
  id: number;
  subject?: string;
  deleted_at: string;
  previous_state?: string;
  actor?: { id: number; name?: string };
  [extra: string]: unknown;
}

const deletedTicketSchema = z.looseObject({ id: z.number().int(), deleted_at: z.string() });

/**
 * GET /api/v2/deleted_tickets: soft-deleted tickets that are neither archived nor scrubbed yet,
 * oldest id first (5.9). Zendesk allows 10 of these requests a minute.
 */
export function listDeletedTickets(
  client: ZendeskClient,
  options: { pageSize?: number; signal?: AbortSignal } = {},
): AsyncGenerator<DeletedTicket, void, undefined> {
  return cursorPaginate<DeletedTicket>(client, {
    path: "/api/v2/deleted_tickets",
    route: "/api/v2/deleted_tickets",
    key: "deleted_tickets",
    item: deletedTicketSchema,
    buckets: [{ bucket: "deleted-tickets-index" }],
    ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
    ...signalOf(options.signal),
  });
}

/**
 * DELETE /api/v2/deleted_tickets/{id}: permanently deletes one soft-deleted ticket through a job.
 * A ticket that is not soft-deleted (live, or already gone) is a NotFoundError.
 */
export async function destroyDeletedTicket(
  client: ZendeskClient,
  id: number,
  options: JobOptions = {},
): Promise<ItemResult> {
  const [result] = await runChunkedJobs(
    client,
    [id],
    {
      keyOf: (ticketId) => ticketId,
      by: "all",
      request: () => ({
        method: "DELETE",
        path: `/api/v2/deleted_tickets/${id}`,
        route: "/api/v2/deleted_tickets/{id}",
        buckets: [{ bucket: "deleted-tickets-destroy" }],
        // A repeat finds nothing to delete and answers 404.
        idempotent: false,
      }),
    },
    options,
  );
  return result as ItemResult;
}

/** DELETE /api/v2/deleted_tickets/destroy_many as jobs of at most 100 soft-deleted tickets. */
export function destroyManyDeletedTickets(
  client: ZendeskClient,
  ids: readonly number[],
  options: JobOptions = {},
): Promise<ItemResult[]> {
  // The job reports one all-or-nothing `{success}` rather than a result per ticket (7).
  return runDestroyManyJobs(
    client,
    "/api/v2/deleted_tickets/destroy_many",
    ids,
    { by: "all", buckets: () => [{ bucket: "deleted-tickets-destroy-many" }] },
    options,
  );
}
