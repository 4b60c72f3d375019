import { requireDeletePermission } from "../auth.js";
import { dropReadOnlyKeys, idList, wrapped } from "../body.js";
import { notFound } from "../errors.js";
import { buckets } from "../ratelimit.js";
import { type Route, type RouteContext, route } from "../route.js";
import { READ_ONLY_TICKET_KEYS } from "./attributes.js";
import { createTicket } from "./create.js";
import { softDeleteTicket } from "./delete.js";
import { attempt, batch, jobStatusResponse } from "./job-response.js";
import { updateTicket } from "./update.js";

// Bulk ticket endpoints (ZENDESK_API.md 5.3, 5.6, 5.9): each queues a job that works item by
// item, so one bad ticket fails only its own entry in `results`.

interface UpdateItem {
  id: number | undefined;
  attrs: Record<string, unknown>;
}

function updateItems(ctx: RouteContext): UpdateItem[] {
  if (ctx.query["ids"] !== undefined) {
    // Bulk: the same change for every id.
    const attrs = dropReadOnlyKeys(ctx, "ticket", wrapped(ctx, "ticket"), READ_ONLY_TICKET_KEYS);
    // Repeated ids are one update: a second would conflict with the first (always safe-updated).
    return [...new Set(idList(ctx))].map((id) => ({ id, attrs }));
  }
  // Batch: a change per ticket, each naming its id.
  return batch(ctx).map(({ id, ...rest }) => {
    const n = Number(id);
    return {
      id: Number.isInteger(n) && n > 0 ? n : undefined,
      attrs: dropReadOnlyKeys(ctx, "tickets", rest, READ_ONLY_TICKET_KEYS),
    };
  });
}

export const bulkTicketRoutes: Route[] = [
  route(
    "PUT",
    "/api/v2/tickets/update_many",
    (ctx) => {
      const items = updateItems(ctx);
      const { account, user } = ctx;
      const enqueuedAt = ctx.now;
      return jobStatusResponse(ctx, {
        jobType: "bulk_update",
        total: items.length,
        runItem: (index) => {
          const { id, attrs } = items[index]!;
          return attempt(index, id, () => {
            const ticket = id === undefined ? undefined : account.tickets.get(id);
            if (!ticket) throw notFound();
            updateTicket(account, ticket, attrs, user, { notChangedSince: enqueuedAt });
            return { id, action: "update", success: true, status: "Updated" };
          });
        },
      });
    },
    (ctx) => [buckets.ticketsUpdate(ctx.account.settings)],
  ),

  route("POST", "/api/v2/tickets/create_many", (ctx) => {
    const items = batch(ctx).map((t) => dropReadOnlyKeys(ctx, "tickets", t, READ_ONLY_TICKET_KEYS));
    const { account, user } = ctx;
    return jobStatusResponse(ctx, {
      jobType: "bulk_create",
      total: items.length,
      runItem: (index) =>
        attempt(index, undefined, () => ({
          id: createTicket(account, items[index]!, user).ticket.id,
          index,
        })),
    });
  }),

  route("DELETE", "/api/v2/tickets/destroy_many", (ctx) => {
    requireDeletePermission(ctx.user);
    const ids = idList(ctx);
    const { account, user } = ctx;
    return jobStatusResponse(ctx, {
      jobType: "bulk_delete",
      total: ids.length,
      runItem: (index) => {
        const id = ids[index]!;
        return attempt(index, id, () => {
          const ticket = account.tickets.get(id);
          if (!ticket) throw notFound();
          softDeleteTicket(account, ticket, user);
          return { id, action: "delete", success: true, status: "Deleted" };
        });
      },
    });
  }),
];
