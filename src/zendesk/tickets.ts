import { z } from "zod";
import type { BucketUse } from "./budget.js";
import type { ZendeskClient } from "./client.js";
import { NotFoundError } from "./errors.js";
import type { ItemResult } from "./job-results.js";
import { type JobOptions, runChunkedJobs, runDestroyManyJobs } from "./jobs.js";
import { cursorPaginate } from "./paginate.js";
import { commentSchema, requestParsed, requestRecord, signalOf, ticketSchema } from "./parse.js";
import { showMany } from "./show-many.js";
import type { Comment, Ticket } from "./types.js";

// Tickets (ZENDESK_API.md 5): read, update, tags, soft delete, their bulk jobs, and comments.

const TICKET = "/api/v2/tickets/{id}";

/**
 * Every change of one ticket uses the account's ticket-update bucket and the 30-per-10-minutes
 * bucket of that ticket (ZENDESK_API.md 2.4); comment redactions count too (2.4, 6.2).
 */
export const ticketUpdateBuckets = (ticketId: number): BucketUse[] => [
  { bucket: "tickets-update" },
  { bucket: "ticket-updates-per-ticket", key: ticketId },
];

/** GET /api/v2/tickets/{id}; archived tickets are readable, soft-deleted ones are a NotFoundError (5.2). */
export function getTicket(client: ZendeskClient, id: number, signal?: AbortSignal): Promise<Ticket> {
  return requestRecord<Ticket>(
    client,
    { method: "GET", path: `/api/v2/tickets/${id}`, route: TICKET, ...signalOf(signal) },
    "ticket",
    ticketSchema,
  );
}

/**
 * GET /api/v2/tickets/show_many, 100 ids a call (5.2). Tickets that do not exist or are deleted are
 * left out; the order is Zendesk's, so callers look tickets up by id.
 */
export function showManyTickets(
  client: ZendeskClient,
  ids: readonly number[],
  signal?: AbortSignal,
): Promise<Ticket[]> {
  return showMany<Ticket>(
    client,
    { path: "/api/v2/tickets/show_many", key: "tickets", item: ticketSchema },
    ids,
    signal,
  );
}

/**
 * Live tickets whose external_id is exactly `externalId`, through the ticket list's filter (5.2):
 * unlike search it has no indexing lag. Archived tickets are not listed (5.8); look those up by id
 * or through search.
 */
export async function findTicketsByExternalId(
  client: ZendeskClient,
  externalId: string,
  signal?: AbortSignal,
): Promise<Ticket[]> {
  const found: Ticket[] = [];
  const tickets = cursorPaginate<Ticket>(client, {
    path: "/api/v2/tickets",
    route: "/api/v2/tickets",
    query: { external_id: externalId },
    key: "tickets",
    item: ticketSchema,
    ...signalOf(signal),
  });
  for await (const ticket of tickets) found.push(ticket);
  return found;
}

export interface TicketChanges {
  subject?: string;
  custom_fields?: { id: number; value: unknown }[];
  tags?: string[];
  additional_tags?: string[];
  remove_tags?: string[];
  [field: string]: unknown;
}

export interface UpdateOptions {
  /**
   * The `updated_at` the change was planned from: Zendesk then refuses the update with a
   * ConflictError if the ticket changed since (safe update, 5.5).
   */
  updatedStamp?: string;
  signal?: AbortSignal;
}

/**
 * PUT /api/v2/tickets/{id} (5.5). A closed ticket answers a ClosedTicketError (5.7). Without a
 * comment the update sets values and may be repeated; with one it would add the comment twice, so
 * it is retried only after a 429.
 */
export async function updateTicket(
  client: ZendeskClient,
  id: number,
  changes: TicketChanges,
  options: UpdateOptions = {},
): Promise<Ticket> {
  return requestRecord<Ticket>(
    client,
    {
      method: "PUT",
      path: `/api/v2/tickets/${id}`,
      route: TICKET,
      body: { ticket: { ...changes, ...safeUpdate(options.updatedStamp) } },
      buckets: ticketUpdateBuckets(id),
      idempotent: !("comment" in changes),
      ...signalOf(options.signal),
    },
    "ticket",
    ticketSchema,
  );
}

const safeUpdate = (updatedStamp: string | undefined) =>
  updatedStamp === undefined ? {} : { safe_update: true, updated_stamp: updatedStamp };

/** One ticket's change in a batch update_many. */
export interface TicketUpdate extends TicketChanges {
  id: number;
  /** Zendesk needs safe_update and updated_stamp together in a batch (5.6). */
  updated_stamp?: string;
}

/**
 * PUT /api/v2/tickets/update_many as jobs of at most 100 tickets (5.6): either the same `changes`
 * for every id, or one change per ticket. Each ticket's result says whether it was updated and why
 * not (e.g. ClosedTicket, NotFound), in the order given.
 */
