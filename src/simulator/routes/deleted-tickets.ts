import { requireDeletePermission } from "../auth.js";
import { idList, numericParam } from "../body.js";
import { isoTime } from "../clock.js";
import type { DeletedTicket } from "../model.js";
import { listResponse } from "../pagination.js";
import { buckets } from "../ratelimit.js";
import { type Route, type RouteContext, route } from "../route.js";
import { archivedAtDeletion, restorable, restoreTicket } from "../tickets/delete.js";
import { jobStatusResponse } from "../tickets/job-response.js";
import { ordering, requestedOrder, type SortValue, sortBy } from "../tickets/order.js";
import { lifecycleScrub } from "../tickets/scrub.js";

// Deleted tickets (ZENDESK_API.md 5.9): the soft-deleted ones that are not scrubbed and were not
// archived when deleted; restore; permanent deletion ("scrub") through a job.

const SORT_VALUES: Record<string, (d: DeletedTicket) => SortValue> = {
  id: (d) => d.ticket.id,
  subject: (d) => d.ticket.subject.toLowerCase(),
  deleted_at: (d) => d.deleted_at,
};

function deletedJson(ctx: RouteContext, d: DeletedTicket): Record<string, unknown> {
  const actor = ctx.account.users.get(d.actor_id);
  return {
    id: d.ticket.id,
    subject: d.ticket.subject,
    description: ctx.account.comments(d.ticket)[0]?.body ?? "",
    deleted_at: isoTime(d.deleted_at),
    previous_state: d.previous_state,
    actor: { id: d.actor_id, name: actor?.name ?? "" },
  };
}

function listDeleted(ctx: RouteContext): Record<string, unknown> {
  const { account } = ctx;
  const listed = [...account.deletedTickets.values()].filter(
    (d) => d.scrubbed_at === null && !archivedAtDeletion(account, d),
  );
  const { field, descending } = requestedOrder(ctx.query, Object.keys(SORT_VALUES), "id");
  const keyOf = ordering(SORT_VALUES[field]!, (d: DeletedTicket) => d.ticket.id, descending);
  const sorted = sortBy(listed, keyOf);
  return listResponse(ctx, "deleted_tickets", sorted, keyOf, (d) => deletedJson(ctx, d));
}

/** Queues permanent deletion of soft-deleted tickets; the job result is one all-or-nothing flag (7). */
function scrubJob(ctx: RouteContext, jobType: string, ids: number[]) {
  const { account } = ctx;
  return jobStatusResponse(ctx, {
    jobType,
    total: ids.length,
    runItem: (index) => ({ id: ids[index]!, success: lifecycleScrub(account, ids[index]!) }),
    summarize: (results) => ({ success: results.every((r) => r["success"] === true) }),
  });
}

export const deletedTicketRoutes: Route[] = [
  route("GET", "/api/v2/deleted_tickets", listDeleted, () => [buckets.deletedTicketsIndex()]),

  route("PUT", "/api/v2/deleted_tickets/restore_many", (ctx) => {
    const ids = [...new Set(idList(ctx))];
    for (const id of ids) restorable(ctx.account, id);
    for (const id of ids) restoreTicket(ctx.account, id);
    ctx.status = 200;
    return undefined;
  }),

  route("PUT", "/api/v2/deleted_tickets/:id/restore", (ctx) => {
    restoreTicket(ctx.account, numericParam(ctx, "id"));
    ctx.status = 200;
    return undefined;
  }),

  route(
    "DELETE",
    "/api/v2/deleted_tickets/destroy_many",
    (ctx) => {
      requireDeletePermission(ctx.user);
      return scrubJob(ctx, "bulk_permanent_delete", [...new Set(idList(ctx))]);
    },
    () => [buckets.deletedTicketsDestroyMany()],
  ),

  route(
    "DELETE",
    "/api/v2/deleted_tickets/:id",
    (ctx) => {
      requireDeletePermission(ctx.user);
      // Only soft-deleted tickets can be deleted permanently (5.9).
      const { ticket } = restorable(ctx.account, numericParam(ctx, "id"));
      return scrubJob(ctx, "permanent_delete", [ticket.id]);
    },
    () => [buckets.deletedTicketsDestroy()],
  ),
];
