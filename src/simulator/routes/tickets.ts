import { requireDeletePermission } from "../auth.js";
import { dropReadOnlyKeys, idList, wrapped } from "../body.js";
import { isoTime } from "../clock.js";
import type { Audit, Ticket } from "../model.js";
import { buckets } from "../ratelimit.js";
import { type Route, type RouteContext, route } from "../route.js";
import { ticketJson } from "../serialize.js";
import { READ_ONLY_TICKET_KEYS } from "../tickets/attributes.js";
import { auditJson, shownAudit } from "../tickets/audit.js";
import { bulkTicketRoutes } from "../tickets/bulk-routes.js";
import { createTicket } from "../tickets/create.js";
import { softDeleteTicket } from "../tickets/delete.js";
import { listTickets } from "../tickets/listing.js";
import { liveTicket, ticketUpdateBuckets } from "../tickets/lookup.js";
import { tagRoutes } from "../tickets/tag-routes.js";
import { type UpdateResult, updateTicket } from "../tickets/update.js";

// Tickets (ZENDESK_API.md 5.2-5.9): read, create, update, soft delete; bulk and tag routes live in
// tickets/ and are listed here.

const shownAuditJson = (ctx: RouteContext, ticket: Ticket, audit: Audit) =>
  auditJson(shownAudit(audit, ctx.account.comments(ticket), ctx.baseUrl));

const updateResponse = (ctx: RouteContext, result: UpdateResult) => ({
  ticket: ticketJson(ctx.account, result.ticket, ctx.baseUrl),
  ...(result.audit ? { audit: shownAuditJson(ctx, result.ticket, result.audit) } : {}),
});

export const ticketRoutes: Route[] = [
  route("GET", "/api/v2/tickets", listTickets),

  route("GET", "/api/v2/tickets/count", (ctx) => ({
    count: { value: ctx.account.tickets.size, refreshed_at: isoTime(ctx.now) },
  })),

  route("GET", "/api/v2/tickets/show_many", (ctx) => {
    const ids = [...new Set(idList(ctx))];
    const found = ids.map((id) => ctx.account.tickets.get(id)).filter((t): t is Ticket => t !== undefined);
    return { tickets: found.map((t) => ticketJson(ctx.account, t, ctx.baseUrl)) };
  }),

  route("GET", "/api/v2/tickets/:id", (ctx) => ({
    ticket: ticketJson(ctx.account, liveTicket(ctx), ctx.baseUrl),
  })),

  route("POST", "/api/v2/tickets", (ctx) => {
    const attrs = dropReadOnlyKeys(ctx, "ticket", wrapped(ctx, "ticket"), READ_ONLY_TICKET_KEYS);
    const { ticket, audit } = createTicket(ctx.account, attrs, ctx.user);
    ctx.status = 201;
    ctx.headers["location"] = `${ctx.baseUrl}/api/v2/tickets/${ticket.id}.json`;
    return {
      ticket: ticketJson(ctx.account, ticket, ctx.baseUrl),
      audit: shownAuditJson(ctx, ticket, audit),
    };
  }),

  route(
    "PUT",
    "/api/v2/tickets/:id",
    (ctx) => {
      const ticket = liveTicket(ctx);
      const attrs = dropReadOnlyKeys(ctx, "ticket", wrapped(ctx, "ticket"), READ_ONLY_TICKET_KEYS);
      return updateResponse(ctx, updateTicket(ctx.account, ticket, attrs, ctx.user));
    },
    ticketUpdateBuckets,
  ),

  route(
    "DELETE",
    "/api/v2/tickets/:id",
    (ctx) => {
      requireDeletePermission(ctx.user);
      softDeleteTicket(ctx.account, liveTicket(ctx), ctx.user);
      return undefined;
    },
    () => [buckets.ticketsDestroy()],
  ),

  ...bulkTicketRoutes,
  ...tagRoutes,
];
