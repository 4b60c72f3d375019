import { requireAdmin } from "../auth.js";
import { dropReadOnlyKeys, wrapped } from "../body.js";
import { type Route, type RouteContext, route } from "../route.js";
import { ticketJson } from "../serialize.js";
import { READ_ONLY_IMPORT_KEYS } from "../tickets/attributes.js";
import { importTicket } from "../tickets/import.js";
import { attempt, batch, jobStatusResponse } from "../tickets/job-response.js";

// The Ticket Import API (ZENDESK_API.md 5.4), admins only.

const archiveImmediately = (ctx: RouteContext): boolean => ctx.query["archive_immediately"] === "true";

export const importRoutes: Route[] = [
  route("POST", "/api/v2/imports/tickets", (ctx) => {
    requireAdmin(ctx.user);
    const attrs = dropReadOnlyKeys(ctx, "ticket", wrapped(ctx, "ticket"), READ_ONLY_IMPORT_KEYS);
    const ticket = importTicket(ctx.account, attrs, ctx.user, archiveImmediately(ctx));
    ctx.status = 201;
    return { ticket: ticketJson(ctx.account, ticket, ctx.baseUrl) };
  }),

  route("POST", "/api/v2/imports/tickets/create_many", (ctx) => {
    requireAdmin(ctx.user);
    const items = batch(ctx).map((t) => dropReadOnlyKeys(ctx, "tickets", t, READ_ONLY_IMPORT_KEYS));
    const { account, user } = ctx;
    const archive = archiveImmediately(ctx);
    return jobStatusResponse(ctx, {
      jobType: "bulk_import",
      total: items.length,
      runItem: (index) =>
        attempt(index, undefined, () => ({
          id: importTicket(account, items[index]!, user, archive).id,
          index,
        })),
    });
  }),
];