export function updateManyTickets(
  client: ZendeskClient,
  update: { ids: readonly number[]; changes: TicketChanges } | { tickets: readonly TicketUpdate[] },
  options: JobOptions = {},
): Promise<ItemResult[]> {
  const common = {
    method: "PUT" as const,
    path: "/api/v2/tickets/update_many",
    route: "/api/v2/tickets/update_many",
    buckets: [{ bucket: "tickets-update" }] satisfies BucketUse[],
    // The same changes again are harmless; Zendesk safe-updates every job (5.6).
    idempotent: true,
  };
  if ("ids" in update) {
    return runChunkedJobs(
      client,
      [...new Set(update.ids)],
      {
        keyOf: (id) => id,
        by: "id",
        request: (ids) => ({ ...common, query: { ids: ids.join(",") }, body: { ticket: update.changes } }),
      },
      options,
    );
  }
  return runChunkedJobs(
    client,
    update.tickets,
    {
      keyOf: (ticket) => ticket.id,
      by: "id",
      request: (tickets) => ({
        ...common,
        body: {
          tickets: tickets.map((t) => (t.updated_stamp === undefined ? t : { ...t, safe_update: true })),
        },
      }),
    },
    options,
  );
}

const TAGS = "/api/v2/tickets/{id}/tags";
const tagsBody = z.looseObject({ tags: z.array(z.string()) });

async function changeTags(
  client: ZendeskClient,
  method: "POST" | "PUT" | "DELETE",
  id: number,
  tags: readonly string[],
  options: UpdateOptions,
): Promise<string[]> {
  const body = await requestParsed<{ tags: string[] }>(
    client,
    {
      method,
      path: `/api/v2/tickets/${id}/tags`,
      route: TAGS,
      body: { tags, ...safeUpdate(options.updatedStamp) },
      buckets: ticketUpdateBuckets(id),
      // Setting, adding or removing the same tags twice gives the same tags.
      idempotent: true,
      ...signalOf(options.signal),
    },
    tagsBody,
  );
  return body.tags;
}

/** POST /api/v2/tickets/{id}/tags: replaces the ticket's tags; returns them (Tags API, 5.5). */
export const setTicketTags = (
  client: ZendeskClient,
  id: number,
  tags: readonly string[],
  options: UpdateOptions = {},
) => changeTags(client, "POST", id, tags, options);

/** PUT /api/v2/tickets/{id}/tags: adds tags without racing other changes of the list (5.5). */
export const addTicketTags = (
  client: ZendeskClient,
  id: number,
  tags: readonly string[],
  options: UpdateOptions = {},
) => changeTags(client, "PUT", id, tags, options);

/** DELETE /api/v2/tickets/{id}/tags: removes tags. */
export const removeTicketTags = (
  client: ZendeskClient,
  id: number,
  tags: readonly string[],
  options: UpdateOptions = {},
) => changeTags(client, "DELETE", id, tags, options);

/**
 * DELETE /api/v2/tickets/{id}: soft delete (5.9). `notFound` when there is no such live ticket,
 * which is what a ticket deleted before (or by a retry of this call) looks like.
 */
export async function deleteTicket(
  client: ZendeskClient,
  id: number,
  signal?: AbortSignal,
): Promise<"deleted" | "notFound"> {
  try {
    await client.request({
      method: "DELETE",
      path: `/api/v2/tickets/${id}`,
      route: TICKET,
      buckets: [{ bucket: "tickets-destroy" }],
      ...signalOf(signal),
    });
    return "deleted";
  } catch (error) {
    if (error instanceof NotFoundError) return "notFound";
    throw error;
  }
}

/**
 * DELETE /api/v2/tickets/destroy_many as jobs of at most 100 ids (5.9). A retried submission would
 * report every ticket as missing, so it is retried only after a 429.
 */
export function destroyManyTickets(
  client: ZendeskClient,
  ids: readonly number[],
  options: JobOptions = {},
): Promise<ItemResult[]> {
  return runDestroyManyJobs(
    client,
    "/api/v2/tickets/destroy_many",
    ids,
    // The 400-a-minute limit counts tickets, not requests (2.4).
    { by: "id", buckets: (chunk) => [{ bucket: "tickets-destroy", cost: chunk.length }] },
    options,
  );
}

/**
 * A ticket's comments, oldest first, with inline images listed as attachments so they can be
 * redacted too (ZENDESK_API.md 6.1). Works for closed and archived tickets.
 */
export function listTicketComments(
  client: ZendeskClient,
  ticketId: number,
  options: { pageSize?: number; signal?: AbortSignal } = {},
): AsyncGenerator<Comment, void, undefined> {
  return cursorPaginate<Comment>(client, {
    path: `/api/v2/tickets/${ticketId}/comments`,
    route: "/api/v2/tickets/{id}/comments",
    query: { include_inline_images: true },
    key: "comments",
    item: commentSchema,
    ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
    ...signalOf(options.signal),
  });
}
